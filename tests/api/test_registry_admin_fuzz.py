"""Whatever text an administrator sends to the registry, the answer is data or user errors —
never a masked crash, never an ORM or database message (as tests/security/test_fuzz_inputs.py
for the other inputs)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.registry_admin_support import mutation
from tests.security.test_fuzz_inputs import LEAKS

text = st.text(max_size=300) | st.sampled_from(["", " ", "\x00", "'; DROP TABLE factory; --", "%", "_", "ü" * 300])
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _clean(body: dict) -> bool:
    return not any(leak in str(body) for leak in LEAKS) and "errors" not in body


@FUZZ
@given(code=text, name=text, province=text, country=text, enterprise=text)
async def test_factory_inputs(api, code, name, province, country, enterprise):
    body = {"code": code, "name": name, "address": name, "country": country, "province": province,
            "classification": "B", "enterpriseUnitCode": enterprise, "reason": name}  # fmt: skip
    answer = await api.run(mutation("createFactory", "CreateFactoryInput", "factory { id }"), {"i": body},
                           as_user="hq.planner")  # fmt: skip
    assert _clean(answer), answer


@FUZZ
@given(login=text, name=text, unit=text, email=text)
async def test_person_inputs(api, login, name, unit, email):
    body = {"login": login, "displayName": name, "unitCode": unit, "email": email, "reason": name}
    answer = await api.run(mutation("createUser", "CreateUserInput", "person { id }"), {"i": body}, as_user="hq.admin")
    assert _clean(answer), answer


@FUZZ
@given(code=text, name=text, province=text, country=text, region=text)
async def test_unit_inputs(api, code, name, province, country, region):
    body = {"code": code, "kind": "SUBCENTER", "name": name, "nameZh": name, "provinces": [province],
            "countries": [country], "regions": [region], "reason": name}  # fmt: skip
    answer = await api.run(mutation("createOrgUnit", "CreateOrgUnitInput", "unit { id }"), {"i": body},
                           as_user="hq.admin")  # fmt: skip
    assert _clean(answer), answer
