"""The team leader confirms a generated form (组长确认) as rendered from one data version: the
PDF is kept as a document of the task under the form's purpose, so the archive counts it like
an uploaded form, and a sign-off row and an audit record name the form, the data version and
the document's SHA-256. A form whose data changed since the leader looked is not confirmed."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.archive import Form
from domain.audit_events import AuditAction
from domain.errors import DomainError
from domain.generated_forms import check_confirmable, check_signable, header_number
from domain.generated_forms import data_version as version_of
from services import audit_log
from services.archive.forms import refuse_if_archived
from services.context import Session
from services.documents import keep_document
from services.errors import Forbidden
from services.forms.generated import GENERATED_DESCRIPTION, PDF, Rendered, one_form, readable_task, render
from services.gate_conditions import leads_team
from services.runner import Work, command
from store.models import FormSignoff, SurveillanceTask


# The gate's `submit_results` is the team leader's action (the agency inspector's for a
# delegated task); its route for a task that buys its samples lets that task's planner through,
# so the leader is checked again here, as for person-days.
@command(gate="Task", action="submit_results")
async def confirm_form(
    work: Work, *, task_id: int, form: Form, data_version: str, rendered: Rendered | None = None
) -> SurveillanceTask:
    """`rendered`: the PDF drawn beforehand, outside the transaction (confirm_generated_form);
    used when it is of the data now, else drawn here."""
    session, task = work.user, work.target
    if why := await leads_team(session, task):
        raise Forbidden(why)
    refuse_if_archived(task)
    check_signable(form, task.status)
    data = await one_form(task, form)
    version = data_version.strip().lower()
    check_confirmable(version_of(data), version)
    latest = await FormSignoff.filter(task_id=task.id, form=form.value).order_by("-id").first()
    if latest is not None and latest.data_version == version:
        work.nothing_changed()  # signed already as it is (a double click, a second device)
        return task
    if rendered is None or rendered.form != form or rendered.data_version != version_of(data):
        rendered = await render(form, data)
    document = await keep_document(
        work,
        task_id=task.id,
        purpose=form.value,
        data=rendered.pdf,
        content_type=PDF,
        filename=f"{task.number}-{rendered.filename}",
        description=GENERATED_DESCRIPTION,
    )
    signoff = await FormSignoff.create(
        task_id=task.id,
        form=form.value,
        data_version=rendered.data_version,
        document_id=document.id,
        signed_by_id=session.actor.user_id,
        signed_at=datetime.now(UTC),
    )
    await audit_log.record(
        AuditAction.TASK_FORM_CONFIRMED,
        "SurveillanceTask",
        task.id,
        after={
            "form": form.value,
            "number": header_number(form),
            "dataVersion": rendered.data_version,
            "document": document.id,
            "sha256": document.sha256,
            "signoff": signoff.id,
        },
    )
    return task


async def confirm_generated_form(session: Session, *, task_id: int, form: Form, data_version: str) -> SurveillanceTask:
    """Draw the form first, outside the command's transaction (drawing takes seconds for a long
    checklist; the transaction must not hold the audit chain's lock meanwhile), then confirm it
    in the command, which checks again that the data is still the version drawn."""
    rendered = None
    task = await readable_task(session, task_id)
    if task is not None:
        try:
            data = await one_form(task, form)
            if version_of(data) == data_version.strip().lower():
                rendered = await render(form, data)
        except DomainError:
            pass  # the command answers with the same error, after its gate
    return await confirm_form(session, task_id=task_id, form=form, data_version=data_version, rendered=rendered)
