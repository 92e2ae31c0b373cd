"""Registry administration (issue 12): the rules a new org unit, factory, certificate or person
must satisfy before it is written, whether it comes from a mutation or an import file.

Each function takes typed values (parsing files is the importer's job), checks every field and
raises `DomainErrors` listing every bad one, each with the snake_case column name an import file
uses (`code`, `provinces`, `expires_on` ...) as its field. Units and people live in
domain/organisation.py and are re-exported here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.certificate import VALIDITY_YEARS, latest_expiry
from domain.enums import CertificateStatus, FactoryClass, FactoryStatus
from domain.errors import DomainError, ErrorCode, term
from domain.factory import ADDRESS_MAX, CODE_MAX, NAME_MAX, PROVINCE_MAX
from domain.jurisdiction import CHINA, JurisdictionMap
from domain.organisation import (
    HQ_CODE,
    ROLES_BY_UNIT_KIND,
    NewPerson,
    NewUnit,
    changed_unit,
    email_address,
    login_name,
    new_person,
    new_unit,
    person_name,
    roles_for,
    unit_code,
)
from domain.registry_checks import Checks, natural_key, optional_text, required_text, within_dates
from domain.validation import country_code

CERTIFICATE_NUMBER_MAX = 64
HOLDER_MAX = 200
RULE_MAX = 64
# Certificates enter the registry in these statuses; EXPIRED is set by the expiry sweep alone.
ENTRY_STATUSES = frozenset({CertificateStatus.VALID, CertificateStatus.SUSPENDED, CertificateStatus.REVOKED,
                            CertificateStatus.CANCELLED})  # fmt: skip


# --- Factories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewFactory:
    code: str
    name: str
    address: str
    country: str
    province: str | None
    classification: FactoryClass


def new_factory(
    *,
    code: str,
    name: str,
    address: str,
    country: str,
    province: str | None,
    classification: FactoryClass,
    jurisdiction: JurisdictionMap,
) -> NewFactory:
    """A new factory (生产厂). Its code is a natural key (trimmed, NFKC: `Ｅ001` is `E001`). In
    China its province is required, stored by its canonical name (`jiangsu`, 江苏省 -> Jiangsu,
    domain/provinces.py) and must be one some unit's jurisdiction covers (North China or a
    sub-centre's); abroad the province is optional free text."""
    checks = Checks()
    clean_code = checks.run(lambda: natural_key(code, "code", CODE_MAX))
    if clean_code is not None and any(c.isspace() for c in clean_code):
        checks.fail(ErrorCode.INVALID, "code (工厂编号) must not contain spaces", "code")
    clean_name = checks.run(lambda: required_text(name, "name", NAME_MAX, single_line=True))
    clean_address = checks.run(lambda: required_text(address, "address", ADDRESS_MAX))
    clean_country = checks.run(lambda: country_code(country or ""))
    clean_province = checks.run(lambda: optional_text(province, "province", PROVINCE_MAX, single_line=True))
    if clean_country == CHINA and not any(e.field == ("province",) for e in checks.errors):
        clean_province = checks.run(lambda: jurisdiction.china_province(clean_province))
    checks.raise_any()
    return NewFactory(clean_code, clean_name, clean_address, clean_country, clean_province, classification)  # type: ignore[arg-type]


# Factories that take certificates (issued, transferred or imported to them): not closed or merged.
IN_REGISTRY = frozenset({FactoryStatus.ACTIVE, FactoryStatus.PRODUCTION_STOPPED, FactoryStatus.RELOCATED})


def check_in_registry(code: str, status: FactoryStatus, field: str) -> None:
    """A certificate is issued to, moved to or loaded for a factory in the registry only."""
    if status not in IN_REGISTRY:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED, "factory {code} is {status}", (field,), code=code, status=term(status)
        )


# --- Product categories ----------------------------------------------------------------------


@dataclass(frozen=True)
class NewCategory:
    code: str
    name: str
    name_zh: str
    implementation_rule: str


def new_category(*, code: str, name: str, name_zh: str, implementation_rule: str) -> NewCategory:
    """A product category (产品类别) with the implementation rule (实施规则) it is certified under."""
    checks = Checks()
    clean_code = checks.run(lambda: required_text(code, "code", CODE_MAX, single_line=True))
    if clean_code is not None and any(c.isspace() for c in clean_code):
        checks.fail(ErrorCode.INVALID, "code (代码) must not contain spaces", "code")
    clean_name = checks.run(lambda: required_text(name, "name", NAME_MAX, single_line=True))
    clean_name_zh = checks.run(lambda: required_text(name_zh, "name_zh", NAME_MAX, single_line=True))
    rule = checks.run(lambda: required_text(implementation_rule, "implementation_rule", RULE_MAX))
    checks.raise_any()
    return NewCategory(clean_code, clean_name, clean_name_zh, rule)  # type: ignore[arg-type]


# --- Certificates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCertificate:
    number: str
    holder: str
    issued_on: date
    expires_on: date
    status: CertificateStatus
    implementation_rule: str | None


def new_certificate(
    *,
    number: str,
    holder: str,
    issued_on: date,
    expires_on: date,
    status: CertificateStatus,
    implementation_rule: str | None,
) -> NewCertificate:
    """A certificate entering the registry (发证 or taken over from another register): valid
    after its issue date for at most 5 years; EXPIRED is the expiry sweep's status, never
    given. `implementation_rule` None means its category's rule. The number is a natural key
    (trimmed, NFKC: `ＡＢ－１` is `AB-1`); both dates lie within 1950-2100."""
    checks = Checks()
    clean_number = checks.run(lambda: natural_key(number, "number", CERTIFICATE_NUMBER_MAX))
    if clean_number is not None and any(c.isspace() for c in clean_number):
        checks.fail(ErrorCode.INVALID, "number (证书编号) must not contain spaces", "number")
    clean_holder = checks.run(lambda: required_text(holder, "holder", HOLDER_MAX, single_line=True))
    rule = checks.run(lambda: optional_text(implementation_rule, "implementation_rule", RULE_MAX))
    issued = checks.run(lambda: within_dates(issued_on, "issued_on"))
    expires = checks.run(lambda: within_dates(expires_on, "expires_on"))
    if issued is None or expires is None:
        pass  # reported: no validity is computed from a date out of range
    elif expires_on <= issued_on:
        checks.fail(ErrorCode.INVALID, "expires_on (有效期至) must be after issued_on (发证日期)", "expires_on")
    elif expires_on > latest_expiry(issued_on):
        checks.fail(
            ErrorCode.INVALID,
            "a certificate is valid (有效期) for at most {years} years after issued_on",
            "expires_on",
            years=VALIDITY_YEARS,
        )
    if status not in ENTRY_STATUSES:
        checks.fail(
            ErrorCode.INVALID,
            "status must be VALID, SUSPENDED, REVOKED or CANCELLED: 过期 (EXPIRED) is set by the expiry sweep",
            "status",
        )
    checks.raise_any()
    return NewCertificate(clean_number, clean_holder, issued_on, expires_on, status, rule)  # type: ignore[arg-type]


__all__ = [
    "HQ_CODE",
    "ROLES_BY_UNIT_KIND",
    "NewCategory",
    "NewCertificate",
    "NewFactory",
    "NewPerson",
    "NewUnit",
    "changed_unit",
    "check_in_registry",
    "email_address",
    "latest_expiry",
    "login_name",
    "new_category",
    "new_certificate",
    "new_factory",
    "new_person",
    "new_unit",
    "person_name",
    "roles_for",
    "unit_code",
]
