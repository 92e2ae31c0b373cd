"""Whatever text a client sends, the answer is data or a typed error — never a masked crash,
never an ORM or database message."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.client import factory

LEAKS = ("Length of", "tortoise", "sqlite", "asyncpg", "Traceback", "INTERNAL_SERVER_ERROR", "IntegrityError")
text = st.text(max_size=700) | st.sampled_from(
    ["", " ", "\x00", "'; DROP TABLE factory; --", "%", "_", "\\", "ü" * 300]
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _clean(body):
    dump = str(body)
    return not any(leak in dump for leak in LEAKS)


@FUZZ
@given(name=text, address=text, province=text, country=text, reason=text)
async def test_correction_inputs(api, name, address, province, country, reason):
    # HQ corrects anywhere: an earlier example may have moved E001 out of East (a new country).
    f = await factory(api, "E001", as_user="hq.planner")
    body = await api.run(
        """mutation($input: CorrectFactoryInformationInput!) { correctFactoryInformation(input: $input) {
            factory { version } userErrors { field message code } } }""",
        {
            "input": {
                "factoryId": f["id"],
                "expectedVersion": f["version"],
                "reason": reason,
                "name": name,
                "address": address,
                "province": province,
                "country": country,
            }
        },
        as_user="hq.planner",
    )
    assert _clean(body), body
    assert "errors" not in body


@FUZZ
@given(search=text, province=text, unit=text, country=text, cursor=text)
async def test_filter_inputs(api, search, province, unit, country, cursor):
    body = await api.run(
        """query($f: FactoryFilter, $after: String) { factories(first: 5, after: $after, filter: $f) { totalCount } }""",
        {
            "f": {"search": search, "province": province, "responsibleUnit": unit, "country": country},
            "after": cursor or None,
        },
        as_user="hq.planner",
    )
    assert _clean(body), body
    codes = {e["extensions"]["code"] for e in body.get("errors", [])}
    assert codes <= {"BAD_USER_INPUT"}


@FUZZ
@given(object_id=text, action=text)
async def test_id_inputs(api, object_id, action):
    body = await api.run(
        "query($id: ID!, $a: String!) { node(id: $id) { id } authorization(action: $a, objectId: $id) { allowed } }",
        {"id": object_id, "a": action},
        as_user="east.planner",
    )
    assert _clean(body), body


SURROGATE = "bad \ud800 text"


async def test_lone_surrogates_everywhere(api):
    """Valid as a JSON escape, invalid in UTF-8: refused at the door (400), never a crash.
    The domain's own text check refuses them too (tests/domain), as defence in depth."""
    f = await factory(api, "E001", as_user="east.planner")
    bodies = [
        await api.post(
            """mutation($input: CorrectFactoryInformationInput!) { correctFactoryInformation(input: $input) {
                userErrors { code } } }""",
            {"input": {"factoryId": f["id"], "expectedVersion": 1, "reason": SURROGATE, "name": SURROGATE}},
            as_user="east.planner",
        ),
        await api.post(
            "query($f: FactoryFilter) { factories(first: 5, filter: $f) { totalCount } }",
            {"f": {"search": SURROGATE, "province": SURROGATE, "responsibleUnit": SURROGATE}},
            as_user="hq.planner",
        ),
        await api.post(
            """mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { userErrors { code } } }""",
            {"i": {"login": SURROGATE, "role": "PLANNER", "unitCode": SURROGATE, "reason": SURROGATE}},
            as_user="hq.admin",
        ),
        await api.post(
            "query($a: String!) { auditLog(first: 5, action: $a) { totalCount } }",
            {"a": SURROGATE},
            as_user="hq.auditor",
        ),
    ]
    for response in bodies:
        assert response.status_code == 400, response.text
        assert "lone surrogate" in response.text and _clean(response.text)


@FUZZ
@given(login=text, unit=text, reason=text, action=text)
async def test_admin_inputs(api, login, unit, reason, action):
    body = await api.run(
        """mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { userErrors { code } } }""",
        {"i": {"login": login, "role": "PLANNER", "unitCode": unit, "reason": reason}},
        as_user="hq.admin",
    )
    assert _clean(body) and "errors" not in body, body
    body = await api.run(
        "query($a: String!) { auditLog(first: 5, action: $a) { totalCount } }", {"a": action}, as_user="hq.auditor"
    )
    assert _clean(body), body
