"""Factory information maintenance (DOMAIN §3, §4.9): corrections and class changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.enums import FactoryClass, FactoryStatus
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.factory import (
    ADDRESS_MAX,
    CODE_MAX,
    NAME_MAX,
    PROVINCE_MAX,
    FactoryCorrection,
    FactoryFacts,
    change_class,
    correct_information,
    validate_new_factory_code,
)
from domain.jurisdiction import DEFAULT_NORTH_CHINA, JurisdictionMap

JMAP = JurisdictionMap.build(
    "hq",
    DEFAULT_NORTH_CHINA,
    {"east": ("Jiangsu", "Zhejiang", "Shanghai"), "south": ("Guangdong", "Fujian"), "west": ("Sichuan",)},
    {"agency-de": ("DE",)},
)

JIANGSU = FactoryFacts(
    name="Suzhou Cable Works",
    address="1 Canal Road, Suzhou",
    country="CN",
    province="Jiangsu",
    status=FactoryStatus.ACTIVE,
    classification=FactoryClass.B,
    responsible_unit="east",
)
MUNICH = FactoryFacts(
    name="Munich Plug GmbH",
    address="Hauptstr. 1, München",
    country="DE",
    province="Bavaria",
    status=FactoryStatus.ACTIVE,
    classification=FactoryClass.A,
    responsible_unit="hq",
)


def correct(current: FactoryFacts = JIANGSU, **changes):
    """A correction as the resolver builds it: fields_set names every field given."""
    return correct_information(current, FactoryCorrection(**changes, fields_set=frozenset(changes)), JMAP)


def raises_one(code: ErrorCode, current: FactoryFacts = JIANGSU, **changes) -> DomainError:
    with pytest.raises(DomainErrors) as exc:
        correct(current, **changes)
    assert [e.code for e in exc.value.errors] == [code]
    return exc.value.errors[0]


# --- single-field corrections ------------------------------------------------------------


def test_single_field_change_gives_exact_before_and_after():
    change = correct(name="Suzhou Cable Works Ltd.")
    assert change.before == {"name": "Suzhou Cable Works"}
    assert change.after == {"name": "Suzhou Cable Works Ltd."}
    assert change.facts == replace(JIANGSU, name="Suzhou Cable Works Ltd.")


def test_text_is_trimmed_before_comparison():
    change = correct(address="  2 Canal Road, Suzhou \n")
    assert change.after == {"address": "2 Canal Road, Suzhou"}


def test_status_change_is_reported_as_its_plain_value():
    change = correct(status=FactoryStatus.PRODUCTION_STOPPED)
    assert change.before == {"status": "ACTIVE"}
    assert change.after == {"status": "PRODUCTION_STOPPED"}
    assert change.facts.status is FactoryStatus.PRODUCTION_STOPPED


def test_several_fields_change_together():
    change = correct(name="New name", address="New address", status=FactoryStatus.RELOCATED)
    assert set(change.after) == {"name", "address", "status"}
    assert change.before == {"name": JIANGSU.name, "address": JIANGSU.address, "status": "ACTIVE"}


def test_limits_are_inclusive():
    change = correct(name="n" * NAME_MAX, address="a" * ADDRESS_MAX)
    assert change.after == {"name": "n" * NAME_MAX, "address": "a" * ADDRESS_MAX}


# --- invalid input ---------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_name_is_required(blank):
    error = raises_one(ErrorCode.REQUIRED, name=blank)
    assert error.field == ("name",)


def test_blank_address_is_required():
    assert raises_one(ErrorCode.REQUIRED, address=" ").field == ("address",)


def test_over_long_address_is_too_long():
    assert raises_one(ErrorCode.TOO_LONG, address="a" * (ADDRESS_MAX + 1)).field == ("address",)


def test_over_long_name_is_too_long():
    assert raises_one(ErrorCode.TOO_LONG, name="n" * (NAME_MAX + 1)).field == ("name",)


def test_over_long_province_is_too_long():
    assert raises_one(ErrorCode.TOO_LONG, province="p" * (PROVINCE_MAX + 1)).field == ("province",)


@pytest.mark.parametrize("bad", ["Suzhou\x00Works", "bell\x07", "esc\x1b[31m", "del\x7f", "a\x0bb"])
def test_control_characters_are_invalid(bad):
    assert raises_one(ErrorCode.INVALID, name=bad).field == ("name",)


def test_newlines_and_tabs_inside_text_are_allowed():
    change = correct(address="Building 3\nCanal Road\tSuzhou")
    assert change.after == {"address": "Building 3\nCanal Road\tSuzhou"}


@pytest.mark.parametrize("bad", ["CHN", "C", "1N", "", "C-"])
def test_bad_country_code_is_invalid(bad):
    assert raises_one(ErrorCode.INVALID, country=bad).field == ("country",)


def test_several_bad_fields_are_reported_together():
    with pytest.raises(DomainErrors) as exc:
        correct(name=" ", address="x" * (ADDRESS_MAX + 1), country="China", province="bad\x01")
    got = {(e.field, e.code) for e in exc.value.errors}
    assert got == {
        (("name",), ErrorCode.REQUIRED),
        (("address",), ErrorCode.TOO_LONG),
        (("country",), ErrorCode.INVALID),
        (("province",), ErrorCode.INVALID),
    }
    assert len(exc.value.errors) == 4


def test_one_bad_field_rejects_the_whole_correction():
    with pytest.raises(DomainErrors) as exc:
        correct(name="Perfectly fine", address="")
    assert [e.field for e in exc.value.errors] == [("address",)]


# --- moves and jurisdiction ------------------------------------------------------------


def test_moving_from_jiangsu_to_guangdong_routes_to_the_south_subcentre():
    change = correct(province="Guangdong")
    assert change.before == {"province": "Jiangsu", "responsible_unit": "east"}
    assert change.after == {"province": "Guangdong", "responsible_unit": "south"}
    assert change.facts.responsible_unit == "south"


def test_moving_within_the_same_jurisdiction_keeps_the_unit():
    change = correct(province="Zhejiang", address="9 Lake Road, Hangzhou")
    assert change.after == {"province": "Zhejiang", "address": "9 Lake Road, Hangzhou"}
    assert "responsible_unit" not in change.after


def test_moving_to_north_china_routes_to_hq():
    change = correct(province="Hebei")
    assert change.after == {"province": "Hebei", "responsible_unit": "hq"}


def test_moving_abroad_drops_the_province_and_routes_to_hq():
    change = correct(country="DE", address="Hauptstr. 2, Berlin")
    assert change.before == {
        "country": "CN",
        "province": "Jiangsu",
        "address": JIANGSU.address,
        "responsible_unit": "east",
    }
    assert change.after == {
        "country": "DE",
        "province": None,
        "address": "Hauptstr. 2, Berlin",
        "responsible_unit": "hq",
    }
    assert change.facts.province is None


def test_moving_abroad_with_a_region_keeps_the_region():
    change = correct(country="DE", province="Bavaria")
    assert change.after == {"country": "DE", "province": "Bavaria", "responsible_unit": "hq"}


def test_moving_from_abroad_into_a_subcentre_province():
    change = correct(MUNICH, country="CN", province="Fujian")
    assert change.before == {"country": "DE", "province": "Bavaria", "responsible_unit": "hq"}
    assert change.after == {"country": "CN", "province": "Fujian", "responsible_unit": "south"}


def test_unknown_province_is_a_jurisdiction_error():
    with pytest.raises(DomainError) as exc:
        correct(province="Atlantis")
    assert exc.value.code == ErrorCode.JURISDICTION
    assert exc.value.field == ("province",)


def test_moving_to_china_keeping_a_foreign_region_is_a_jurisdiction_error():
    with pytest.raises(DomainError) as exc:
        correct(MUNICH, country="CN")
    assert exc.value.code == ErrorCode.JURISDICTION


def test_jurisdiction_is_rerouted_from_the_current_map():
    # The stored unit is stale (the map changed); any correction re-routes it.
    stale = replace(JIANGSU, responsible_unit="south")
    change = correct(stale, name="Renamed")
    assert change.before == {"name": JIANGSU.name, "responsible_unit": "south"}
    assert change.after == {"name": "Renamed", "responsible_unit": "east"}


# --- no change, normalisation, fields_set ----------------------------------------------


def test_correction_that_changes_nothing_is_no_change():
    with pytest.raises(DomainError) as exc:
        correct(name=JIANGSU.name, address=f"  {JIANGSU.address}  ", country="CN", province="Jiangsu")
    assert exc.value.code == ErrorCode.NO_CHANGE


def test_empty_correction_is_no_change():
    with pytest.raises(DomainError) as exc:
        correct_information(JIANGSU, FactoryCorrection(), JMAP)
    assert exc.value.code == ErrorCode.NO_CHANGE


@pytest.mark.parametrize("given", ["cn", " Cn ", "cN"])
def test_lowercase_country_is_normalised(given):
    with pytest.raises(DomainError) as exc:
        correct(country=given)
    assert exc.value.code == ErrorCode.NO_CHANGE


def test_lowercase_foreign_country_is_normalised_on_a_move():
    change = correct(country="de")
    assert change.after["country"] == "DE"
    assert change.facts.country == "DE"


def test_province_none_outside_fields_set_leaves_it_alone():
    correction = FactoryCorrection(name="Renamed", province=None, fields_set=frozenset({"name"}))
    change = correct_information(JIANGSU, correction, JMAP)
    assert change.facts.province == "Jiangsu"
    assert change.after == {"name": "Renamed"}


def test_province_value_outside_fields_set_is_ignored():
    # Only fields_set says whether the province was given (None is a meaningful value).
    correction = FactoryCorrection(name="Renamed", province="Guangdong", fields_set=frozenset({"name"}))
    change = correct_information(JIANGSU, correction, JMAP)
    assert change.facts.province == "Jiangsu"
    assert change.facts.responsible_unit == "east"


def test_province_explicitly_none_clears_a_foreign_region():
    change = correct(MUNICH, province=None)
    assert change.before == {"province": "Bavaria"}
    assert change.after == {"province": None}


@pytest.mark.parametrize("blank", [None, "  "])
def test_clearing_a_foreign_region_with_blank_or_none(blank):
    assert correct(MUNICH, province=blank).after == {"province": None}


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_clearing_the_province_in_china_is_required(blank):
    with pytest.raises(DomainError) as exc:
        correct(province=blank)
    assert exc.value.code == ErrorCode.REQUIRED
    assert exc.value.field == ("province",)


def test_moving_into_china_without_a_province_is_required():
    nowhere = replace(MUNICH, province=None)
    with pytest.raises(DomainError) as exc:
        correct(nowhere, country="CN")
    assert exc.value.code == ErrorCode.REQUIRED
    assert exc.value.field == ("province",)


def test_correct_information_does_not_touch_the_class():
    change = correct(name="Renamed")
    assert change.facts.classification is JIANGSU.classification


# --- change_class ----------------------------------------------------------------------


def test_change_class_to_the_same_class_is_no_change():
    with pytest.raises(DomainError) as exc:
        change_class(JIANGSU, FactoryClass.B)
    assert exc.value.code == ErrorCode.NO_CHANGE
    assert exc.value.field == ("classification",)


@pytest.mark.parametrize("new", [FactoryClass.A, FactoryClass.C, FactoryClass.D])
def test_change_class_gives_before_and_after(new):
    change = change_class(JIANGSU, new)
    assert change.before == {"classification": "B"}
    assert change.after == {"classification": new.value}
    assert change.facts == replace(JIANGSU, classification=new)


# --- new factory codes -----------------------------------------------------------------


def test_new_factory_code_is_trimmed_and_limited():
    assert validate_new_factory_code("  E001 ") == "E001"
    with pytest.raises(DomainError) as exc:
        validate_new_factory_code("x" * (CODE_MAX + 1))
    assert exc.value.code == ErrorCode.TOO_LONG
    with pytest.raises(DomainError) as exc:
        validate_new_factory_code(" ")
    assert exc.value.code == ErrorCode.REQUIRED


@pytest.mark.parametrize("bad", ["Suzhou \ud800 Works", "tail\udfff"])
def test_lone_surrogates_are_invalid(bad):
    # They are legal in a JSON escape but cannot be encoded as UTF-8 (store, audit hash).
    assert raises_one(ErrorCode.INVALID, name=bad).field == ("name",)


def test_a_merged_factory_is_neither_corrected_nor_reclassified():
    merged = replace(JIANGSU, status=FactoryStatus.MERGED)
    for attempt in (lambda: correct(merged, name="Other"), lambda: change_class(merged, FactoryClass.A)):
        with pytest.raises(DomainError) as exc:
            attempt()
        assert exc.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_a_correction_cannot_merge_a_factory():
    with pytest.raises(DomainError) as exc:
        correct(status=FactoryStatus.MERGED)
    assert exc.value.code == ErrorCode.TRANSITION_NOT_ALLOWED and exc.value.field == ("status",)
