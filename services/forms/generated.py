"""Generated forms of a task: which apply, their data and data versions (for a page of tasks in
a fixed number of queries, without rendering anything), the rendered PDF for a download, and
the latest sign-off of each."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio

from domain.archive import Form
from domain.errors import DomainError, ErrorCode, Term
from domain.generated_forms import GENERATED, FormData, check_renderable, data_version, header_number
from services.context import Session
from services.forms.gather import Batch, inspection_reports, person_day_forms, sampling_notices
from services.forms.gather_record import inspection_records
from services.forms.render_days import render_days
from services.forms.render_notice import render_notice
from services.forms.render_record import render_record
from services.forms.render_report import render_report
from services.tasks.common import INTERNAL, KIND, domain_codes
from store.models import Document, FormSignoff, SurveillanceTask

GATHERERS: dict[Form, Callable[[Batch], Awaitable[dict[int, FormData]]]] = {
    Form.INSPECTION_REPORT: inspection_reports,
    Form.INSPECTION_RECORD: inspection_records,
    Form.SAMPLING_NOTICE: sampling_notices,
    Form.PERSON_DAY_FORM: person_day_forms,
}
RENDERERS: dict[Form, Callable[[FormData, str], bytes]] = {
    Form.INSPECTION_REPORT: render_report,
    Form.INSPECTION_RECORD: render_record,
    Form.SAMPLING_NOTICE: render_notice,
    Form.PERSON_DAY_FORM: render_days,
}
WHEN = {
    Form.INSPECTION_REPORT: "a factory inspection (not a pure sampling task)",
    Form.INSPECTION_RECORD: "a factory inspection with a checklist",
    Form.SAMPLING_NOTICE: "a task whose samples were taken (bought samples come with a receipt)",
    Form.PERSON_DAY_FORM: "a task whose person-days were planned or accounted",
}
PDF = "application/pdf"
RENDERING_AT_ONCE = 2  # CPU-bound drawing: more threads than cores only slow every request down
_limiters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _render_limiter() -> anyio.CapacityLimiter:
    """One per event loop (made on first use inside it): a limiter is bound to its loop."""
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = anyio.CapacityLimiter(RENDERING_AT_ONCE)
    return _limiters[loop]


GENERATED_DESCRIPTION = "系统生成，组长确认 generated and confirmed"


@dataclass(frozen=True)
class Rendered:
    form: Form
    data_version: str
    pdf: bytes

    @property
    def filename(self) -> str:
        return f"{header_number(self.form)}-{self.form.value.lower()}.pdf"


@dataclass(frozen=True)
class GeneratedForm:
    """One form that applies to a task: its data version now and its latest sign-off."""

    task_id: int
    form: Form
    data_version: str
    confirmed: FormSignoff | None

    @property
    def stale(self) -> bool | None:
        """Whether the data changed since the latest confirmation (None: never confirmed)."""
        return None if self.confirmed is None else self.confirmed.data_version != self.data_version


async def form_data(
    tasks: list[SurveillanceTask], forms: tuple[Form, ...] = GENERATED
) -> dict[int, dict[Form, FormData]]:
    """The data of each form that applies, by task; a form that does not apply is absent."""
    batch = Batch(tasks)
    found: dict[int, dict[Form, FormData]] = {t.id: {} for t in tasks}
    for form in forms:
        for task_id, data in (await GATHERERS[form](batch)).items():
            found[task_id][form] = data
    return found


async def one_form(task: SurveillanceTask, form: Form) -> FormData:
    """The data of `form` for the task, or CONFLICT when the form does not apply to it."""
    if form not in GATHERERS:
        raise DomainError(
            ErrorCode.INVALID, "{form} is not generated; upload it (attachTaskForm)", ("form",), form=form.value
        )
    data = (await form_data([task], (form,)))[task.id].get(form)
    if data is None:
        raise DomainError(
            ErrorCode.CONFLICT,
            "{form} does not apply: it is for {when}",
            ("form",),
            form=form.value,
            when=Term(f"Form.{form.value}.when", WHEN[form]),
        )
    return data


async def render(form: Form, data: FormData) -> Rendered:
    """Draw the PDF in a worker thread: a long form does not hold up the event loop (and one
    past the bounds is refused before drawing)."""
    check_renderable(form, data)
    version = data_version(data)
    pdf = await anyio.to_thread.run_sync(RENDERERS[form], data, version, limiter=_render_limiter())
    return Rendered(form, version, pdf)


async def readable_task(session: Session, task_id: int) -> SurveillanceTask | None:
    """The task if the caller may read it and its internal fields (the rule of documents)."""
    task = await SurveillanceTask.filter(id=task_id).first()
    if task is None:
        return None
    codes = await domain_codes(task)
    allowed = (
        session.perms.decide("read", KIND, codes).allowed and session.perms.decide("read", INTERNAL, codes).allowed
    )
    return task if allowed else None


async def for_download(session: Session, task_id: int, form: Form) -> Rendered:
    """The form rendered now; NOT_FOUND for a task missing or not readable (the same answer),
    CONFLICT for a form that does not apply to it."""
    task = await readable_task(session, task_id)
    if task is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such task", ("taskId",))
    return await render(form, await one_form(task, form))


async def latest_signoffs(task_ids: list[int]) -> dict[tuple[int, str], FormSignoff]:
    latest: dict[tuple[int, str], FormSignoff] = {}
    for s in (
        await FormSignoff.filter(task_id__in=task_ids)
        .select_related("document__uploaded_by", "signed_by")
        .order_by("id")
    ):
        latest[(s.task_id, s.form)] = s
    return latest


async def generated_forms_of(tasks: list[SurveillanceTask]) -> dict[int, list[GeneratedForm]]:
    """Callers pass only tasks already loaded through the viewer's scope (and internal to them)."""
    if not tasks:
        return {}
    data = await form_data(tasks)
    signed = await latest_signoffs([t.id for t in tasks])
    return {
        t.id: [
            GeneratedForm(t.id, form, data_version(data[t.id][form]), signed.get((t.id, form.value)))
            for form in GENERATED
            if form in data[t.id]
        ]
        for t in tasks
    }


async def stale_signoffs(task: SurveillanceTask) -> list[Form]:
    """The forms whose latest confirmation names data that changed since, with no form of that
    kind filed after it (a signed scan uploaded later stands in for it)."""
    stale = []
    for generated in (await generated_forms_of([task]))[task.id]:
        if generated.stale:
            later = Document.filter(
                task_id=task.id, purpose=generated.form.value, id__gt=generated.confirmed.document_id
            )
            if not await later.exists():
                stale.append(generated.form)
    return stale
