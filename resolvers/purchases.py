"""Market purchase work: the planner assigns, the buying-sample app reads its work offline
and records purchases. Mobile mutations take an idempotencyKey (see services.idempotency)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from domain.errors import DomainError, ErrorCode
from domain.purchases import MAX_PHOTOS
from domain.purchases import AssignmentStatus as DomainAssignmentStatus
from domain.tasks import ExceptionReason
from resolvers.plumbing import db_id, mutation, run, task_db_id
from resolvers.query import global_db_id, page_request
from resolvers.uploads import read_upload
from schema import purchase_types as pt
from schema import task_enums
from schema.idempotency import KEY_DESCRIPTION, idempotency_key_field
from schema.relay import Connection, build_connection
from schema.types import UserError
from services import idempotency, lookups
from services.purchases import assignments, queries, recording
from services.purchases.access import own_assignment


@strawberry.input(description="分派买样 Send a market buyer of the executing unit to buy for a sampling task.")
class AssignBuyerInput:
    task_id: strawberry.ID
    expected_version: int
    buyer_login: str = strawberry.field(description="Login of the market buyer 买样人员, of the task's executing unit.")
    instructions: str | None = strawberry.field(
        description="What the buyer should know (shops, timing); optional.", default=None
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="撤回买样 Take purchase work back from the buyer, with the reason.")
class WithdrawPurchaseAssignmentInput:
    assignment_id: strawberry.ID
    expected_version: int
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="完成买样 The buyer reports the purchase work done.")
class CompletePurchaseAssignmentInput:
    assignment_id: strawberry.ID
    expected_version: int
    note: str | None = strawberry.field(description="The buyer's closing note; optional.", default=None)
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="买样异常 The buyer cannot buy (e.g. 市场上未找到产品); the planner handles it.")
class ReportPurchaseProblemInput:
    assignment_id: strawberry.ID
    expected_version: int
    reason: task_enums.ExceptionReason
    details: str = strawberry.field(description="What went wrong.")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="购买的样品 A sample bought and sealed.")
class BoughtSampleInput:
    identifier: str = strawberry.field(description="样品编号")
    seal_number: str = strawberry.field(description="封条号")
    quantity: int = strawberry.field(description="How many units were bought.")


@strawberry.input(description=f"买样记录 One purchase, sent as multipart: receipt and 1-{MAX_PHOTOS} photos.")
class RecordPurchaseInput:
    assignment_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    shop_name: str = strawberry.field(description="Name of the shop.")
    shop_address: str = strawberry.field(description="Address of the shop.")
    latitude: float = strawberry.field(description="Latitude where it was bought (WGS 84).")
    longitude: float = strawberry.field(description="Longitude where it was bought (WGS 84).")
    purchased_at: dt.datetime = strawberry.field(description="With its UTC offset; may be hours old (offline)")
    price: Decimal = strawberry.field(description="At most two decimals")
    currency: str = strawberry.field(description="ISO 4217, e.g. CNY")
    receipt_number: str = strawberry.field(description="Number printed on the receipt.")
    receipt: Upload = strawberry.field(description="购物凭证 JPEG, PNG or PDF")
    photos: list[Upload] = strawberry.field(description="产品照片 JPEG or PNG")
    samples: list[BoughtSampleInput] = strawberry.field(description="The samples bought and sealed.")
    gps_accuracy_meters: float | None = strawberry.field(
        description="The phone's accuracy of the position, in metres.", default=None
    )


@strawberry.type
class PurchaseAssignmentPayload:
    assignment: pt.PurchaseAssignment | None = strawberry.field(
        description="The assignment as changed; null when nothing changed."
    )
    user_errors: list[UserError]


@strawberry.type
class RecordPurchasePayload:
    purchase: pt.Purchase | None = strawberry.field(description="The purchase recorded; null when nothing changed.")
    assignment: pt.PurchaseAssignment | None = strawberry.field(description="The assignment with the new purchase.")
    user_errors: list[UserError]


async def _assignment_payload(info: strawberry.Info, command) -> PurchaseAssignmentPayload:
    found, errors = await run(command)
    return PurchaseAssignmentPayload(
        assignment=(await info.context.present.purchase_assignments([found]))[0] if found else None, user_errors=errors
    )


def _assignment_id(input) -> int:
    return db_id(input.assignment_id, "PurchaseAssignment", "assignmentId")


async def _read_upload(upload, limit: int, field: tuple[str, ...]) -> recording.Upload:
    return recording.Upload(*await read_upload(upload, limit, field))


def _idempotent(session, key, operation: str, fields: dict, command):
    """A mobile command run once per key; its replay answers with the assignment as it is now."""

    async def replay(assignment_id: int):
        return await own_assignment(session, assignment_id, "record")  # still theirs to see

    return idempotency.once(session, key, operation, idempotency.fingerprint(fields), command, lambda a: a.id, replay)


@strawberry.type
class PurchaseQuery:
    @strawberry.field(
        description="买样任务 Purchase work: a market buyer sees only their own; staff see their units'. "
        "Everything the buying-sample app needs offline is inside."
    )
    async def purchase_assignments(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        status: Annotated[
            pt.AssignmentStatus | None, strawberry.argument(description="Only assignments in this status.")
        ] = None,
        task_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only the assignments of this task (global ID).")
        ] = None,
    ) -> Connection[pt.PurchaseAssignment]:
        flt = {}
        if status is not None:
            flt["status"] = DomainAssignmentStatus(status.value)
        if task_id is not None:
            flt["task_id"] = global_db_id(task_id, "Task", "taskId")
        qs = await queries.assignments(info.context.require_session, flt)
        page = await lookups.paginate(qs, page_request(info, first, after, None, None))
        items = iter(await info.context.present.purchase_assignments(page.items))
        return build_connection(page.items, lambda _: next(items), page.total, page.has_next, page.has_previous)


@strawberry.type
class PurchaseMutation:
    @mutation(description="分派买样 Assign a market buyer to a sampling task with the purchase method.")
    async def assign_buyer(self, info: strawberry.Info, input: AssignBuyerInput) -> PurchaseAssignmentPayload:
        return await _assignment_payload(
            info,
            assignments.assign_buyer(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                buyer_login=input.buyer_login,
                instructions=input.instructions,
            ),
        )

    @mutation(description="撤回买样 The planner takes open purchase work back.")
    async def withdraw_purchase_assignment(
        self, info: strawberry.Info, input: WithdrawPurchaseAssignmentInput
    ) -> PurchaseAssignmentPayload:
        async def command():
            return await assignments.withdraw(
                info.context.require_session,
                assignment_id=_assignment_id(input),
                expected_version=input.expected_version,
                reason=input.reason,
            )

        return await _assignment_payload(info, command())

    @mutation(description="完成买样 (mobile) The buyer reports the work done.", own_idempotency=True)
    async def complete_purchase_assignment(
        self, info: strawberry.Info, input: CompletePurchaseAssignmentInput
    ) -> PurchaseAssignmentPayload:
        session = info.context.require_session

        async def command():
            assignment_id = _assignment_id(input)
            fields = {"id": assignment_id, "version": input.expected_version, "note": input.note}
            return await _idempotent(
                session,
                input.idempotency_key,
                "completePurchaseAssignment",
                fields,
                lambda: assignments.complete(
                    session, assignment_id=assignment_id, expected_version=input.expected_version, note=input.note
                ),
            )

        return await _assignment_payload(info, command())

    @mutation(
        description="买样异常 (mobile) The buyer cannot buy: the task becomes an exception.", own_idempotency=True
    )
    async def report_purchase_problem(
        self, info: strawberry.Info, input: ReportPurchaseProblemInput
    ) -> PurchaseAssignmentPayload:
        session = info.context.require_session

        async def command():
            assignment_id = _assignment_id(input)
            reason = ExceptionReason(input.reason.value)
            fields = {"id": assignment_id, "version": input.expected_version, "reason": reason, "d": input.details}
            return await _idempotent(
                session,
                input.idempotency_key,
                "reportPurchaseProblem",
                fields,
                lambda: assignments.report_problem(
                    session,
                    assignment_id=assignment_id,
                    expected_version=input.expected_version,
                    reason=reason,
                    details=input.details,
                ),
            )

        return await _assignment_payload(info, command())

    @mutation(
        description="记录买样 (mobile) Record a purchase with receipt, photos and samples. Send it as a multipart "
        "request; a retry with the same idempotencyKey returns the first purchase and records nothing.",
        own_idempotency=True,
    )
    async def record_purchase(self, info: strawberry.Info, input: RecordPurchaseInput) -> RecordPurchasePayload:
        session = info.context.require_session
        config = session.config

        async def command():
            assignment_id = _assignment_id(input)
            if len(input.photos) > MAX_PHOTOS:
                raise DomainError(
                    ErrorCode.INVALID, "send 1 to {max_photos} product photos", ("photos",), max_photos=MAX_PHOTOS
                )
            limit = config.max_upload_bytes
            facts = recording.PurchaseFacts(
                shop_name=input.shop_name,
                shop_address=input.shop_address,
                latitude=input.latitude,
                longitude=input.longitude,
                purchased_at=input.purchased_at,
                price=input.price,
                currency=input.currency,
                receipt_number=input.receipt_number,
                receipt=await _read_upload(input.receipt, limit, ("receipt",)),
                photos=[await _read_upload(p, limit, ("photos", str(i))) for i, p in enumerate(input.photos)],
                samples=[recording.BoughtSample(s.identifier, s.seal_number, s.quantity) for s in input.samples],
                gps_accuracy_m=input.gps_accuracy_meters,
                idempotency_key=input.idempotency_key,
            )
            return await recording.record_purchase(session, assignment_id=assignment_id, facts=facts)

        purchase, errors = await run(command())
        if purchase is None:
            return RecordPurchasePayload(purchase=None, assignment=None, user_errors=errors)
        assignment = await lookups.assignment(purchase.assignment_id)
        present = info.context.present
        return RecordPurchasePayload(
            purchase=(await present.purchases([assignment], {purchase.id}))[purchase.id],
            assignment=(await present.purchase_assignments([assignment]))[0],
            user_errors=errors,
        )
