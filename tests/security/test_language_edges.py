"""Attacks on "two languages" (issue 14): every refusal a person reads follows their language
(their own, else Accept-Language, else Chinese), however the header is spelled and whatever the
stored preference holds, and no language choice ends in a 500. Each test here failed when
written: it names a defect."""

from __future__ import annotations

import re

from store.models import User

VIEWER = "{ viewer { login language effectiveLanguage } }"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese(text: str) -> bool:
    return bool(CJK.search(text))


async def _effective(api, header: str, as_user: str = "east.planner") -> str:
    body = (await api.post(VIEWER, as_user=as_user, headers={"accept-language": header})).json()
    assert "errors" not in body, body
    return body["data"]["viewer"]["effectiveLanguage"]


# --- a stored language we do not speak -------------------------------------------------------


async def test_a_stored_language_other_than_zh_or_en_does_not_make_viewer_a_500(api):
    """app_user.language holds any 8 chars (no CHECK): `viewer` builds enums.Language("fr") → masked 500."""
    for stored in ("fr", "../../e", "EN", ""):
        await User.filter(login="east.planner").update(language=stored)
        body = (await api.post(VIEWER, as_user="east.planner", headers={"accept-language": "zh"})).json()
        assert "errors" not in body, (stored, body)
        assert body["data"]["viewer"]["effectiveLanguage"] == "ZH", stored


# --- the downloads' refusals ------------------------------------------------------------------


async def test_download_routes_refuse_in_the_reader_s_language(api):
    """/documents, /archive, /tasks/…/forms, /imports/reports answer fixed English texts to a Chinese reader."""
    token = await api.token("east.planner")
    headers = {"authorization": f"Bearer {token}", "accept-language": "zh"}
    refused = {}
    for path in (
        "/documents/999999",
        "/archive/bm9wZQ.zip",
        "/tasks/bm9wZQ/forms/NOPE.pdf",
        "/imports/reports/no-such-token",
    ):
        response = await api.http.get(path, headers=headers)
        assert response.status_code == 404, (path, response.text)
        refused[path] = response.json()["error"]
    anonymous = await api.http.get("/documents/1", headers={"accept-language": "zh"})
    assert anonymous.status_code == 401
    refused["anonymous"] = anonymous.json()["error"]
    assert {path: text for path, text in refused.items() if not _chinese(text)} == {}


# --- the GraphQL endpoint's HTTP refusals -------------------------------------------------------


async def test_graphql_http_refusals_follow_accept_language(api):
    """SurveilGraphQL's HTTPException reasons (not JSON, not an object, query too long, anonymous upload) stay English."""
    token = await api.token("east.planner")
    signed = {"authorization": f"Bearer {token}", "accept-language": "zh", "content-type": "application/json"}
    texts = {}
    for name, body in (
        ("not json", b"this is not json"),
        ("not an object", b"[1, 2]"),
        ("too long", ('{"query": "{ viewer { login } }' + " " * 40000 + '"}').encode()),
    ):
        response = await api.http.post("/graphql", content=body, headers=signed)
        assert 400 <= response.status_code < 500, (name, response.text)
        texts[name] = response.json()["errors"][0]["message"]
    anonymous = await api.http.post(
        "/graphql", content=b'{"query": "{ viewer { login } }"}' + b" " * 5000,
        headers={"accept-language": "zh", "content-type": "application/json"},
    )  # fmt: skip
    texts["anonymous too big"] = anonymous.json()["errors"][0]["message"]
    assert {name: text for name, text in texts.items() if not _chinese(text)} == {}


# --- Accept-Language spelled in ways the RFC allows, or abuses ------------------------------------


async def test_a_refusal_written_with_a_capital_q_is_still_a_refusal(api):
    """RFC 9110: "q" is case-insensitive; `en;Q=0` (and `en; q =0`) is read as weight 1 and chooses English."""
    assert await _effective(api, "en;Q=0, zh;q=0.5") == "ZH"
    assert await _effective(api, "en;q =0, zh;q=0.5") == "ZH"


async def test_a_weight_above_one_does_not_outrank_a_valid_one(api):
    """q is at most 1 (RFC 9110 qvalue): `q=1e400` (inf) or `q=2` outranks the first choice zh."""
    assert await _effective(api, "zh, en;q=1e400") == "ZH"
    assert await _effective(api, "zh, en;q=2") == "ZH"


async def test_cutting_a_long_header_does_not_turn_a_refusal_into_a_choice(api):
    """The 512-char cut lands inside `en;q=0` and leaves `en` (weight 1): a refused language gets chosen."""
    header = "de," * 170 + "en;q=0"  # the cut at 512 leaves "...de,en"
    assert await _effective(api, header) == "ZH"


async def test_repeated_accept_language_headers_choose_one_language_everywhere(api):
    """Starlette's headers.get takes the first header (GraphQL), http_limits' dict() the last (413): they disagree."""
    token = await api.token("east.planner")
    twice = [
        ("authorization", f"Bearer {token}"), ("accept-language", "zh"), ("accept-language", "en"),
        ("content-type", "application/json"),
    ]  # fmt: skip
    viewer = await api.http.post("/graphql", json={"query": VIEWER}, headers=twice)
    graphql_language = viewer.json()["data"]["viewer"]["effectiveLanguage"]
    big = await api.http.post("/graphql", content=b"{" + b" " * (1024 * 1024 + 10) + b"}", headers=twice)
    assert big.status_code == 413
    limit_language = "ZH" if _chinese(big.json()["errors"][0]["message"]) else "EN"
    assert limit_language == graphql_language
