"""Registry administration's rules for new records (issue 12): units, factories, certificates,
people. Every bad field is reported at once, under the column name an import file uses."""

from __future__ import annotations

from datetime import date

import pytest

from domain.enums import CertificateStatus, FactoryClass, Role, UnitKind
from domain.errors import DomainErrors, ErrorCode
from domain.jurisdiction import DEFAULT_NORTH_CHINA, JurisdictionMap
from domain.registry import (
    ROLES_BY_UNIT_KIND,
    NewCertificate,
    NewFactory,
    NewPerson,
    NewUnit,
    changed_unit,
    latest_expiry,
    new_certificate,
    new_factory,
    new_person,
    new_unit,
)

JMAP = JurisdictionMap.build(
    "hq",
    DEFAULT_NORTH_CHINA,
    {"east": ("Jiangsu", "Zhejiang", "Shanghai"), "south": ("Guangdong",)},
    {"agency-de": ("DE",)},
)


def errors_of(call, **kwargs) -> dict[str, ErrorCode]:
    with pytest.raises(DomainErrors) as exc:
        call(**kwargs)
    fields = [e.field for e in exc.value.errors]
    assert all(len(f) == 1 for f in fields), fields
    assert len(set(fields)) == len(fields), fields  # one error per field
    return {e.field[0]: e.code for e in exc.value.errors}


# --- Units ------------------------------------------------------------------------------------

UNIT = dict(code="north", kind=UnitKind.SUBCENTER, name="North-east Sub-centre", name_zh="东北分中心",
            provinces=["Liaoning", "Jilin"], countries=[], regions=[])  # fmt: skip


def unit(**changes):
    return new_unit(**{**UNIT, **changes})


def test_a_subcentre_with_its_provinces_is_accepted_and_trimmed():
    assert unit(code=" north ", name=" North ", provinces=[" Liaoning "]) == NewUnit(
        "north", UnitKind.SUBCENTER, "North", "东北分中心", ("Liaoning",), (), ()
    )


@pytest.mark.parametrize(
    ("kind", "lists"),
    [
        (UnitKind.FOREIGN_AGENCY, dict(provinces=[], countries=["fr", "IT"], regions=[])),
        (UnitKind.LAB, dict(provinces=[], countries=[], regions=["east", "south"])),
        (UnitKind.ENTERPRISE, dict(provinces=[], countries=[], regions=[])),
        (UnitKind.HQ, dict(code="hq", provinces=[], countries=[], regions=[])),
    ],
)
def test_each_kind_with_the_list_it_needs_is_accepted(kind, lists):
    made = unit(kind=kind, **lists)
    assert made.kind == kind
    if kind == UnitKind.FOREIGN_AGENCY:
        assert made.countries == ("FR", "IT")


@pytest.mark.parametrize("code", ["North", "-north", "no rth", "n" * 33, "nörth", "north_1", "nor\nth"])
def test_unit_codes_are_lower_case_words(code):
    assert errors_of(unit, code=code) == {"code": ErrorCode.INVALID}


@pytest.mark.parametrize(
    ("kind", "lists", "expected"),
    [
        (UnitKind.SUBCENTER, dict(provinces=[]), {"provinces": ErrorCode.REQUIRED}),
        (UnitKind.SUBCENTER, dict(countries=["DE"], regions=["east"]),
         {"countries": ErrorCode.INVALID, "regions": ErrorCode.INVALID}),
        (UnitKind.FOREIGN_AGENCY, dict(provinces=[], countries=[]),
         {"countries": ErrorCode.REQUIRED}),
        (UnitKind.FOREIGN_AGENCY, dict(countries=["DE"]), {"provinces": ErrorCode.INVALID}),
        (UnitKind.LAB, dict(provinces=[], regions=[]), {"regions": ErrorCode.REQUIRED}),
        (UnitKind.ENTERPRISE, dict(), {"provinces": ErrorCode.INVALID}),
    ],
)  # fmt: skip
def test_only_the_kind_that_needs_a_list_has_it(kind, lists, expected):
    assert errors_of(unit, kind=kind, **lists) == expected


def test_an_agency_serves_foreign_countries_by_iso_code():
    base = dict(kind=UnitKind.FOREIGN_AGENCY, provinces=[])
    assert errors_of(unit, **base, countries=["Germany"]) == {"countries": ErrorCode.INVALID}
    assert errors_of(unit, **base, countries=["CN"]) == {"countries": ErrorCode.INVALID}
    assert errors_of(unit, **base, countries=["DE", "de"]) == {"countries": ErrorCode.INVALID}


@pytest.mark.parametrize("spelt", ["liaoning", "ＬＩＡＯＮＩＮＧ", "辽宁", "辽宁省", " Liaoning "])
def test_a_subcentres_provinces_are_stored_by_their_canonical_names(spelt):
    assert unit(provinces=[spelt, "吉林省"]).provinces == ("Liaoning", "Jilin")


def test_a_province_listed_under_two_spellings_is_listed_twice():
    assert errors_of(unit, provinces=["Liaoning", "liaoning"]) == {"provinces": ErrorCode.INVALID}
    assert errors_of(unit, provinces=["Liaoning", "辽宁"]) == {"provinces": ErrorCode.INVALID}


@pytest.mark.parametrize("province", ["Atlantis", "P1", "Bavaria", "辽"])
def test_a_subcentre_lists_only_provinces_of_china(province):
    assert errors_of(unit, provinces=["Liaoning", province]) == {"provinces": ErrorCode.INVALID}


@pytest.mark.parametrize("spelt", ["Beijing", "beijing", "ＢＥＩＪＩＮＧ", "北京市"])
def test_north_china_is_no_subcentres_however_spelt(spelt):
    found = errors_of(unit, provinces=[spelt, "Jilin"], north_china=DEFAULT_NORTH_CHINA)
    assert found == {"provinces": ErrorCode.JURISDICTION}


@pytest.mark.parametrize(("field", "entry"), [("provinces", "Liaoning"), ("countries", "DE"), ("regions", "east")])
def test_a_units_lists_are_bounded(field, entry):
    kind = {"provinces": UnitKind.SUBCENTER, "countries": UnitKind.FOREIGN_AGENCY, "regions": UnitKind.LAB}[field]
    lists = {"provinces": [], "countries": [], "regions": [], field: [entry] * 65}
    assert errors_of(unit, kind=kind, **lists) == {field: ErrorCode.TOO_LONG}


def test_an_update_leaves_a_list_it_does_not_give_unchecked():
    emptied = NewUnit("west", UnitKind.SUBCENTER, "West", "西部分中心", (), (), ())  # all taken over
    same = dict(provinces=None, countries=None, regions=None)
    renamed = changed_unit(emptied, name=" West (former) ", name_zh=None, **same)
    assert renamed == NewUnit("west", UnitKind.SUBCENTER, "West (former)", "西部分中心", (), (), ())
    with pytest.raises(DomainErrors) as exc:
        changed_unit(emptied, name=None, name_zh=None, **{**same, "provinces": []})
    assert [(e.field, e.code) for e in exc.value.errors] == [(("provinces",), ErrorCode.REQUIRED)]
    given = changed_unit(emptied, name=None, name_zh=None, **{**same, "provinces": ["四川"]})
    assert given.provinces == ("Sichuan",)


def test_a_second_hq_is_refused():
    assert errors_of(unit, code="hq2", kind=UnitKind.HQ, provinces=[]) == {"kind": ErrorCode.CONFLICT}


def test_every_bad_unit_field_is_reported_together():
    found = errors_of(unit, code="", name=" ", name_zh="x" * 201, provinces=["Liaoning", "Liaoning"], regions=["X"])
    assert found == {
        "code": ErrorCode.REQUIRED,
        "name": ErrorCode.REQUIRED,
        "name_zh": ErrorCode.TOO_LONG,
        "provinces": ErrorCode.INVALID,
        "regions": ErrorCode.INVALID,
    }


def test_messages_carry_the_chinese_term():
    with pytest.raises(DomainErrors) as exc:
        unit(name=" ")
    assert exc.value.errors[0].message.startswith("name (名称)")


# --- Factories --------------------------------------------------------------------------------

FACTORY = dict(code="E900", name="Suzhou Cable Works", address="1 Canal Rd, Suzhou", country="CN",
               province="Jiangsu", classification=FactoryClass.B, jurisdiction=JMAP)  # fmt: skip


def factory(**changes):
    return new_factory(**{**FACTORY, **changes})


def test_a_factory_in_a_known_province_is_accepted():
    assert factory(country="cn") == NewFactory(
        "E900", "Suzhou Cable Works", "1 Canal Rd, Suzhou", "CN", "Jiangsu", FactoryClass.B
    )


def test_a_factory_abroad_needs_no_province_and_may_keep_one():
    assert factory(country="DE", province=None).province is None
    assert factory(country="DE", province="Bavaria").province == "Bavaria"
    assert factory(country="DE", province="  ").province is None


@pytest.mark.parametrize("province", ["Beijing", "Hebei"])
def test_a_north_china_province_is_known(province):
    assert factory(province=province).province == province


def test_a_factory_in_china_needs_a_province_some_unit_covers():
    assert errors_of(factory, province=None) == {"province": ErrorCode.REQUIRED}
    assert errors_of(factory, province="Atlantis") == {"province": ErrorCode.JURISDICTION}
    assert errors_of(factory, province="Tibet") == {"province": ErrorCode.JURISDICTION}  # a province no unit lists


@pytest.mark.parametrize("spelt", ["jiangsu", " JIANGSU ", "Ｊｉａｎｇｓｕ", "江苏", "江苏省"])
def test_a_factory_province_is_stored_by_its_canonical_name(spelt):
    assert factory(province=spelt).province == "Jiangsu"


def test_a_factory_code_is_stored_nfkc_normalised_in_its_case():
    assert factory(code=" Ｅ９００ ").code == "E900"
    assert factory(code="e900").code == "e900"  # uniqueness ignores case: services/registry_admin
    assert errors_of(factory, code="Ｅ\u3000900") == {"code": ErrorCode.INVALID}  # an ideographic space


def test_every_bad_factory_field_is_reported_together():
    found = errors_of(factory, code="E 1", name="", address="a" * 501, country="China", province="x" * 41)
    assert found == {
        "code": ErrorCode.INVALID,
        "name": ErrorCode.REQUIRED,
        "address": ErrorCode.TOO_LONG,
        "country": ErrorCode.INVALID,
        "province": ErrorCode.TOO_LONG,
    }


def test_a_factory_code_is_required_and_short():
    assert errors_of(factory, code=" ") == {"code": ErrorCode.REQUIRED}
    assert errors_of(factory, code="E" * 33) == {"code": ErrorCode.TOO_LONG}
    assert errors_of(factory, name="bad\x00name") == {"name": ErrorCode.INVALID}


# --- Certificates -----------------------------------------------------------------------------

CERTIFICATE = dict(number="2026010101000001", holder="Suzhou Cable Works", issued_on=date(2026, 1, 5),
                   expires_on=date(2031, 1, 4), status=CertificateStatus.VALID, implementation_rule=None)  # fmt: skip


def certificate(**changes):
    return new_certificate(**{**CERTIFICATE, **changes})


def test_a_certificate_is_accepted_with_or_without_its_rule():
    assert certificate() == NewCertificate(
        "2026010101000001", "Suzhou Cable Works", date(2026, 1, 5), date(2031, 1, 4), CertificateStatus.VALID, None
    )
    assert certificate(implementation_rule=" CNCA-C01-01:2014 ").implementation_rule == "CNCA-C01-01:2014"
    assert certificate(implementation_rule="").implementation_rule is None


@pytest.mark.parametrize(
    "status", [CertificateStatus.VALID, CertificateStatus.SUSPENDED, CertificateStatus.REVOKED,
               CertificateStatus.CANCELLED]
)  # fmt: skip
def test_a_certificate_enters_in_any_status_but_expired(status):
    assert certificate(status=status).status == status


def test_expired_is_the_sweeps_status():
    assert errors_of(certificate, status=CertificateStatus.EXPIRED) == {"status": ErrorCode.INVALID}


@pytest.mark.parametrize("expires_on", [date(2026, 1, 5), date(2025, 12, 31)])
def test_a_certificate_expires_after_its_issue(expires_on):
    assert errors_of(certificate, expires_on=expires_on) == {"expires_on": ErrorCode.INVALID}


def test_a_certificate_is_valid_for_at_most_five_years():
    assert certificate(expires_on=date(2031, 1, 5)).expires_on == date(2031, 1, 5)
    assert errors_of(certificate, expires_on=date(2031, 1, 6)) == {"expires_on": ErrorCode.INVALID}
    assert latest_expiry(date(2024, 2, 29)) == date(2029, 2, 28)


@pytest.mark.parametrize("spelt", ["ＡＢ－１", " AB-1 "])
def test_a_certificate_number_is_stored_nfkc_normalised(spelt):
    assert certificate(number=spelt).number == "AB-1"


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (dict(issued_on=date(9999, 1, 1), expires_on=date(9999, 12, 31)),
         {"issued_on": ErrorCode.INVALID, "expires_on": ErrorCode.INVALID}),
        (dict(issued_on=date(2099, 1, 1), expires_on=date(2101, 1, 1)), {"expires_on": ErrorCode.INVALID}),
        (dict(issued_on=date(1, 1, 1), expires_on=date(2, 1, 1)),
         {"issued_on": ErrorCode.INVALID, "expires_on": ErrorCode.INVALID}),
        (dict(issued_on=date(1949, 12, 31)), {"issued_on": ErrorCode.INVALID}),
    ],
)  # fmt: skip
def test_certificate_dates_lie_between_1950_and_2100(dates, expected):
    assert errors_of(certificate, **dates) == expected


def test_the_validity_limit_never_overflows():
    assert latest_expiry(date(9999, 1, 1)) == date.max
    assert latest_expiry(date(9994, 12, 31)) == date(9999, 12, 31)
    assert certificate(issued_on=date(2100, 1, 1), expires_on=date(2100, 12, 31)).expires_on == date(2100, 12, 31)


def test_every_bad_certificate_field_is_reported_together():
    found = errors_of(
        certificate,
        number="NO 1",
        holder="",
        implementation_rule="r" * 65,
        expires_on=date(2020, 1, 1),
        status=CertificateStatus.EXPIRED,
    )
    assert found == {
        "number": ErrorCode.INVALID,
        "holder": ErrorCode.REQUIRED,
        "implementation_rule": ErrorCode.TOO_LONG,
        "expires_on": ErrorCode.INVALID,
        "status": ErrorCode.INVALID,
    }


# --- People -----------------------------------------------------------------------------------

PERSON = dict(login="north.planner", display_name="North planner", roles=[Role.PLANNER],
              email="planner@north.example.cn", unit_kind=UnitKind.SUBCENTER)  # fmt: skip


def person(**changes):
    return new_person(**{**PERSON, **changes})


def test_a_person_is_accepted_with_roles_once_and_a_trimmed_email():
    made = person(roles=[Role.PLANNER, Role.INSPECTOR, Role.PLANNER], email=" p@north.example.cn ")
    assert made == NewPerson("north.planner", "North planner", (Role.PLANNER, Role.INSPECTOR), "p@north.example.cn")


def test_a_person_may_have_no_roles_and_no_email():
    assert person(roles=[], email=None) == NewPerson("north.planner", "North planner", (), None)
    assert person(email="  ").email is None


@pytest.mark.parametrize("login", ["a", "Wang.Li@corp+x", "ent.E001", "x" * 64])
def test_logins_the_identity_provider_may_name(login):
    assert person(login=login).login == login


@pytest.mark.parametrize("login", ["-a", ".a", "a b", "王丽", "x" * 65, "a/b", "a\u200bb"])
def test_logins_it_may_not(login):
    assert errors_of(person, login=login) == {"login": ErrorCode.INVALID}


@pytest.mark.parametrize(
    "email", ["no-at", "a@@b.cn", "a b@c.cn", "a@b", "a@b.", "@b.cn", "a@b\n.cn", "x" * 250 + "@b.cn"]
)
def test_implausible_emails_are_refused(email):
    assert errors_of(person, email=email)["email"] in {ErrorCode.INVALID, ErrorCode.TOO_LONG}


@pytest.mark.parametrize(
    ("unit_kind", "role"),
    [(kind, role) for kind in UnitKind for role in Role],
)
def test_each_unit_kind_allows_only_its_roles(unit_kind, role):
    if role in ROLES_BY_UNIT_KIND[unit_kind]:
        assert person(unit_kind=unit_kind, roles=[role]).roles == (role,)
    else:
        assert errors_of(person, unit_kind=unit_kind, roles=[role]) == {"roles": ErrorCode.INVALID}


def test_the_role_table_matches_the_demo_world():
    assert Role.LAB_TESTER in ROLES_BY_UNIT_KIND[UnitKind.LAB]
    assert ROLES_BY_UNIT_KIND[UnitKind.FOREIGN_AGENCY] == {Role.AGENCY_INSPECTOR}
    assert ROLES_BY_UNIT_KIND[UnitKind.ENTERPRISE] == {Role.ENTERPRISE}
    assert Role.POLICY_ADMIN not in ROLES_BY_UNIT_KIND[UnitKind.SUBCENTER]
    assert Role.MARKET_BUYER in ROLES_BY_UNIT_KIND[UnitKind.SUBCENTER]


def test_every_bad_person_field_is_reported_together():
    found = errors_of(person, login="", display_name="x" * 201, roles=[Role.LAB_TESTER], email="nope")
    assert found == {
        "login": ErrorCode.REQUIRED,
        "display_name": ErrorCode.TOO_LONG,
        "roles": ErrorCode.INVALID,
        "email": ErrorCode.INVALID,
    }
