"""Demo surveillance tasks, made through the same services the API uses (so they are
authorized and audited like real work): a plan per unit for the current year and tasks in
each state the task issue knows, one delegated overseas task, one exception, one relocation,
the sampling work of server.demo_sampling, the decisions of server.demo_results and the
archive of server.demo_archive.
Skipped when any task exists, so a rerun changes nothing."""

from __future__ import annotations

from datetime import timedelta

from domain.tasks import ExceptionReason, SpecialTrigger, TaskKind
from policies.authorizer import Authorizer
from server.demo_archive import seed_demo_archive
from server.demo_results import seed_demo_results
from server.demo_sampling import seed_demo_sampling
from services import clock
from services.context import Actor, ServiceConfig, Session
from services.policy_sync import PolicySync
from services.tasks import exceptions, lifecycle, planning, team
from store.models import Certificate, Factory, SurveillanceTask, User


class Demo:
    def __init__(self, north_china: tuple[str, ...], document_dir: str = "data/documents") -> None:
        self.config = ServiceConfig(north_china=north_china, document_dir=document_dir)
        self.sync = PolicySync(Authorizer())

    async def session(self, login: str) -> Session:
        user = await User.get(login=login).select_related("unit")
        return Session.for_actor(
            Actor(user.id, user.login, user.unit.code, "seed-demo"), self.sync.authorizer, self.config
        )

    async def draft_of(self, code: str) -> SurveillanceTask:
        return await SurveillanceTask.filter(factory__code=code, status="DRAFT").order_by("id").first()


async def seed_demo_tasks(north_china: tuple[str, ...], document_dir: str = "data/documents") -> int:
    if await SurveillanceTask.exists():
        return 0
    demo = Demo(north_china, document_dir)
    await demo.sync.refresh(force=True)
    year = clock.today().year
    for unit, login in (
        ("east", "east.planner"),
        ("south", "south.planner"),
        ("west", "hq.planner"),
        ("hq", "hq.planner"),
    ):
        await planning.generate_plan(await demo.session(login), unit_code=unit, year=year)
    east = await demo.session("east.planner")
    start = clock.today() + timedelta(days=14)

    async def scheduled(code: str, offset: int = 0) -> SurveillanceTask:
        task = await demo.draft_of(code)
        return await lifecycle.schedule_task(
            east,
            task_id=task.id,
            expected_version=task.version,
            planned_start=start + timedelta(days=offset),
            planned_end=start + timedelta(days=offset + 1),
            due_on=None,
            requirements="Focus: incoming inspection of critical components",
        )

    issued = await scheduled("E001")  # issued, notice sent
    await lifecycle.issue_task(east, task_id=issued.id, expected_version=issued.version)
    # Team assigned, checklist drawn at issue, not started: the README's walk-through
    # ("The inspection itself") starts it and takes it to the archive (EAST-<year>-0002).
    staffed = await scheduled("E002", 3)
    staffed = await lifecycle.issue_task(east, task_id=staffed.id, expected_version=staffed.version)
    await team.assign_team(
        east,
        task_id=staffed.id,
        expected_version=staffed.version,
        leader="east.inspector1",
        members=["east.inspector2"],
        reason=None,
    )
    running = await scheduled("E003", 6)  # unannounced, started: now visible to the enterprise
    running = await lifecycle.issue_task(east, task_id=running.id, expected_version=running.version)
    running = await team.assign_team(
        east, task_id=running.id, expected_version=running.version, leader="east.inspector2", members=[], reason=None
    )
    await lifecycle.start_task(
        await demo.session("east.inspector2"), task_id=running.id, expected_version=running.version
    )
    refused = await scheduled("E004", 9)  # exception: refused unannounced inspection
    refused = await lifecycle.issue_task(east, task_id=refused.id, expected_version=refused.version)
    refused = await team.assign_team(
        east, task_id=refused.id, expected_version=refused.version, leader="east.inspector1", members=[], reason=None
    )
    await exceptions.report_exception(
        await demo.session("east.inspector1"),
        task_id=refused.id,
        expected_version=refused.version,
        reason=ExceptionReason.REFUSED_INSPECTION,
        details="The factory manager refused entry to the unannounced inspection team.",
    )
    dropped = await demo.draft_of("E006")
    await lifecycle.cancel_task(
        east,
        task_id=dropped.id,
        expected_version=dropped.version,
        reason="Factory merged into E002's certificate holder",
    )
    split = await scheduled("E009", 12)
    await lifecycle.split_task(
        east,
        task_id=split.id,
        expected_version=split.version,
        parts=[
            lifecycle.Part(TaskKind(split.kind), None, None),
            lifecycle.Part(TaskKind.SAMPLING, None, "Take 2 samples per model"),
        ],
        reason="Sampling by a separate team",
    )
    await _relocation(east, start)
    await _delegated(await demo.session("hq.planner"), start)
    await seed_demo_sampling(demo)
    await seed_demo_archive(demo, await seed_demo_results(demo))
    return await SurveillanceTask.all().count()


async def _relocation(east: Session, start) -> None:
    factory = await Factory.get(code="E007")
    certs = await Certificate.filter(factory_id=factory.id, status__in=planning.LIVE_CERTIFICATES).values_list(
        "id", flat=True
    )
    task = await planning.create_task(
        east,
        factory_id=factory.id,
        kind=TaskKind.RELOCATION,
        certificate_ids=list(certs),
        due_on=start + timedelta(days=30),
        planned_start=start + timedelta(days=20),
        planned_end=start + timedelta(days=21),
        trigger=None,
        trigger_details=None,
        with_sampling=True,
        requirements="Relocated to a new site in Qingdao",
    )
    await lifecycle.issue_task(east, task_id=task.id, expected_version=task.version)


async def _delegated(hq: Session, start) -> None:
    factory = await Factory.get(code="D001")
    certs = await Certificate.filter(factory_id=factory.id, status__in=planning.LIVE_CERTIFICATES).values_list(
        "id", flat=True
    )
    task = await planning.create_task(
        hq,
        factory_id=factory.id,
        kind=TaskKind.SPECIAL,
        certificate_ids=list(certs),
        due_on=start + timedelta(days=40),
        planned_start=start + timedelta(days=25),
        planned_end=start + timedelta(days=26),
        trigger=SpecialTrigger.COMPLAINT,
        trigger_details="Importer complaint about insulation thickness",
        with_sampling=False,
        requirements="Measure insulation thickness on three production lots",
    )
    task = await lifecycle.delegate_task(
        hq,
        task_id=task.id,
        expected_version=task.version,
        agency_code="agency-de",
        reason="Executed by our German partner",
    )
    task = await lifecycle.issue_task(hq, task_id=task.id, expected_version=task.version)
    await team.assign_team(
        hq, task_id=task.id, expected_version=task.version, leader="agency.de.inspector", members=[], reason=None
    )
