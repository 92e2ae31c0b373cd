"""Sample queries and custody mutations (issue 4, first slice)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from domain.custody import SampleStatus as DomainSampleStatus
from domain.tasks import SamplingMethod, SamplingSite
from resolvers import replay
from resolvers.plumbing import db_id, mutation, run, task_db_id, task_payload
from resolvers.query import global_db_id, page_request
from resolvers.uploads import read_upload
from schema import sample_types, task_enums, task_payloads
from schema.idempotency import KEY_DESCRIPTION, idempotency_key_field
from schema.relay import Connection, build_connection
from schema.types import UserError
from services import idempotency, lookups, samples


@strawberry.input(description="设定抽样要求 Where and how to sample, which category, how many, which lab.")
class SamplingDetailsInput:
    task_id: strawberry.ID
    expected_version: int
    site: task_enums.SamplingSite = strawberry.field(description="抽样地点 Where to sample.")
    method: task_enums.SamplingMethod = strawberry.field(description="抽样方式 How to sample.")
    product_category: str = strawberry.field(description="Code of the product category to sample.")
    quantity: int = strawberry.field(description="How many units.")
    lab_code: str = strawberry.field(description="Code of the lab that tests 检测机构.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="记录封样 Record a sample taken and sealed (the team, task in progress).")
class RecordSampleInput:
    task_id: strawberry.ID
    identifier: str = strawberry.field(description="The sample's identifier 样品编号.")
    seal_number: str = strawberry.field(description="Number of the seal 封条编号.")
    quantity: int = strawberry.field(description="Units taken.")
    place: str = strawberry.field(description="Where it was taken.")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="A custody step of one sample.")
class SampleStepInput:
    sample_id: strawberry.ID
    expected_version: int
    carrier: str | None = strawberry.field(default=None, description="寄送: carrier")
    tracking_number: str | None = strawberry.field(default=None, description="寄送: tracking number")
    condition: str | None = strawberry.field(default=None, description="接收: condition on arrival")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="检测项目结果 One test item and whether it passed.")
class TestItemInput:
    item: str = strawberry.field(description="The test item 检测项目.")
    passed: bool = strawberry.field(description="Whether it passed.")


@strawberry.input(description="出具检测报告 The lab reports on a sample under test (optional PDF via multipart).")
class SubmitLabReportInput:
    sample_id: strawberry.ID
    expected_version: int
    items: list[TestItemInput] = strawberry.field(description="检测项目 Each test item and whether it passed.")
    conclusion_passed: bool = strawberry.field(description="The overall conclusion: passed 合格.")
    marking_nonconformity: bool = strawberry.field(
        description="Whether the marking 标志 does not conform.", default=False
    )
    file: Upload | None = strawberry.field(
        description="The report as a PDF, a multipart upload; optional.", default=None
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class SamplePayload:
    sample: sample_types.Sample | None = strawberry.field(
        description="The sample as changed; null when nothing changed."
    )
    user_errors: list[UserError]


async def _sample_payload(info: strawberry.Info, command) -> SamplePayload:
    sample, errors = await run(command)
    if sample is not None:
        await sample.fetch_related("taken_by")
    return SamplePayload(
        sample=(await info.context.present.samples([sample]))[0] if sample else None, user_errors=errors
    )


@strawberry.type
class SampleQuery:
    @strawberry.field(description="样品 Samples you may see (labs: only those sent to them).")
    async def samples(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        status: Annotated[
            sample_types.SampleStatus | None, strawberry.argument(description="Only samples in this status 样品状态.")
        ] = None,
        task_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only the samples of this task (global ID).")
        ] = None,
    ) -> Connection[sample_types.Sample]:
        flt = {}
        if status is not None:
            flt["status"] = DomainSampleStatus(status.value)
        if task_id is not None:
            flt["task_id"] = global_db_id(task_id, "Task", "taskId")
        qs = await samples.visible_samples(info.context.require_session, flt)
        page = await lookups.paginate(qs.select_related("taken_by"), page_request(info, first, after, None, None))
        items = iter(await info.context.present.samples(page.items))
        return build_connection(page.items, lambda _: next(items), page.total, page.has_next, page.has_previous)


@strawberry.type
class SampleMutation:
    @mutation(description="设定抽样要求 Set a sampling task's site, method, category, quantity and lab.")
    async def set_sampling_details(
        self, info: strawberry.Info, input: SamplingDetailsInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await samples.set_sampling_details(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                site=SamplingSite(input.site.value),
                method=SamplingMethod(input.method.value),
                category_code=input.product_category,
                quantity=input.quantity,
                lab_code=input.lab_code,
            )

        return await task_payload(info, command())

    @mutation(description="记录封样 Record a sample taken and sealed.", own_idempotency=True)
    async def record_sample(self, info: strawberry.Info, input: RecordSampleInput) -> SamplePayload:
        session = info.context.require_session

        async def command():
            task_id = task_db_id(input)
            fields = {
                "task": task_id,
                "id": input.identifier,
                "seal": input.seal_number,
                "n": input.quantity,
                "place": input.place,
            }
            return await _once(
                session,
                input.idempotency_key,
                "recordSample",
                fields,
                lambda: samples.record_sample(
                    session,
                    task_id=task_id,
                    identifier=input.identifier,
                    seal_number=input.seal_number,
                    quantity=input.quantity,
                    place=input.place,
                ),
            )

        return await _sample_payload(info, command())

    @mutation(description="寄送样品 The team ships a sealed sample to the task's lab.", own_idempotency=True)
    async def ship_sample(self, info: strawberry.Info, input: SampleStepInput) -> SamplePayload:
        session = info.context.require_session

        async def command():
            sample_id = _sample_id(input)
            fields = {
                "sample": sample_id,
                "v": input.expected_version,
                "carrier": input.carrier,
                "tracking": input.tracking_number,
            }
            return await _once(
                session,
                input.idempotency_key,
                "shipSample",
                fields,
                lambda: samples.ship_sample(
                    session,
                    sample_id=sample_id,
                    expected_version=input.expected_version,
                    carrier=input.carrier,
                    tracking=input.tracking_number,
                ),
            )

        return await _sample_payload(info, command())

    @mutation(description="接收样品 The lab receives a shipped sample and records its condition.", own_idempotency=True)
    async def receive_sample(self, info: strawberry.Info, input: SampleStepInput) -> SamplePayload:
        session = info.context.require_session

        async def command():
            sample_id = _sample_id(input)
            return await _once(
                session,
                input.idempotency_key,
                "receiveSample",
                {"input": replay.fingerprint(input)},
                lambda: samples.receive_sample(
                    session, sample_id=sample_id, expected_version=input.expected_version, condition=input.condition
                ),
            )

        return await _sample_payload(info, command())

    @mutation(description="开始检测 The lab starts testing a received sample.", own_idempotency=True)
    async def start_sample_testing(self, info: strawberry.Info, input: SampleStepInput) -> SamplePayload:
        session = info.context.require_session

        async def command():
            sample_id = _sample_id(input)
            return await _once(
                session,
                input.idempotency_key,
                "startSampleTesting",
                {"input": replay.fingerprint(input)},
                lambda: samples.start_testing(session, sample_id=sample_id, expected_version=input.expected_version),
            )

        return await _sample_payload(info, command())

    @mutation(
        description="出具检测报告 The lab reports: per-item results, conclusion, marking finding.", own_idempotency=True
    )
    async def submit_lab_report(self, info: strawberry.Info, input: SubmitLabReportInput) -> SamplePayload:
        session = info.context.require_session
        config = session.config

        async def report():
            document = None
            if input.file is not None:
                document = await read_upload(input.file, config.max_upload_bytes, ("file",))
            return await samples.submit_report(
                session,
                sample_id=_sample_id(input),
                expected_version=input.expected_version,
                items=[(i.item, i.passed) for i in input.items],
                passed=input.conclusion_passed,
                marking_nonconformity=input.marking_nonconformity,
                document=document,
            )

        async def command():
            key, fields = input.idempotency_key, {"input": replay.fingerprint(input)}
            return await _once(session, key, "submitLabReport", fields, report)

        return await _sample_payload(info, command())


def _once(session, key, operation: str, fields: dict, command):
    """A mobile command run once per idempotency key; a replay answers with the sample as it is now."""

    async def replay(sample_id: int):
        return await samples.reload_for(session, sample_id, operation)

    return idempotency.once(session, key, operation, idempotency.fingerprint(fields), command, lambda s: s.id, replay)


def _sample_id(input) -> int:
    return db_id(input.sample_id, "Sample", "sampleId")
