"""People as the identity provider introduces them (C: sign-in through the provider)."""

from __future__ import annotations

from domain.audit_events import AuditAction
from domain.validation import clean_text
from services import audit_log
from services.runner import Work, command
from store.models import OrgUnit, User


class ProvisioningError(Exception):
    """Auto-provisioning is configured with a unit that does not exist."""


@command(system=True)
async def provision_user(work: Work, *, login: str, display_name: str | None, unit_code: str) -> User:
    """OIDC_AUTO_PROVISION: the first sign-in of a login the registry does not know creates the
    user, without any role (an administrator grants roles). A login that exists — active or
    deactivated — is never touched."""
    existing = await User.filter(login=login).select_related("unit").first()
    if existing is not None:
        work.nothing_changed()
        return existing
    unit = await OrgUnit.filter(code=unit_code).first()
    if unit is None:
        raise ProvisioningError(f"OIDC_PROVISION_UNIT {unit_code!r} is not a unit")
    name = clean_text(display_name or login, "displayName", max_length=200, required=False) or login
    user = await User.create(login=login, display_name=name, unit=unit)
    await audit_log.record(
        AuditAction.USER_PROVISION,
        "User",
        user.id,
        after={"login": login, "unit": unit.code, "roles": []},
        reason="first sign-in through the identity provider (OIDC_AUTO_PROVISION)",
    )
    await user.fetch_related("unit")
    return user
