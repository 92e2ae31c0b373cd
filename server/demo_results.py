"""Demo results and decisions, through the same services as the API: a decision of every
kind, a changed result, an open dispute, and a certificate with two spot-check failures."""

from __future__ import annotations

from datetime import timedelta

from domain.checklists import ChecklistAnswer
from domain.decisions import DecisionOutcome, ReviewOutcome, SpotCheckLevel, SuspensionGround
from domain.enums import CertificateStatus
from domain.results import Conclusion, Severity
from domain.tasks import TaskKind
from services import clock
from services.checklists import answering
from services.checklists import queries as checklist_queries
from services.results import decide, disputes, review, spot_checks, submit
from services.tasks import lifecycle, planning, team
from store.models import Certificate, Factory

# The failing inspections' finding, on the clause of changes and product consistency (server/demo_clauses.py).
FAILING = {"09": (Severity.SERIOUS, "Critical component changed without approval")}


async def seed_demo_results(demo) -> dict:
    """The decided tasks, by outcome, for the archive's demo."""
    maintained = await _decided(demo, "E005", "east", Conclusion.PASS, {}, DecisionOutcome.MAINTAIN, offset=30)
    suspended = await _decided(
        demo, "S001", "south", Conclusion.FAIL, FAILING, DecisionOutcome.SUSPEND, SuspensionGround.FAILED_INSPECTION
    )
    revoked = await _decided(demo, "S002", "south", Conclusion.FAIL, FAILING, DecisionOutcome.REVOKE, offset=3)
    cancelled = await _decided(demo, "N001", "hq", Conclusion.PASS, {}, DecisionOutcome.CANCEL, offset=6)
    restorable = await Certificate.filter(status=CertificateStatus.SUSPENDED, factory__code="N002").first()
    if restorable is not None:  # a restoration inspection passed: HQ restores North China's certificate
        await _decided(
            demo,
            "N002",
            "hq",
            Conclusion.PASS,
            {},
            DecisionOutcome.RESTORE,
            kind=TaskKind.RESTORATION,
            certificate_ids=[restorable.id],
            offset=9,
        )
    decided = await _decided(demo, "E005", "east", Conclusion.PASS, {}, DecisionOutcome.MAINTAIN, offset=40)
    decider = await demo.session("east.decider")
    await decide.change_result(
        decider,
        task_id=decided.id,
        expected_version=decided.version,
        conclusion=Conclusion.PASS,
        summary="Clause 4.2 wording corrected in the report",
        reason="The report misquoted clause 4.2; the conclusion stands",
    )
    await disputes.open_dispute(
        await demo.session("ent.S001"),
        task_id=suspended.id,
        subject="We contest the finding on clause 09: the change was notified",
    )
    await _two_spot_check_failures(demo)
    return {"maintained": maintained, "revoked": revoked, "cancelled": cancelled}


async def _decided(
    demo,
    code,
    unit,
    conclusion,
    findings,
    outcome,
    ground=None,
    *,
    kind=TaskKind.ROUTINE_NOTIFIED,
    certificate_ids=None,
    offset=0,
):
    planner = await demo.session(f"{unit}.planner")
    leader = f"{unit}.inspector1" if unit == "east" else f"{unit}.inspector"
    factory = await Factory.get(code=code)
    if certificate_ids is None:
        certificate_ids = list(
            await Certificate.filter(factory_id=factory.id, status__in=planning.LIVE_CERTIFICATES).values_list(
                "id", flat=True
            )
        )
    start = clock.today() + timedelta(days=60 + offset)
    task = await planning.create_task(
        planner,
        factory_id=factory.id,
        kind=kind,
        certificate_ids=certificate_ids,
        due_on=start + timedelta(days=10),
        planned_start=start,
        planned_end=start + timedelta(days=1),
        trigger=None,
        trigger_details=None,
        with_sampling=False,
        requirements="Routine surveillance",
    )
    task = await lifecycle.issue_task(planner, task_id=task.id, expected_version=task.version)
    task = await team.assign_team(
        planner, task_id=task.id, expected_version=task.version, leader=leader, members=[], reason=None
    )
    inspector = await demo.session(leader)
    task = await lifecycle.start_task(inspector, task_id=task.id, expected_version=task.version)
    await answer_checklist(inspector, task.id, findings)
    task = await submit.submit_results(
        inspector,
        task_id=task.id,
        expected_version=task.version,
        conclusion=conclusion,
        summary="Demo result",
        findings=[],
    )
    task = await review.review(
        await demo.session(f"{unit}.reviewer"),
        task_id=task.id,
        expected_version=task.version,
        outcome=ReviewOutcome.AGREE,
        comments=None,
    )
    return await decide.decide(
        await demo.session(f"{unit}.decider"),
        task_id=task.id,
        expected_version=task.version,
        outcome=outcome,
        ground=ground,
        reason=f"Demo decision: {outcome.value.lower()}",
    )


async def answer_checklist(inspector, task_id: int, nonconforming: dict) -> None:
    """The team answers every item through the command: conforming, or the findings given by code."""
    for item in (await checklist_queries.items_of([task_id]))[task_id]:
        severity, description = nonconforming.get(item.code, (None, None))
        await answering.answer_checklist_item(
            inspector,
            item_id=item.id,
            answer=ChecklistAnswer.NONCONFORMITY if severity else ChecklistAnswer.CONFORMS,
            severity=severity,
            description=description,
            reason=None,
            note="Demo answer",
            captured_at=None,
            expected_version=None,
            evidence=[],
        )


async def _two_spot_check_failures(demo) -> None:
    planner = await demo.session("east.planner")
    certificate = await Certificate.filter(factory__code="E010", status=CertificateStatus.VALID).first()
    day = clock.today() - timedelta(days=200)
    for n, (level, ref) in enumerate(
        ((SpotCheckLevel.NATIONAL, "GJ-2026-0113"), (SpotCheckLevel.PROVINCIAL, "SJ-2026-0457"))
    ):
        await spot_checks.record_spot_check(
            planner,
            certificate_id=certificate.id,
            level=level,
            checked_on=day + timedelta(days=90 * n),
            passed=False,
            reference=ref,
            notes="Insulation thickness below spec",
        )
