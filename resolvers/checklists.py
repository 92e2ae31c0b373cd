"""Checklist mutations (issue 13, D): the planner adds task-specific items, the team answers."""

from __future__ import annotations

import strawberry

from domain.checklists import MAX_EVIDENCE_PER_ANSWER, ChecklistAnswer
from domain.errors import DomainError, ErrorCode
from domain.results import Severity
from resolvers.plumbing import db_id, mutation, run, task_db_id
from resolvers.uploads import read_upload
from schema.checklist_inputs import AddChecklistItemInput, AnswerChecklistItemInput, ChecklistItemPayload
from services import lookups
from services.checklists import answering, items


async def _payload(info: strawberry.Info, command) -> ChecklistItemPayload:
    item, errors = await run(command)
    if item is None:
        return ChecklistItemPayload(item=None, task=None, user_errors=errors)
    await item.fetch_related("answered_by")
    presented = (await info.context.present.checklist([item]))[0]
    task = (await info.context.present.tasks(await lookups.tasks([item.task_id])))[0]
    return ChecklistItemPayload(item=presented, task=task, user_errors=errors)


@strawberry.type
class ChecklistMutation:
    @mutation(description="增加任务特定检查项 Add a task-specific item (the task's planner, before the start).")
    async def add_checklist_item(self, info: strawberry.Info, input: AddChecklistItemInput) -> ChecklistItemPayload:
        async def command():
            return await items.add_checklist_item(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                code=input.code,
                title=input.title,
                title_en=input.title_en,
                text=input.text,
                text_en=input.text_en,
            )

        return await _payload(info, command())

    @mutation(description="回答检查项 Answer a checklist item (the task's team; offline-safe with an idempotencyKey).")
    async def answer_checklist_item(
        self, info: strawberry.Info, input: AnswerChecklistItemInput
    ) -> ChecklistItemPayload:
        session = info.context.require_session
        limit = session.config.max_upload_bytes

        async def command():
            item_id = db_id(input.item_id, "ChecklistItem", "itemId")
            if len(input.evidence) > MAX_EVIDENCE_PER_ANSWER:  # before reading any file
                raise DomainError(
                    ErrorCode.INVALID,
                    "at most {max_evidence_per_answer} evidence files per answer",
                    ("evidence",),
                    max_evidence_per_answer=MAX_EVIDENCE_PER_ANSWER,
                )
            evidence = []
            for i, e in enumerate(input.evidence):
                data, filename, declared = await read_upload(e.file, limit, ("evidence", str(i), "file"))
                evidence.append(
                    answering.EvidenceInput(data, filename, declared, e.captured_at, e.latitude, e.longitude)
                )
            return await answering.answer_checklist_item(
                session,
                item_id=item_id,
                answer=ChecklistAnswer(input.answer.value),
                severity=Severity(input.severity.value) if input.severity else None,
                description=input.description,
                reason=input.reason,
                note=input.note,
                captured_at=input.captured_at,
                expected_version=input.expected_version,
                evidence=evidence,
            )

        return await _payload(info, command())
