"""Generated forms (issue 13): the team leader confirms a form rendered from the data."""

from __future__ import annotations

import strawberry

from domain.archive import Form
from resolvers.plumbing import mutation, task_db_id, task_payload
from schema import archive_types as at
from schema import task_payloads
from schema.idempotency import idempotency_key_field
from services.forms import signoffs


@strawberry.input(description="组长确认 The team leader confirms a generated form as rendered from one data version.")
class ConfirmGeneratedFormInput:
    task_id: strawberry.ID = strawberry.field(description="The task (Task id).")
    form: at.Form = strawberry.field(
        description="Which generated form: INSPECTION_REPORT, INSPECTION_RECORD, SAMPLING_NOTICE or PERSON_DAY_FORM."
    )
    data_version: str = strawberry.field(
        description="数据版本 The data version of the form you looked at (X-Data-Version, or generatedForms)."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class FormMutation:
    @mutation(
        description="组长确认 Confirm a generated form (the team leader): the PDF is kept as the task's form and "
        "counts toward the file; refused (CONFLICT) if the data changed since the given version."
    )
    async def confirm_generated_form(
        self, info: strawberry.Info, input: ConfirmGeneratedFormInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await signoffs.confirm_generated_form(
                info.context.require_session,
                task_id=task_db_id(input),
                form=Form(input.form.value),
                data_version=input.data_version,
            )

        return await task_payload(info, command())
