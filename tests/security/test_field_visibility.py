"""Internal fields: foreign agencies and enterprises never see a factory's class, and cannot
learn it by filtering either."""

import pytest

QUERY = """query($f: FactoryFilter) { factories(first: 100, filter: $f) { totalCount
  nodes { code classification certificates(first: 5) { totalCount } } } }"""


@pytest.mark.parametrize("login", ["agency.de.inspector", "ent.E001", "ent.D001"])
async def test_class_is_hidden(api, login):
    data = (await api.data(QUERY, as_user=login))["factories"]
    assert data["totalCount"] >= 1
    assert all(n["classification"] is None for n in data["nodes"])
    for klass in "ABCD":
        filtered = (await api.data(QUERY, {"f": {"classification": klass}}, as_user=login))["factories"]
        assert filtered["totalCount"] == 0, klass


async def test_enterprise_sees_its_own_factory_and_certificates_only(api):
    data = (await api.data(QUERY, as_user="ent.E001"))["factories"]
    assert [n["code"] for n in data["nodes"]] == ["E001"]
    assert data["nodes"][0]["certificates"]["totalCount"] == 2


async def test_agency_sees_the_overseas_factories_of_its_countries(api):
    data = (await api.data(QUERY, as_user="agency.de.inspector"))["factories"]
    assert sorted(n["code"] for n in data["nodes"]) == ["D001", "D002", "D003", "D004"]


async def test_staff_see_class(api):
    data = (await api.data(QUERY, {"f": {"classification": "A"}}, as_user="east.inspector1"))["factories"]
    assert data["totalCount"] == 3 and {n["classification"] for n in data["nodes"]} == {"A"}
