"""Task reads, scoped in SQL by the policy: lists, my tasks, batches for DataLoaders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from tortoise.expressions import Q, Subquery
from tortoise.functions import Sum

from domain.task_numbers import MAX_LENGTH as NUMBER_MAX_LENGTH
from domain.task_numbers import normalized
from domain.tasks import OPEN, TaskKind, TaskStatus
from services.clock import today
from services.context import Session
from services.errors import bounded
from services.scoping import in_units
from services.tasks.common import INTERNAL, KIND, TASK_DOMAIN_COLUMNS
from store.models import LabRequest, SurveillanceTask, TaskCertificate, TaskException, TaskScopeCount, TeamAssignment
from store.pagination import Page, PageRequest, paginate


@dataclass(frozen=True)
class TaskFilter:
    responsible_unit: str | None = None
    kind: TaskKind | None = None
    status: TaskStatus | None = None
    year: int | None = None
    factory_id: int | None = None
    certificate_id: int | None = None
    overdue: bool | None = None
    window_from: date | None = None
    window_to: date | None = None
    top_level_only: bool = False
    number: str | None = None  # part of a task number, any case


async def scope(session: Session, action: str = "read", kind: str = KIND) -> Q:
    return in_units(await session.perms.unit_ids(action, kind), columns=TASK_DOMAIN_COLUMNS)


async def list_tasks(session: Session, flt: TaskFilter, page: PageRequest, mine: bool = False) -> Page:
    unit_ids = await session.perms.unit_ids("read", KIND)
    qs = SurveillanceTask.filter(in_units(unit_ids, columns=TASK_DOMAIN_COLUMNS))
    if page.count and not mine and flt == TaskFilter():
        # Unfiltered: the scope's count from the per-triple counts (store/models TaskScopeCount),
        # a few rows whatever the number of tasks; the page itself is an indexed walk by id.
        listed = await paginate(qs, replace(page, count=False))
        return replace(listed, total=await scope_count(unit_ids))
    if mine:
        qs = qs.filter(id__in=Subquery(_my_task_ids(session)))
    if flt.responsible_unit:
        qs = qs.filter(responsible_unit__code=bounded(flt.responsible_unit, "responsibleUnit", 32))
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.year is not None:
        qs = qs.filter(year=flt.year)
    if flt.factory_id is not None:
        qs = qs.filter(factory_id=flt.factory_id)
    if flt.certificate_id is not None:
        qs = qs.filter(id__in=Subquery(TaskCertificate.filter(certificate_id=flt.certificate_id).values("task_id")))
    if flt.overdue is not None:
        late = Q(due_on__lt=today(), status__in=list(OPEN))
        qs = qs.filter(late) if flt.overdue else qs.filter(~late)
    if flt.window_from is not None:
        qs = qs.filter(planned_end__gte=flt.window_from)
    if flt.window_to is not None:
        qs = qs.filter(planned_start__lte=flt.window_to)
    if flt.top_level_only:
        qs = qs.filter(parent_id__isnull=True)
    if flt.number is not None and (part := number_text(flt.number, "number")):
        qs = qs.filter(number__contains=part)  # stored upper-case, so any case finds it
    return await paginate(qs, page)


async def scope_count(unit_ids: frozenset[int]) -> int:
    """How many tasks the scope of these units covers: equal to counting the tasks that match
    `in_units` (a task matches exactly when its unit triple does), in as many rows as triples."""
    matching = TaskScopeCount.filter(in_units(unit_ids, columns=TASK_DOMAIN_COLUMNS))
    totals = await matching.annotate(total=Sum("tasks")).values_list("total", flat=True)
    return int(totals[0] or 0) if totals else 0


def number_text(text: str, field: str) -> str:
    """A task number or part of one, as typed, in the stored form; over-long or unprintable
    input is refused as a bad argument (it could match nothing anyway)."""
    return normalized(bounded(text, field, NUMBER_MAX_LENGTH))


async def task_by_number(session: Session, number: str) -> SurveillanceTask | None:
    """The task with this number if the caller may read it; None otherwise, whether it does not
    exist or is not theirs to see (the same answer as `node(id)`: no oracle)."""
    wanted = number_text(number, "number")
    if not wanted or len(wanted) > NUMBER_MAX_LENGTH:  # "ß" grows when upper-cased: no number is that long
        return None
    return await SurveillanceTask.filter(await scope(session), number=wanted).first()


def _my_task_ids(session: Session):
    """Tasks whose current team includes me (inspectors and agency inspectors alike)."""
    return TeamAssignment.filter(user_id=session.actor.user_id, removed_at__isnull=True).values("task_id")


async def visible_tasks(session: Session, ids: list[int]) -> dict[int, SurveillanceTask]:
    return {t.id: t for t in await SurveillanceTask.filter(await scope(session), id__in=ids)}


async def internal_readable(session: Session, tasks: list[SurveillanceTask]) -> set[int]:
    """Tasks whose internal fields (requirements, exceptions, suspension ground) the viewer may read."""
    allowed = await session.perms.unit_ids("read", INTERNAL)
    return {t.id for t in tasks if {getattr(t, c) for c in TASK_DOMAIN_COLUMNS} & allowed}


async def children_of(session: Session, parent_ids: list[int]) -> dict[int, list[SurveillanceTask]]:
    grouped: dict[int, list] = defaultdict(list)
    for child in await SurveillanceTask.filter(await scope(session), parent_id__in=parent_ids).order_by("id"):
        grouped[child.parent_id].append(child)
    return grouped


async def certificate_ids_of(task_ids: list[int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for task_id, cert_id in (
        await TaskCertificate.filter(task_id__in=task_ids).order_by("id").values_list("task_id", "certificate_id")
    ):
        grouped[task_id].append(cert_id)
    return grouped


async def teams_of(task_ids: list[int]) -> dict[int, list[TeamAssignment]]:
    grouped: dict[int, list] = defaultdict(list)
    for a in await TeamAssignment.filter(task_id__in=task_ids).select_related("user").order_by("id"):
        grouped[a.task_id].append(a)
    return grouped


async def exceptions_of(task_ids: list[int]) -> dict[int, list[TaskException]]:
    grouped: dict[int, list] = defaultdict(list)
    for e in await TaskException.filter(task_id__in=task_ids).order_by("id"):
        grouped[e.task_id].append(e)
    return grouped


async def lab_requests_of(task_ids: list[int]) -> dict[int, list[LabRequest]]:
    grouped: dict[int, list] = defaultdict(list)
    for r in await LabRequest.filter(task_id__in=task_ids).select_related("requested_by").order_by("id"):
        grouped[r.task_id].append(r)
    return grouped
