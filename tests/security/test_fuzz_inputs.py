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
    f = await factory(api, "E001", as_user="east.planner")
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
        as_user="east.planner",
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
