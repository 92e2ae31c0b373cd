"""Presenters: rows → GraphQL objects, with the viewer's field-level visibility, for every
type — the one home for both (docs/architecture.md, "Presenters").

The GraphQL context holds one `Presenters` per request (`info.context.present`), so types and
resolvers share its per-request look-ups (category codes) and never build an object another
way. Each method takes a batch of rows and decides visibility once for the batch: a
`read` scope, a set of readable ids — never a decision per row or per field."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from domain.tasks import OPEN, TaskStatus
from schema import archive_types, checklist_types, enums, reference_types, sample_types, task_types, types
from schema import purchase_types as pt
from schema.reference_types import SamplingScheme
from schema.relay import to_global_id
from schema.sample_types import SampleStatus
from schema.types import OrgUnit, ProductCategory
from services import lookups, people, samples
from services.archive import problems
from services.clock import today
from services.factories import class_readable
from services.purchases import queries as purchase_queries
from services.purchases.queries import WorkBundle
from services.results import queries as result_queries
from services.tasks import queries as task_queries


class Presenters:
    def __init__(self, context) -> None:
        self._context = context  # the GraphQL context: the viewer's session and loaders
        self._codes: asyncio.Future[dict[int, str]] | None = None

    @property
    def _session(self):
        return self._context.require_session

    async def factories(self, rows: list) -> list[types.Factory]:
        """Class visibility and responsible units looked up once for the batch."""
        readable = await class_readable(self._session, rows)
        units = await self._context.loaders.unit.load_many([r.responsible_unit_id for r in rows])
        return [
            types.Factory.from_model(r, class_visible=r.id in readable, unit=u)
            for r, u in zip(rows, units, strict=True)
        ]

    async def tasks(self, rows: list) -> list[task_types.Task]:
        """Internal fields and the risk assessment only where the viewer may read them."""
        rows = [r for r in rows if r is not None]
        internal = await task_queries.internal_readable(self._session, rows)
        risk = await result_queries.risk_readable(self._session, rows)
        now = today()
        return [
            task_types.Task.from_model(
                r,
                internal=r.id in internal,
                overdue=r.due_on < now and TaskStatus(r.status) in OPEN,
                risk=r.id in risk,
            )
            for r in rows
        ]

    async def clauses(self, rows) -> list[reference_types.SurveillanceClause]:
        codes = await self._category_codes()
        return [reference_types.SurveillanceClause.from_model(r, codes.get(r.product_category_id)) for r in rows]

    async def schemes(self, rows) -> list[reference_types.SamplingScheme]:
        codes = await self._category_codes()
        return [reference_types.SamplingScheme.from_model(r, codes[r.product_category_id]) for r in rows]

    async def samples(self, rows) -> list[sample_types.Sample]:
        """A buyer who ships what they bought sees its custody, not the lab's findings: those
        need `sample read` in one of the sample's units."""
        session, now = self._session, today()
        readers = await session.perms.unit_ids("read", samples.KIND)
        return [
            sample_types.Sample.from_model(
                r,
                samples.report_deadline(r.received_at, r.reported_at, now, session.config),
                lab_details=any(getattr(r, c) in readers for c in samples.SAMPLE_DOMAIN_COLUMNS),
            )
            for r in rows
        ]

    async def purchase_assignments(self, rows) -> list[pt.PurchaseAssignment]:
        """Purchase work with what its buyer needs (target, schemes, lab), in one bundle."""
        bundle = await purchase_queries.bundle(rows)
        return _assignments(rows, bundle, await self._buyers(bundle))

    async def purchases(self, assignments, purchase_ids) -> dict[int, pt.Purchase]:
        """The purchases among `purchase_ids` made under `assignments` (already scoped)."""
        bundle = await purchase_queries.bundle(assignments)
        buyers = await self._buyers(bundle)
        made = [p for rows in bundle.purchases.values() for p in rows if p.id in purchase_ids]
        return {p.id: _purchase(p, bundle, buyers) for p in made}

    async def _buyers(self, bundle: WorkBundle) -> dict[int, types.Person]:
        return dict(zip(bundle.users, await self.people(list(bundle.users.values())), strict=True))

    async def checklist(self, rows) -> list[checklist_types.ChecklistItem]:
        """Items with the people who answered them (one look-up of their units per batch)."""
        answered = [r.answered_by for r in rows if r.answered_by_id]
        people = dict(zip([u.id for u in answered], await self.people(answered), strict=True)) if answered else {}
        return [checklist_types.ChecklistItem.from_model(r, people.get(r.answered_by_id)) for r in rows]

    async def people(self, rows) -> list[types.Person]:
        """People with their units (one look-up per batch) and the roles they hold in units whose
        people the viewer may read (from the policy in memory)."""
        session = self._session
        units = await self._context.loaders.unit.load_many([r.unit_id for r in rows])
        readable = await session.perms.unit_ids("read", people.KIND)  # e-mail addresses: as the directory
        return [
            types.Person(
                id=to_global_id("Person", r.id),
                login=r.login,
                display_name=r.display_name,
                active=r.active,
                unit=OrgUnit.from_model(u),
                roles=[
                    types.HeldRole(role=enums.Role(role), unit_code=code)
                    for role, code in people.roles_of(session, r.id)
                ],
                email=r.email if r.unit_id in readable else None,
            )
            for r, u in zip(rows, units, strict=True)
        ]

    async def problem_reports(self, rows) -> list[archive_types.ProblemReport]:
        """The linked tasks' numbers only where the viewer may read the task (one scoped look-up)."""
        messages = await problems.messages_of([r.id for r in rows])
        units = await lookups.unit_codes({r.unit_id for r in rows})
        filers = await lookups.user_logins({r.filed_by_id for r in rows})
        linked = sorted({i for r in rows for i in r.task_ids})
        readable = await task_queries.visible_tasks(self._session, linked) if linked else {}
        numbers = {i: t.number for i, t in readable.items()}
        return [
            archive_types.ProblemReport.from_model(
                r, units[r.unit_id], filers[r.filed_by_id], messages.get(r.id, []), numbers
            )
            for r in rows
        ]

    def _category_codes(self) -> asyncio.Future[dict[int, str]]:
        # One look-up per request, shared by every task of a list (avoids an N+1).
        if self._codes is None:
            self._codes = asyncio.ensure_future(lookups.category_codes())
        return self._codes


def _assignments(rows, b: WorkBundle, buyers: dict[int, types.Person]) -> list[pt.PurchaseAssignment]:
    return [_assignment(r, b, buyers) for r in rows]


def _assignment(a, b: WorkBundle, buyers: dict[int, types.Person]) -> pt.PurchaseAssignment:
    task = b.tasks[a.task_id]
    factory = b.factories[task.factory_id]
    category = b.categories.get(task.sample_category_id) if task.sample_category_id else None
    certs = [
        pt.PurchaseCertificate(
            number=c.number, holder=c.holder, product_category=_category(b.categories[c.product_category_id])
        )
        for c in b.certificates.get(task.id, [])
    ]
    schemes = b.schemes.get(category.id, []) if category else []
    return pt.PurchaseAssignment(
        id=to_global_id("PurchaseAssignment", a.id),
        status=pt.AssignmentStatus(a.status),
        version=a.version,
        buyer=b.users[a.buyer_id].login,
        buyer_person=buyers[a.buyer_id],
        assigned_at=a.assigned_at,
        instructions=a.instructions,
        closed_at=a.closed_at,
        close_reason=a.close_reason,
        task_id=to_global_id("Task", task.id),
        task_number=task.number,
        planned_start=task.planned_start,
        planned_end=task.planned_end,
        due_on=task.due_on,
        quantity=task.sample_quantity,
        product_category=_category(category) if category else None,
        sampling_schemes=[SamplingScheme.from_model(s, category.code) for s in schemes],
        target=pt.PurchaseTarget(factory_code=factory.code, manufacturer=factory.name, certificates=certs),
        lab=OrgUnit.from_model(b.units[task.lab_id]) if task.lab_id else None,
        purchases=[_purchase(p, b, buyers) for p in b.purchases.get(a.id, [])],
    )


def _purchase(p, b: WorkBundle, buyers: dict[int, types.Person]) -> pt.Purchase:
    files = [_file(d) for d in b.documents.get(p.id, [])]
    return pt.Purchase(
        id=to_global_id("Purchase", p.id),
        shop_name=p.shop_name,
        shop_address=p.shop_address,
        latitude=p.latitude,
        longitude=p.longitude,
        gps_accuracy_meters=p.gps_accuracy_m,
        purchased_at=p.purchased_at,
        recorded_at=p.recorded_at,
        price=Decimal(p.price_cents).scaleb(-2),
        currency=p.currency,
        receipt_number=p.receipt_number,
        buyer=b.users[p.buyer_id].login,
        buyer_person=buyers[p.buyer_id],
        receipt=next((f for f in files if f.purpose == "RECEIPT"), None),
        photos=[f for f in files if f.purpose == "PRODUCT_PHOTO"],
        samples=[_sample(s) for s in b.samples.get(p.id, [])],
    )


def _category(c) -> ProductCategory:
    return ProductCategory.from_model(c)


def _file(d) -> pt.PurchaseFile:
    return pt.PurchaseFile(
        id=to_global_id("Document", d.id),
        purpose=d.purpose,
        filename=d.filename,
        content_type=d.content_type,
        size=d.size,
        sha256=d.sha256,
        download_url=f"/documents/{d.id}",
    )


def _sample(s) -> pt.PurchasedSample:
    return pt.PurchasedSample(
        id=to_global_id("Sample", s.id),
        identifier=s.identifier,
        seal_number=s.seal_number,
        quantity=s.quantity,
        status=SampleStatus(s.status),
        carrier=s.carrier,
        tracking_number=s.tracking_number,
        shipped_at=s.shipped_at,
        version=s.version,
    )
