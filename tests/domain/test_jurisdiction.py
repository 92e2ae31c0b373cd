"""Jurisdiction routing (DOMAIN §2): overseas and North China -> HQ, else the sub-centre."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, ErrorCode
from domain.jurisdiction import CHINA, DEFAULT_NORTH_CHINA, JurisdictionMap

SUBCENTRES = {
    "east": ("Jiangsu", "Zhejiang", "Shanghai", "Anhui"),
    "south": ("Guangdong", "Fujian", "Hainan"),
    "west": ("Sichuan", "Chongqing", "Yunnan"),
}
AGENCIES = {"agency-de": ("DE", "AT"), "agency-jp": ("JP",)}


@pytest.fixture
def jmap() -> JurisdictionMap:
    return JurisdictionMap.build("hq", DEFAULT_NORTH_CHINA, SUBCENTRES, AGENCIES)


@pytest.mark.parametrize("country", ["DE", "US", "JP", "VN"])
@pytest.mark.parametrize("province", [None, "", "Bavaria", "Jiangsu"])
def test_overseas_factories_go_to_hq_whatever_the_province(jmap, country, province):
    assert jmap.responsible_unit(country, province) == "hq"


@pytest.mark.parametrize("province", DEFAULT_NORTH_CHINA)
def test_north_china_provinces_go_to_hq(jmap, province):
    assert jmap.responsible_unit(CHINA, province) == "hq"


@pytest.mark.parametrize(
    ("province", "unit"),
    [(province, unit) for unit, provinces in SUBCENTRES.items() for province in provinces],
)
def test_each_subcentre_province_goes_to_its_subcentre(jmap, province, unit):
    assert jmap.responsible_unit(CHINA, province) == unit


@pytest.mark.parametrize("province", ["Atlantis", "jiangsu", "Tibet"])
def test_unknown_province_is_a_jurisdiction_error(jmap, province):
    with pytest.raises(DomainError) as exc:
        jmap.responsible_unit(CHINA, province)
    assert exc.value.code == ErrorCode.JURISDICTION
    assert exc.value.field == ("province",)


@pytest.mark.parametrize("province", [None, ""])
def test_missing_province_in_china_is_required(jmap, province):
    with pytest.raises(DomainError) as exc:
        jmap.responsible_unit(CHINA, province)
    assert exc.value.code == ErrorCode.REQUIRED
    assert exc.value.field == ("province",)


def test_known_provinces_is_north_china_plus_every_subcentre(jmap):
    expected = set(DEFAULT_NORTH_CHINA).union(*map(set, SUBCENTRES.values()))
    assert jmap.known_provinces() == expected


def test_north_china_is_configuration_not_code():
    # Hebei leaves North China and joins a new sub-centre; Beijing and Tianjin stay with HQ.
    custom = JurisdictionMap.build(
        "hq",
        ("Beijing", "Tianjin"),
        {**SUBCENTRES, "north": ("Hebei", "Shanxi")},
    )
    default = JurisdictionMap.build("hq", DEFAULT_NORTH_CHINA, SUBCENTRES)
    assert default.responsible_unit(CHINA, "Hebei") == "hq"
    assert custom.responsible_unit(CHINA, "Hebei") == "north"
    assert custom.responsible_unit(CHINA, "Shanxi") == "north"
    assert custom.responsible_unit(CHINA, "Beijing") == "hq"
    assert custom.responsible_unit(CHINA, "Jiangsu") == "east"


def test_a_province_dropped_from_north_china_and_unassigned_is_unknown():
    custom = JurisdictionMap.build("hq", ("Beijing",), SUBCENTRES)
    with pytest.raises(DomainError) as exc:
        custom.responsible_unit(CHINA, "Tianjin")
    assert exc.value.code == ErrorCode.JURISDICTION


def test_a_larger_north_china_takes_provinces_to_hq():
    custom = JurisdictionMap.build("hq", (*DEFAULT_NORTH_CHINA, "Shandong"), SUBCENTRES)
    assert custom.responsible_unit(CHINA, "Shandong") == "hq"


def test_hq_code_is_configuration():
    custom = JurisdictionMap.build("head-office", DEFAULT_NORTH_CHINA, SUBCENTRES)
    assert custom.responsible_unit("DE", None) == "head-office"
    assert custom.responsible_unit(CHINA, "Beijing") == "head-office"


def test_build_rejects_a_province_claimed_by_two_subcentres():
    with pytest.raises(ValueError, match="Jiangsu"):
        JurisdictionMap.build("hq", DEFAULT_NORTH_CHINA, {"east": ("Jiangsu",), "south": ("Guangdong", "Jiangsu")})


def test_build_rejects_a_province_claimed_by_a_subcentre_and_north_china():
    with pytest.raises(ValueError, match="Hebei"):
        JurisdictionMap.build("hq", DEFAULT_NORTH_CHINA, {"east": ("Jiangsu", "Hebei")})


def test_build_accepts_iterables_and_freezes_them():
    jmap = JurisdictionMap.build("hq", iter(["Beijing"]), {"east": ["Jiangsu"]}, {"agency-de": ["DE"]})
    assert jmap.north_china == frozenset({"Beijing"})
    assert jmap.subcenter_provinces["east"] == frozenset({"Jiangsu"})
    assert jmap.agency_countries["agency-de"] == frozenset({"DE"})


def test_serving_agency(jmap):
    assert jmap.serving_agency("DE") == "agency-de"
    assert jmap.serving_agency("AT") == "agency-de"
    assert jmap.serving_agency("JP") == "agency-jp"
    assert jmap.serving_agency(CHINA) is None
    assert jmap.serving_agency("BR") is None


def test_serving_agency_is_none_without_agencies():
    jmap = JurisdictionMap.build("hq", DEFAULT_NORTH_CHINA, SUBCENTRES)
    assert jmap.serving_agency("DE") is None


def test_serving_agency_never_serves_china_even_if_listed():
    jmap = JurisdictionMap.build("hq", DEFAULT_NORTH_CHINA, SUBCENTRES, {"odd": ("CN",)})
    assert jmap.serving_agency(CHINA) is None


def test_build_rejects_a_country_served_by_two_agencies():
    with pytest.raises(ValueError, match="DE"):
        JurisdictionMap.build("hq", DEFAULT_NORTH_CHINA, {}, {"agency-de": ["DE"], "agency-eu": ["DE", "FR"]})


def test_country_code_case_does_not_change_routing(jmap):
    assert jmap.responsible_unit("cn", "Jiangsu") == jmap.responsible_unit(CHINA, "Jiangsu") == "east"
