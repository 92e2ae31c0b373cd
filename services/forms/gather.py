"""What the system holds, gathered into each generated form's frozen data for a batch of tasks
in a fixed number of queries (the task list shows every task's data versions). One function per
form; `Batch` shares what several forms read (the header, the team)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from domain.archive import Form
from domain.generated_forms import (
    CertificateLine,
    FindingLine,
    FormHeader,
    InspectionReport,
    InspectorDays,
    PersonDayForm,
    SampleLine,
    SamplingNotice,
    header_number,
)
from domain.tasks import TaskKind
from services.clock import local_date
from store.models import (
    Factory,
    InspectionResult,
    NonConformity,
    OrgUnit,
    PersonDayEntry,
    ProductCategory,
    Sample,
    SurveillanceTask,
    TaskCertificate,
    TeamAssignment,
)


def _day(at: datetime | None) -> str | None:
    return local_date(at).isoformat() if at else None


def person_name(user) -> str:
    return f"{user.display_name} ({user.login})"


class Batch:
    """The tasks of one request and what more than one form reads of them, each read once."""

    def __init__(self, tasks: list[SurveillanceTask]) -> None:
        self.tasks = tasks
        self.ids = [t.id for t in tasks]
        self._memo: dict[str, object] = {}

    async def _once(self, key: str, fetch):
        if key not in self._memo:
            self._memo[key] = await fetch()
        return self._memo[key]

    async def headers(self, form: Form) -> dict[int, FormHeader]:
        async def fetch():
            factories = {f.id: f for f in await Factory.filter(id__in={t.factory_id for t in self.tasks})}
            units = {u.id: u for u in await OrgUnit.filter(id__in={t.responsible_unit_id for t in self.tasks})}
            return factories, units

        factories, units = await self._once("headers", fetch)
        found = {}
        for t in self.tasks:
            f, u = factories[t.factory_id], units[t.responsible_unit_id]
            found[t.id] = FormHeader(
                form=form.value, number=header_number(form), task_number=t.number, task_kind=TaskKind(t.kind).value,
                factory_code=f.code, factory_name=f.name, factory_address=f.address, factory_country=f.country,
                factory_province=f.province, unit_code=u.code, unit_name=u.name, unit_name_zh=u.name_zh,
            )  # fmt: skip
        return found

    async def teams(self) -> dict[int, tuple[str | None, tuple[str, ...]]]:
        """(leader, members other than the leader) of each task's current team."""

        async def fetch():
            grouped: dict[int, list] = defaultdict(list)
            for a in (
                await TeamAssignment.filter(task_id__in=self.ids, removed_at__isnull=True)
                .select_related("user")
                .order_by("id")
            ):
                grouped[a.task_id].append(a)
            return {
                task_id: (
                    next((person_name(a.user) for a in rows if a.is_leader), None),
                    tuple(person_name(a.user) for a in rows if not a.is_leader),
                )
                for task_id, rows in grouped.items()
            }

        return await self._once("teams", fetch)


async def inspection_reports(batch: Batch) -> dict[int, InspectionReport]:
    """0402.03 for every factory inspection (every kind but a pure sampling task)."""
    tasks = [t for t in batch.tasks if TaskKind(t.kind) != TaskKind.SAMPLING]
    if not tasks:
        return {}
    ids = [t.id for t in tasks]
    headers, teams = await batch.headers(Form.INSPECTION_REPORT), await batch.teams()
    certificates: dict[int, list[CertificateLine]] = defaultdict(list)
    for link in (
        await TaskCertificate.filter(task_id__in=ids)
        .select_related("certificate__product_category")
        .order_by("certificate__number")
    ):
        c, category = link.certificate, link.certificate.product_category
        certificates[link.task_id].append(CertificateLine(c.number, category.code, category.name, category.name_zh))
    results = {r.id: r for r in await InspectionResult.filter(task_id__in=ids, current=True)}
    findings: dict[int, list[FindingLine]] = defaultdict(list)
    for nc in await NonConformity.filter(result_id__in=list(results)).order_by("id"):
        line = FindingLine(nc.clause, nc.severity.value, nc.description, nc.correction_due.isoformat())
        findings[results[nc.result_id].task_id].append(line)
    by_task = {r.task_id: r for r in results.values()}
    found = {}
    for t in tasks:
        result = by_task.get(t.id)
        leader, members = teams.get(t.id, (None, ()))
        found[t.id] = InspectionReport(
            header=headers[t.id], certificates=tuple(certificates[t.id]),
            planned_start=t.planned_start.isoformat() if t.planned_start else None,
            planned_end=t.planned_end.isoformat() if t.planned_end else None,
            started_on=_day(t.started_at), submitted_on=_day(result.submitted_at) if result else None,
            leader=leader, members=members, conclusion=result.conclusion.value if result else None,
            summary=result.summary if result else "", findings=tuple(findings[t.id]),
        )  # fmt: skip
    return found


async def sampling_notices(batch: Batch) -> dict[int, SamplingNotice]:
    """0402.08 for a task whose samples were taken (bought ones come with a receipt instead)."""
    samples: dict[int, list[Sample]] = defaultdict(list)
    for s in (
        await Sample.filter(task_id__in=batch.ids, purchase_id__isnull=True)
        .select_related("taken_by", "lab")
        .order_by("taken_at", "id")
    ):
        samples[s.task_id].append(s)
    tasks = [t for t in batch.tasks if samples[t.id]]
    if not tasks:
        return {}
    headers = await batch.headers(Form.SAMPLING_NOTICE)
    labs = {u.id: u for u in await OrgUnit.filter(id__in={t.lab_id for t in tasks if t.lab_id})}
    categories = {
        c.id: c
        for c in await ProductCategory.filter(id__in={t.sample_category_id for t in tasks if t.sample_category_id})
    }
    found = {}
    for t in tasks:
        rows = samples[t.id]
        category = categories.get(t.sample_category_id)
        lab = labs.get(t.lab_id)
        found[t.id] = SamplingNotice(
            header=headers[t.id], site=t.sampling_site.value if t.sampling_site else None,
            method=t.sampling_method.value if t.sampling_method else None,
            product_category=f"{category.code} {category.name_zh} {category.name}" if category else None,
            lab=f"{lab.name_zh} {lab.name}" if lab else None, sampled_on=_day(rows[0].taken_at) or "",
            samples=tuple(
                SampleLine(s.identifier, s.seal_number, s.quantity, s.place, _day(s.taken_at) or "",
                           person_name(s.taken_by), s.lab.name_zh if s.lab else None)
                for s in rows
            ),
        )  # fmt: skip
    return found


async def person_day_forms(batch: Batch) -> dict[int, PersonDayForm]:
    """0402.11 for a task whose person-days were planned or accounted."""
    entries: dict[int, list[PersonDayEntry]] = defaultdict(list)
    for e in await PersonDayEntry.filter(task_id__in=batch.ids).select_related("user").order_by("id"):
        entries[e.task_id].append(e)
    tasks = [t for t in batch.tasks if entries[t.id] or t.planned_person_days is not None]
    if not tasks:
        return {}
    headers = await batch.headers(Form.PERSON_DAY_FORM)
    found = {}
    for t in tasks:
        lines = tuple(InspectorDays(e.user.display_name, e.user.login, e.days) for e in entries[t.id])
        found[t.id] = PersonDayForm(
            header=headers[t.id], planned=t.planned_person_days, inspectors=lines, total=sum(x.days for x in lines)
        )
    return found
