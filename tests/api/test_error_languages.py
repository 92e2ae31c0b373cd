"""User errors in the reader's language: Chinese by default, English with `Accept-Language:
en`, and a person's own choice (setMyLanguage) over the browser's. The code never changes."""

from __future__ import annotations

from store.models import AuditEntry, User
from tests.api.tasks_support import RESULT, create, issue, ok

ISSUE = f"mutation($i: TaskActionInput!) {{ issueTask(input: $i) {{ {RESULT} }} }}"
SET_LANGUAGE = """mutation($i: SetMyLanguageInput!) { setMyLanguage(input: $i) {
  language effectiveLanguage userErrors { field code message } } }"""
VIEWER = "{ viewer { login language effectiveLanguage } }"


async def _issued_task(api) -> dict:
    """An East task issued already: issuing it again is refused with its status in the text."""
    return ok(await issue(api, ok(await create(api, "E002", as_user="east.planner")), as_user="east.planner"))


async def _issue_again(api, task: dict, language: str | None, as_user: str = "east.planner") -> dict:
    headers = {"accept-language": language or ""}
    variables = {"i": {"taskId": task["id"], "expectedVersion": task["version"]}}
    response = await api.post(ISSUE, variables, as_user=as_user, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["issueTask"]["userErrors"][0]


async def test_a_user_error_is_chinese_without_accept_language_and_english_when_asked(api):
    task = await _issued_task(api)
    chinese = await _issue_again(api, task, None)
    english = await _issue_again(api, task, "en-GB,en;q=0.9,zh;q=0.5")
    assert english == {
        "field": ["input", "status"], "code": "TRANSITION_NOT_ALLOWED",
        "message": "a task that is issued cannot become issued",
    }  # fmt: skip
    assert chinese == {**english, "message": "已下达的任务不能变为已下达"}
    assert (await _issue_again(api, task, "zh-CN"))["message"] == chinese["message"]
    assert (await _issue_again(api, task, "fr, de;q=0.8"))["message"] == chinese["message"]  # none supported


async def test_a_person_s_choice_overrides_the_browser_and_null_follows_it_again(api):
    task = await _issued_task(api)
    chosen = await api.post(SET_LANGUAGE, {"i": {"language": "EN"}}, as_user="east.planner",
                            headers={"accept-language": "zh"})  # fmt: skip
    assert chosen.json()["data"]["setMyLanguage"] == {"language": "EN", "effectiveLanguage": "EN", "userErrors": []}
    error = await _issue_again(api, task, "zh-CN,zh;q=0.9")
    assert (
        error["message"] == "a task that is issued cannot become issued" and error["code"] == "TRANSITION_NOT_ALLOWED"
    )
    viewer = (await api.post(VIEWER, as_user="east.planner", headers={"accept-language": "zh"})).json()["data"]
    assert viewer["viewer"] == {"login": "east.planner", "language": "EN", "effectiveLanguage": "EN"}

    cleared = await api.data(SET_LANGUAGE, {"i": {"language": None}}, as_user="east.planner")
    assert cleared["setMyLanguage"] == {"language": None, "effectiveLanguage": "EN", "userErrors": []}  # the test's en
    assert (await _issue_again(api, task, "zh"))["message"] == "已下达的任务不能变为已下达"
    assert (await User.get(login="east.planner")).language is None

    records = await AuditEntry.filter(action="user.language").order_by("seq").values("before", "after", "object_id")
    planner = await User.get(login="east.planner")
    assert [(r["before"], r["after"], r["object_id"]) for r in records] == [
        ({"language": None}, {"language": "en"}, planner.id),
        ({"language": "en"}, {"language": None}, planner.id),
    ]


async def test_choosing_the_same_language_again_changes_nothing(api):
    for _ in range(2):
        data = await api.data(SET_LANGUAGE, {"i": {"language": "ZH"}}, as_user="ent.E001")
        assert data["setMyLanguage"]["userErrors"] == []
    assert await AuditEntry.filter(action="user.language").count() == 1


async def test_params_and_nested_words_are_translated_too(api):
    """A stale version names the object (任务) and the versions; the numbers stay numbers."""
    task = await _issued_task(api)
    stale = {"i": {"taskId": task["id"], "expectedVersion": task["version"] - 1}}
    body = (await api.post(ISSUE, stale, as_user="east.planner", headers={"accept-language": "zh"})).json()
    error = body["data"]["issueTask"]["userErrors"][0]
    assert error["code"] == "STALE_VERSION"
    assert (
        error["message"] == f"该任务已被修改（版本 {task['version']}，您发送的是 {task['version'] - 1}）；请刷新后重试"
    )


async def test_graphql_errors_follow_the_language_too(api):
    """A refused action (FORBIDDEN), a bad argument (BAD_USER_INPUT) and an anonymous request."""
    task = await _issued_task(api)
    variables = {"i": {"taskId": task["id"], "expectedVersion": task["version"]}}
    start = "mutation($i: TaskActionInput!) { startTask(input: $i) { userErrors { code } } }"
    for language, text in (
        ("zh", "只有该任务的检查组可以执行此操作"),
        ("en", "only the task's inspection team may do this"),
    ):
        body = (
            await api.post(start, variables, as_user="east.inspector1", headers={"accept-language": language})
        ).json()
        assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [(text, "FORBIDDEN")]
    page = "{ tasks(first: 100000) { totalCount } }"
    body = (await api.post(page, as_user="east.planner", headers={"accept-language": "zh"})).json()
    assert body["errors"][0]["message"] == "`first` 应在 0 至 100 之间"
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    anonymous = (await api.post("{ tasks(first: 1) { totalCount } }", headers={"accept-language": "zh"})).json()
    assert anonymous["errors"][0]["message"] == "请使用 bearer 令牌登录"


async def test_an_unknown_language_is_a_graphql_validation_error_not_a_500(api):
    body = await api.run(SET_LANGUAGE.replace("$i: SetMyLanguageInput!", "$i: SetMyLanguageInput!"),
                         {"i": {"language": "FR"}}, as_user="east.planner")  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_masked_error_says_so_in_the_reader_s_language_and_still_hides_the_details(api, monkeypatch):
    from services import factories

    async def broken(*args, **kwargs):
        raise RuntimeError("connection to db-internal-7.corp failed: password=hunter2")

    # With a filter: the executor answers (compiled reads do not cover filters), through this service.
    monkeypatch.setattr(factories, "list_factories", broken)
    query = "{ factories(first: 1, filter: {}) { totalCount } }"
    for language, text in (("zh", "意外错误。"), ("en", "Unexpected error."), ("", "意外错误。")):
        body = (await api.post(query, as_user="hq.planner", headers={"accept-language": language})).json()
        [error] = body["errors"]
        assert error["message"] == text and error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert len(error["extensions"]["requestId"]) == 32 and "hunter2" not in str(body)


async def test_document_limits_are_refused_in_the_reader_s_language(api):
    many = "{ " + " ".join(f"a{i}: viewer {{ login }}" for i in range(31)) + " }"
    body = (await api.post(many, as_user="hq.planner", headers={"accept-language": "zh"})).json()
    assert body["errors"][0]["message"] == "发现 31 个别名，最多允许 30 个"
