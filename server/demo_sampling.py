"""Demo sampling work, through the same services as the API: HQ's sampling schemes, a
factory sampling task with a sample at each custody step (two reported: one passed, one
failed with a marking non-conformity), and a market purchase in progress by buyer.east."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.tasks import SamplingMethod, SamplingSite, TaskKind
from services import clock, reference, samples
from services.purchases import assignments, recording
from services.tasks import lifecycle, planning, team
from store.models import Certificate, Factory, ProductCategory

SCHEMES = [
    ("C01", "Wires and cables: surveillance sampling", ["conductor resistance", "insulation thickness", "marking"], 3),
    ("C08", "Audio and video equipment: surveillance sampling", ["electric shock protection", "marking"], 2),
    ("C09", "IT equipment: surveillance sampling", ["touch current", "heating", "marking"], 2),
]
# Tiny but real files: the demo receipt (PDF) and product photo (PNG) are served like uploads.
RECEIPT_PDF = b"%PDF-1.4\n% demo receipt: Hangzhou Digital Mall, invoice 0042\n%%EOF\n"
PHOTO_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def seed_demo_sampling(demo) -> None:
    hq = await demo.session("hq.planner")
    for category, title, items, quantity in SCHEMES:
        await reference.upsert_scheme(
            hq,
            category=category,
            title=title,
            test_items=items,
            quantity=quantity,
            sites=[SamplingSite.FACTORY, SamplingSite.MARKET],
            reason="Demo scheme",
        )
    await _factory_sampling(demo)
    await _market_purchase(demo)


async def _sampling_task(demo, code: str, site: SamplingSite, method: SamplingMethod, lab: str):
    east = await demo.session("east.planner")
    factory = await Factory.get(code=code)
    certs = await Certificate.filter(factory_id=factory.id, status__in=planning.LIVE_CERTIFICATES)
    today = clock.today()
    task = await planning.create_task(
        east,
        factory_id=factory.id,
        kind=TaskKind.SAMPLING,
        certificate_ids=[c.id for c in certs],
        due_on=today + timedelta(days=60),
        planned_start=today,
        planned_end=today + timedelta(days=7),
        trigger=None,
        trigger_details=None,
        with_sampling=True,
        requirements="Surveillance sampling 2026",
    )
    task = await lifecycle.issue_task(east, task_id=task.id, expected_version=task.version)
    category = await ProductCategory.get(id=certs[0].product_category_id)
    return await samples.set_sampling_details(
        east,
        task_id=task.id,
        expected_version=task.version,
        site=site,
        method=method,
        category_code=category.code,
        quantity=2,
        lab_code=lab,
    )


async def _factory_sampling(demo) -> None:
    """E010: six samples, one resting at each custody step, two of them reported."""
    east = await demo.session("east.planner")
    task = await _sampling_task(demo, "E010", SamplingSite.FACTORY, SamplingMethod.SAMPLING, "east-lab-1")
    task = await team.assign_team(
        east, task_id=task.id, expected_version=task.version, leader="east.inspector1", members=[], reason=None
    )
    inspector, lab = await demo.session("east.inspector1"), await demo.session("lab.east1")
    task = await lifecycle.start_task(inspector, task_id=task.id, expected_version=task.version)
    stops = ["SEALED", "SHIPPED", "RECEIVED", "TESTING", "PASSED", "FAILED"]
    for n, stop in enumerate(stops, start=1):
        sample = await samples.record_sample(
            inspector,
            task_id=task.id,
            identifier=f"DEMO-E010-{n}",
            seal_number=f"F-E010-{n}",
            quantity=2,
            place="Finished goods",
        )
        if stop == "SEALED":
            continue
        sample = await samples.ship_sample(
            inspector,
            sample_id=sample.id,
            expected_version=sample.version,
            carrier="SF Express",
            tracking=f"SF-DEMO-{n}",
        )
        if stop == "SHIPPED":
            continue
        sample = await samples.receive_sample(
            lab, sample_id=sample.id, expected_version=sample.version, condition="Seals intact, packaging dry"
        )
        if stop == "RECEIVED":
            continue
        sample = await samples.start_testing(lab, sample_id=sample.id, expected_version=sample.version)
        if stop == "TESTING":
            continue
        passed = stop == "PASSED"
        items = [("conductor resistance", True), ("insulation thickness", True), ("marking", passed)]
        await samples.submit_report(
            lab,
            sample_id=sample.id,
            expected_version=sample.version,
            items=items,
            passed=passed,
            marking_nonconformity=not passed,
            document=None,
        )


async def _market_purchase(demo) -> None:
    """E008: buyer.east bought once at a Hangzhou mall and is still out buying."""
    east = await demo.session("east.planner")
    task = await _sampling_task(demo, "E008", SamplingSite.MARKET, SamplingMethod.PURCHASE, "east-lab-2")
    assignment = await assignments.assign_buyer(
        east,
        task_id=task.id,
        expected_version=task.version,
        buyer_login="buyer.east",
        instructions="Buy two units of a current model; keep the receipt",
    )
    facts = recording.PurchaseFacts(
        shop_name="Hangzhou Digital Mall, unit 3-17",
        shop_address="1 Wensan Rd, Hangzhou",
        latitude=30.2797,
        longitude=120.1312,
        gps_accuracy_m=12.0,
        purchased_at=datetime.now(UTC),
        price=Decimal("2399.00"),
        currency="CNY",
        receipt_number="HZDM-0042",
        receipt=recording.Upload(RECEIPT_PDF, "receipt.pdf", None),
        photos=[recording.Upload(PHOTO_PNG, "front.png", None)],
        samples=[recording.BoughtSample("DEMO-E008-1", "F-E008-1", 1)],
    )
    await recording.record_purchase(
        await demo.session("buyer.east"),
        assignment_id=assignment.id,
        facts=facts,
    )
