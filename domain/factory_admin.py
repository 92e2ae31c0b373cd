"""A factory's life in the registry (issue 12): closing (关闭), reopening and merging a
duplicate record (合并重复工厂) into the one that stays.

- Closing needs a factory with nothing left under way: no open task and no live (valid or
  suspended) certificate. The planner finishes or cancels the tasks and cancels (注销) the
  certificates first, each with its own reason, so nothing is ended silently.
- Reopening takes a closed factory back to production; a merged one stays merged.
- Merging moves everything of the duplicate to the survivor. Both must be in the same
  jurisdiction (same responsible unit, same serving agency), so the moved tasks need no
  re-routing: a duplicate recorded elsewhere is corrected first (correctFactoryInformation
  re-routes it). Two different enterprises are not merged; a survivor without one takes the
  duplicate's."""

from __future__ import annotations

from dataclasses import dataclass

from domain.enums import FactoryStatus
from domain.errors import DomainError, ErrorCode, Term, term

CLOSABLE = frozenset({FactoryStatus.ACTIVE, FactoryStatus.PRODUCTION_STOPPED, FactoryStatus.RELOCATED})


@dataclass(frozen=True)
class Standing:
    """What the registry holds of a factory, for these rules."""

    code: str
    status: FactoryStatus
    responsible_unit: str
    agency_unit: str | None
    enterprise_unit: str | None


def check_close(factory: Standing, open_tasks: int, live_certificates: int) -> None:
    if factory.status not in CLOSABLE:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "a {status} factory cannot be closed",
            ("factoryId",),
            status=_term(factory.status),
        )
    waiting = []
    if open_tasks:
        waiting.append(f"{open_tasks} open task(s) (finish or cancel them)")
    if live_certificates:
        waiting.append(f"{live_certificates} valid or suspended certificate(s) (cancel them, 注销)")
    if waiting:
        raise DomainError(
            ErrorCode.CONFLICT,
            "factory {code} still has {waiting}",
            ("factoryId",),
            code=factory.code,
            waiting=" and ".join(waiting),
        )


def check_reopen(factory: Standing) -> None:
    if factory.status != FactoryStatus.CLOSED:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "only a closed (关闭) factory is reopened; this one is {status}",
            ("factoryId",),
            status=_term(factory.status),
        )


def check_merge(duplicate: Standing, survivor: Standing) -> str | None:
    """Whether `duplicate` may be merged into `survivor`; the enterprise unit the survivor has
    afterwards (its own, or the duplicate's when it had none)."""
    if duplicate.code == survivor.code:
        raise DomainError(ErrorCode.INVALID, "a factory is not merged into itself", ("survivorId",))
    if duplicate.status == FactoryStatus.MERGED:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "factory {code} is merged (已合并) already",
            ("duplicateId",),
            code=duplicate.code,
        )
    if survivor.status in (FactoryStatus.MERGED, FactoryStatus.CLOSED):
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "factory {code} is {status}: merge into a factory in the registry",
            ("survivorId",),
            code=survivor.code,
            status=_term(survivor.status),
        )
    if (duplicate.responsible_unit, duplicate.agency_unit) != (survivor.responsible_unit, survivor.agency_unit):
        raise DomainError(
            ErrorCode.JURISDICTION,
            "{code} and {survivor} are in different jurisdictions (管辖): correct the duplicate's location first",
            ("survivorId",),
            code=duplicate.code,
            survivor=survivor.code,
        )
    if duplicate.enterprise_unit and survivor.enterprise_unit and duplicate.enterprise_unit != survivor.enterprise_unit:
        raise DomainError(
            ErrorCode.CONFLICT,
            "{code} and {survivor} belong to different enterprises (生产企业)",
            ("survivorId",),
            code=duplicate.code,
            survivor=survivor.code,
        )
    return survivor.enterprise_unit or duplicate.enterprise_unit


def _term(status: FactoryStatus) -> Term:
    return term(
        status,
        {
            FactoryStatus.ACTIVE: "producing (正常生产)",
            FactoryStatus.PRODUCTION_STOPPED: "stopped (停产)",
            FactoryStatus.RELOCATED: "relocated (已搬迁)",
            FactoryStatus.CLOSED: "closed (关闭)",
            FactoryStatus.MERGED: "merged (已合并)",
        }[status],
    )
