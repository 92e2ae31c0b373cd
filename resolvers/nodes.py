"""node(id) / nodes(ids): every type resolves through the same scoped services as lists,
so a global ID is no way around authorization (no IDOR). Unknown, invalid and invisible
IDs all answer null."""

from __future__ import annotations

from collections import defaultdict

from resolvers.notice_presenter import present
from schema import types
from schema.relay import InvalidId, from_global_id
from services import certificates, factories, lookups, org_units, people, samples
from services.archive import problems
from services.checklists import queries as checklist_queries
from services.errors import AuthorizationError
from services.notices import inbox
from services.purchases import queries as purchase_queries
from services.tasks import queries as task_queries


async def _factories(context, ids):
    found = list((await factories.visible_factories(context.require_session, ids)).values())
    return {row.id: f for row, f in zip(found, await context.present.factories(found), strict=True)}


async def _certificates(context, ids):
    found = await certificates.visible_certificates(context.require_session, ids)
    return {k: types.Certificate.from_model(v) for k, v in found.items()}


async def _units(context, ids):
    units = (await org_units.visible_units(context.require_session)).filter(id__in=ids)
    return {u.id: types.OrgUnit.from_model(u) for u in await units}


async def _categories(context, ids):
    return {c.id: types.ProductCategory.from_model(c) for c in await lookups.categories(ids)}


async def _audit(context, ids):
    return {a.id: types.AuditEntry.from_model(a) for a in await lookups.audit_entries(context.require_session, ids)}


async def _rules(context, ids):
    return {r.id: types.PolicyRule.from_model(r) for r in await lookups.policy_rules(context.require_session, ids)}


async def _tasks(context, ids):
    found = list((await task_queries.visible_tasks(context.require_session, ids)).values())
    return {row.id: t for row, t in zip(found, await context.present.tasks(found), strict=True)}


async def _purchase_assignments(context, ids):
    found = list((await purchase_queries.by_ids(context.require_session, ids)).values())
    return {row.id: p for row, p in zip(found, await context.present.purchase_assignments(found), strict=True)}


async def _samples(context, ids):
    """The samples the `samples` list shows this viewer, presented the same way."""
    rows = await (await samples.visible_samples(context.require_session, {"id__in": ids})).select_related("taken_by")
    return {row.id: p for row, p in zip(rows, await context.present.samples(rows), strict=True)}


async def _purchases(context, ids):
    """A purchase is seen by whoever sees its purchase work: its buyer and the task's staff."""
    owners = await lookups.purchase_owners(ids)
    visible = await purchase_queries.by_ids(context.require_session, list(set(owners.values())))
    return await context.present.purchases(list(visible.values()), set(owners))


async def _disputes(context, ids):
    from schema.result_types import Dispute as DisputeType

    rows = await lookups.disputes(ids)
    visible = await task_queries.visible_tasks(context.require_session, list({d.task_id for d in rows}))
    return {d.id: DisputeType.from_model(d) for d in rows if d.task_id in visible}


async def _problem_reports(context, ids):
    rows = await (await problems.visible_reports(context.require_session)).filter(id__in=ids)
    return {r.id: p for r, p in zip(rows, await context.present.problem_reports(rows), strict=True)}


async def _people(context, ids):
    visible = await people.directory(context.require_session, people.PeopleFilter(active=None))
    rows = await visible.filter(id__in=ids)
    return {r.id: p for r, p in zip(rows, await context.present.people(rows), strict=True)}


async def _checklist_items(context, ids):
    """Items of tasks the viewer reads with their internal fields (never the enterprise)."""
    session = context.require_session
    rows = await checklist_queries.items_by_ids(ids)
    visible = await task_queries.visible_tasks(session, list({r.task_id for r in rows}))
    internal = await task_queries.internal_readable(session, list(visible.values()))
    rows = [r for r in rows if r.task_id in internal]
    return {r.id: p for r, p in zip(rows, await context.present.checklist(rows), strict=True)}


async def _notifications(context, ids):
    """The reader's own notices only; anyone else's id answers like a missing one."""
    session = context.require_session
    language = await inbox.reader_language(session, context.accept_language)
    return {e.id: present(e, language) for e in await inbox.own_entries(session, ids)}


RESOLVERS = {
    "Notification": _notifications,
    "ChecklistItem": _checklist_items,
    "Person": _people,
    "Sample": _samples,
    "Purchase": _purchases,
    "ProblemReport": _problem_reports,
    "Dispute": _disputes,
    "PurchaseAssignment": _purchase_assignments,
    "Task": _tasks,
    "Factory": _factories,
    "Certificate": _certificates,
    "OrgUnit": _units,
    "ProductCategory": _categories,
    "AuditEntry": _audit,
    "PolicyRule": _rules,
}


async def resolve_nodes(context, global_ids: list[str]) -> list:
    """`context` is the GraphQL context: the viewer's session plus its loaders."""
    wanted: dict[str, list[int]] = defaultdict(list)
    keys = []
    for gid in global_ids:
        try:
            type_name, db_id = from_global_id(gid)
        except InvalidId:
            keys.append(None)
            continue
        keys.append((type_name, db_id))
        if type_name in RESOLVERS:
            wanted[type_name].append(db_id)
    found: dict[tuple[str, int], object] = {}
    for type_name, ids in wanted.items():
        try:
            objects = await RESOLVERS[type_name](context, ids)
        except AuthorizationError:
            objects = {}
        for db_id, obj in objects.items():
            found[(type_name, db_id)] = obj
    return [found.get(k) if k else None for k in keys]
