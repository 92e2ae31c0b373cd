"""Forms generated from the data (issue 13) in GraphQL: which apply to a task, the version of
the data they are rendered from, and the team leader's latest confirmation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.archive import FORM_NUMBERS
from domain.archive import Form as DomainForm
from schema.archive_types import Form
from schema.types import Person

if TYPE_CHECKING:
    from schema.task_types import Document


@strawberry.type(description="组长确认 A team leader's confirmation of a generated form.")
class GeneratedFormSignoff:
    by: Person = strawberry.field(description="确认人 The team leader who confirmed it.")
    at: dt.datetime = strawberry.field(description="确认时间 When.")
    data_version: str = strawberry.field(description="数据版本 The SHA-256 of the data the confirmed form shows.")
    document: Annotated[Document, strawberry.lazy("schema.task_types")] = strawberry.field(
        description="The confirmed PDF, kept as a document of the task (it counts toward the file's completeness)."
    )


@strawberry.type(description="系统生成表单 A form the system renders from the data it holds (internal).")
class GeneratedForm:
    form: Form = strawberry.field(description="Which form (the forms of the task's file).")
    number: str = strawberry.field(description="表单编号 The form's number, e.g. 0402.03.")
    url: str = strawberry.field(description="GET it as PDF with the same bearer token (header X-Data-Version).")
    data_version: str = strawberry.field(
        description="数据版本 The SHA-256 of the form's data now; confirmGeneratedForm names it."
    )
    confirmed: GeneratedFormSignoff | None = strawberry.field(
        description="The latest confirmation by the team leader; null while never confirmed."
    )
    stale: bool | None = strawberry.field(
        description="True when the data changed since the latest confirmation; null while never confirmed."
    )


@strawberry.type
class TaskFormFields:
    """The generatedForms field of Task (kept here to keep task_types small)."""

    @strawberry.field(
        description="系统生成表单 The forms generated from the data that apply to this task (internal; "
        "computed from the data, no PDF is rendered to answer)"
    )
    async def generated_forms(self, info: strawberry.Info) -> list[GeneratedForm] | None:
        if not self._internal:
            return None
        from schema.task_types import Document

        rows = await info.context.loaders.task_generated_forms.load(self._model.id)
        signed = [r.confirmed for r in rows if r.confirmed is not None]
        people = iter(await info.context.present.people([s.signed_by for s in signed]))
        task_id = self.id
        found = []
        for r in rows:
            s = r.confirmed
            confirmed = None
            if s is not None:
                confirmed = GeneratedFormSignoff(
                    by=next(people),
                    at=s.signed_at,
                    data_version=s.data_version,
                    document=Document.from_model(s.document),
                )
            found.append(
                GeneratedForm(
                    form=Form(r.form.value),
                    number=FORM_NUMBERS[DomainForm(r.form.value)] or "",
                    url=f"/tasks/{task_id}/forms/{r.form.value}.pdf",
                    data_version=r.data_version,
                    confirmed=confirmed,
                    stale=r.stale,
                )
            )
        return found
