"""SQL mappings of GraphQL fields, declared on the fields themselves (`metadata={"sql": ...}`),
so that the read compiler (server/compiled) and the types cannot drift apart: a field of a
compiled type without a mapping makes the whole document fall back to the executor, and
tests/compiled/test_mapping_contract.py names every field that does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """The value of one column of the type's table, as stored (text, number, ISO date, enum name)."""

    name: str


@dataclass(frozen=True)
class GlobalId:
    """The Relay global id "Type:id", base64 (schema/relay.py, to_global_id)."""


@dataclass(frozen=True)
class VisibleFactoryClass:
    """The factory's class where the viewer may read `factory.class` in one of its units; else null
    (services/factories.py, class_readable)."""

    column: str


@dataclass(frozen=True)
class EffectiveCertificateStatus:
    """EXPIRED once `expires_on` has passed for a valid or suspended certificate, else the stored
    status (domain/certificate.py, effective_status)."""

    status: str
    expires_on: str


@dataclass(frozen=True)
class ToOne:
    """An object of `table` whose id is this row's `column` (no scope: e.g. the responsible unit)."""

    column: str
    table: str


@dataclass(frozen=True)
class CertificatesOfFactory:
    """The certificates of this factory the viewer may read, by id, as a connection
    (services/certificates.py, certificates_of_factories; Factory.certificates)."""

    default_first: int


def sql(mapping) -> dict:
    return {"sql": mapping}


# The table of each compiled type.
TABLES = {"Factory": "factory", "Certificate": "certificate", "OrgUnit": "org_unit"}
