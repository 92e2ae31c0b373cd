"""Edges of the registry bulk import (importRegistry and `surveil import`), both databases, found
by an outsider's attack and fixed: the import holds the line the rest of the registry
administration holds (services/registry_admin, services/policy_admin, domain/certificate.py,
domain/registry.py). Pinned here:

- people: changing roles through GraphQL needs assignRole's `role_assignment manage` at HQ besides
  `user manage`; no import (the CLI included) leaves no ACTIVE policy administrator; a file does
  not move a person to another unit (a row error on unit_code);
- certificates: none loaded for or moved to a closed or merged factory; only valid or suspended
  ones move to another factory; no issue date in the future; the status column is for the
  initial load only (a change of an existing certificate's status is a decision's);
- reading: rows of whitespace are blank rows, for the 1,000-blank-rows end of a sheet too.

What held already (not repeated here): refusal of every non-HQ role before a byte is parsed;
report tokens only for their uploader; formula injection neutralised in both report formats;
zip-bomb ratio; NUL bytes; duplicate/alias headers; case and width twins of factory codes and
logins; a second HQ, `*` as a unit code, North China provinces; REVOKED -> VALID by file; merged
factories."""

from __future__ import annotations

import dataclasses

import pytest

from server.demo_world import certificates as demo_certificates
from server.settings import Settings
from services.clock import today
from store.models import Certificate, CertificateStatusChange, Factory, RoleAssignment
from tests.api.registry_admin_support import errors, ok, person_id, send
from tests.services.import_support import IMPORT, csv_bytes, import_payload, run_import, upload_import, xlsx_bytes

PEOPLE = ["login", "display_name", "unit_code", "roles"]
CERTS = ["number", "holder", "factory_code", "category_code", "issued_on", "expires_on", "status"]
CERTS_NO_STATUS = CERTS[:-1]
MAX_ROWS = 50


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"),
                               max_upload_bytes=2_000_000, max_import_rows=MAX_ROWS)  # fmt: skip


def _demo_certificate(index: int, k: int) -> dict:
    return demo_certificates(index, "")[k]


async def _row_of(number: str, **changes) -> list[str]:
    """The certificate as stored, as an import row (status column included), with `changes`."""
    c = await Certificate.get(number=number).select_related("factory", "product_category")
    row = {"number": c.number, "holder": c.holder, "factory_code": c.factory.code,
           "category_code": c.product_category.code, "issued_on": c.issued_on.isoformat(),
           "expires_on": c.expires_on.isoformat(), "status": c.status}  # fmt: skip
    row |= changes
    return [str(row[k]) for k in CERTS]


# --- people: roles granted under `user manage` alone -----------------------------------------


async def test_people_import_does_not_grant_roles_to_someone_without_role_assignment_manage(api):
    """assignRole (and createUser's roles) need `role_assignment manage`; the people import grants
    and revokes roles with `user manage` alone. A policy that lets HR staff register people
    (user manage) without letting them hand out roles is bypassed: the auditor below, given only
    `user manage`, makes a colleague a policy administrator."""
    line = {"ptype": "p", "values": ["auditor", "unit:hq", "user", "manage"], "reason": "HR registers people"}
    ok(await send(api, "addPolicyRule", "PolicyRuleInput", "rule { id }", line, as_user="hq.admin"), "rule")
    # The auditor cannot grant a role through the role administration...
    body = {"login": "hq.archivist", "role": "POLICY_ADMIN", "unitCode": "hq", "reason": "x"}
    assigned = await send(api, "assignRole", "RoleAssignmentInput", "login", body, as_user="hq.auditor")
    assert "errors" in assigned or errors(assigned)
    # ...nor through the import.
    rows = [PEOPLE, ["hq.archivist", "HQ archivist", "hq", "archivist;policy_admin"]]
    result = await upload_import(api, "PEOPLE", csv_bytes(rows), as_user="hq.auditor")
    assert not await RoleAssignment.exists(user__login="hq.archivist", role="policy_admin"), result
    assert [(e["row"], e["column"]) for e in import_payload(result)["rowErrors"]] == [(2, "roles")]
    # Correcting people's records (no role changes) stays theirs.
    rows = [PEOPLE, ["hq.archivist", "HQ archivist renamed", "hq", "archivist"]]
    payload = import_payload(await upload_import(api, "PEOPLE", csv_bytes(rows), as_user="hq.auditor"))
    assert (payload["updatedCount"], payload["rowErrors"]) == (1, []), payload


# --- people: the last policy administrator ---------------------------------------------------


async def test_cli_people_import_cannot_leave_no_active_policy_administrator(api):
    """The guard counts a grant to a deactivated person as a new administrator: revoking the only
    active one while granting the role to someone deactivated leaves nobody able to manage the
    policy (revokeRole and deactivateUser count active people only)."""
    gone = {"personId": await person_id("hq.archivist"), "reason": "Left the service"}
    ok(await send(api, "deactivateUser", "PersonActionInput", "person { active }", gone, as_user="hq.admin"), "person")
    rows = [PEOPLE, ["hq.admin", "HQ policy administrator", "hq", "auditor"],
            ["hq.archivist", "HQ archivist", "hq", "archivist;policy_admin"]]  # fmt: skip
    await run_import("people", rows)
    active_admins = await RoleAssignment.filter(role="policy_admin", user__active=True).count()
    assert active_admins >= 1


# --- people: moving a person leaves the old unit's roles ------------------------------------


async def test_moving_a_person_to_another_unit_does_not_keep_the_old_units_roles(api):
    """A row saying east.planner is now south's planner moves their record to south but leaves
    planner in east: the person now plans for both sub-centres, and nothing in the payload says
    so (updatedCount 1). No other administration path changes a person's unit at all."""
    rows = [PEOPLE, ["east.planner", "East planner", "south", "planner"]]
    payload = import_payload(await upload_import(api, "PEOPLE", csv_bytes(rows), as_user="hq.admin"))
    held = set(await RoleAssignment.filter(user__login="east.planner").values_list("role", "unit__code"))
    assert held == {("planner", "south")} or payload["rejectedCount"] == 1, (held, payload)
    assert [e["column"] for e in payload["rowErrors"]] == ["unit_code"] and "east" in payload["rowErrors"][0]["message"]


# --- certificates: what issue / transfer / decisions refuse ----------------------------------


async def test_a_certificate_is_not_imported_for_a_closed_factory(api):
    """issueCertificate and transferCertificate refuse a CLOSED factory (not in the registry);
    the import refuses only MERGED ones."""
    await Factory.filter(code="E004").update(status="CLOSED")
    soon = today()
    rows = [CERTS, ["2025C0199001", "Holder", "E004", "C01", soon.isoformat(),
                    soon.replace(year=soon.year + 4).isoformat(), "VALID"]]  # fmt: skip
    payload = import_payload(await upload_import(api, "CERTIFICATES", csv_bytes(rows), as_user="hq.planner"))
    assert not await Certificate.exists(number="2025C0199001"), payload
    assert [e["column"] for e in payload["rowErrors"]] == ["factory_code"]


async def test_a_revoked_or_cancelled_certificate_is_not_moved_to_another_factory(api):
    """transferCertificate moves live (valid or suspended) certificates only; the import moves a
    REVOKED one (demo E008's second) and a CANCELLED one (S008's first) to E009 when the file
    leaves the status column out."""
    revoked, cancelled = _demo_certificate(7, 1)["number"], _demo_certificate(19, 0)["number"]
    assert (await Certificate.get(number=revoked)).status == "REVOKED"
    assert (await Certificate.get(number=cancelled)).status == "CANCELLED"
    rows = [CERTS_NO_STATUS, (await _row_of(revoked, factory_code="E009"))[:-1],
            (await _row_of(cancelled, factory_code="E009"))[:-1]]  # fmt: skip
    payload = import_payload(await upload_import(api, "CERTIFICATES", csv_bytes(rows), as_user="hq.planner"))
    moved = await Certificate.filter(number__in=[revoked, cancelled], factory__code="E009").count()
    assert moved == 0, payload


async def test_a_certificate_is_not_imported_with_an_issue_date_in_the_future(api):
    """issueCertificate: 'issuedOn (发证日期) is not in the future'. The import takes 2099-01-01."""
    rows = [CERTS, ["2099C0100001", "Holder", "E001", "C01", "2099-01-01", "2100-01-01", "VALID"]]
    payload = import_payload(await upload_import(api, "CERTIFICATES", csv_bytes(rows), as_user="hq.planner"))
    assert not await Certificate.exists(number="2099C0100001"), payload


async def test_a_planner_does_not_lift_a_suspension_or_revoke_by_file(api):
    """Suspending, restoring and revoking are decisions (评定, services/results/decide.py: a
    decider's, with its ground and end of suspension). The planner's file moves SUSPENDED ->
    VALID and VALID -> REVOKED with no decision, no decider and no ground: the status history
    names the planner."""
    suspended = _demo_certificate(2, 1)["number"]  # E003's second: SUSPENDED in the demo world
    live = Certificate.filter(status="VALID", expires_on__gt=today()).order_by("number")
    valid = (await live.first()).number
    assert (await Certificate.get(number=suspended)).status == "SUSPENDED"
    rows = [CERTS, await _row_of(suspended, status="VALID"), await _row_of(valid, status="REVOKED")]
    payload = import_payload(await upload_import(api, "CERTIFICATES", csv_bytes(rows), as_user="hq.planner"))
    statuses = {(await Certificate.get(number=n)).status for n in (suspended, valid)}
    by_planner = await CertificateStatusChange.filter(actor="hq.planner").count()
    assert (statuses, by_planner) == ({"SUSPENDED", "VALID"}, 0), payload


# --- reading: the blank-row end of a sheet ---------------------------------------------------


async def test_a_sheet_of_whitespace_cells_ends_like_a_blank_sheet(api):
    """reading.py: 'reading ends after MAX_BLANK_RUN (1,000) blank rows in a row, as the end of
    the table'. A row whose cells hold a space is dropped as blank, but does not count towards
    that run (nor towards max_import_rows): a workbook of a million ' ' rows is parsed to the
    end, and a row after 1,500 of them is still imported."""
    header = ["code", "name", "address", "country", "province", "class"]
    rows = [header, ["F9001", "First", "1 Rd", "CN", "Jiangsu", "A"]]
    rows += [[" "] * 6 for _ in range(1_500)]
    rows += [["F9002", "After the blank run", "2 Rd", "CN", "Jiangsu", "A"]]
    body = await api.upload(IMPORT, {"i": {"kind": "FACTORIES", "file": None}},
                            {"i.file": ("f.xlsx", xlsx_bytes(rows), "application/octet-stream")},
                            as_user="hq.planner")  # fmt: skip
    import_payload(body)
    assert await Factory.exists(code="F9001")
    assert not await Factory.exists(code="F9002")
