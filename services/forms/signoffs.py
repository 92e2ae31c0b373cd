"""The team leader confirms a generated form (组长确认) as rendered from one data version: the
PDF is kept as a document of the task under the form's purpose, so the archive counts it like
an uploaded form, and a sign-off row and an audit record name the form, the data version and
the document's SHA-256. A form whose data changed since the leader looked is not confirmed."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.archive import Form
from domain.audit_events import AuditAction
from domain.generated_forms import check_confirmable, header_number
from services import audit_log
from services.archive.forms import refuse_if_archived
from services.documents import keep_document
from services.errors import Forbidden
from services.forms.generated import GENERATED_DESCRIPTION, PDF, one_form, render
from services.gate_conditions import leads_team
from services.runner import Work, command
from store.models import FormSignoff, SurveillanceTask


# The gate's `submit_results` is the team leader's action (the agency inspector's for a
# delegated task); its route for a task that buys its samples lets that task's planner through,
# so the leader is checked again here, as for person-days.
@command(gate="Task", action="submit_results")
async def confirm_form(work: Work, *, task_id: int, form: Form, data_version: str) -> SurveillanceTask:
    session, task = work.user, work.target
    if why := await leads_team(session, task):
        raise Forbidden(why)
    refuse_if_archived(task)
    rendered = await render(form, await one_form(task, form))
    check_confirmable(rendered.data_version, data_version.strip().lower())
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
