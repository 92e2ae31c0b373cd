"""Root Query: thin resolvers over services."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.enums import CertificateStatus, FactoryClass, FactoryStatus, Role, UnitKind
from resolvers.nodes import resolve_nodes
from schema import enums, inputs, types
from schema.relay import MAX_PAGE, Connection, InvalidId, Node, build_connection, from_cursor, from_global_id
from services import audit_queries, authorization, certificates, factories, lookups, org_units, people, policy_admin
from services.errors import BadInput
from services.i18n import known_language


def _asks_for(selections, name: str) -> bool:
    """Whether a field is selected directly, or through a fragment, on this level."""
    for selection in selections:
        if getattr(selection, "name", None) == name:
            return True
        if not hasattr(selection, "arguments") and _asks_for(selection.selections, name):  # a fragment
            return True
    return False


def page_request(info: strawberry.Info, first, after, last, before) -> lookups.PageRequest:
    info.context.check_page_size(first, last)
    count = any(_asks_for(field.selections, "totalCount") for field in info.selected_fields)
    try:
        return lookups.PageRequest(
            first=first, after=from_cursor(after), last=last, before=from_cursor(before), count=count
        )
    except InvalidId as exc:
        raise BadInput(str(exc), "after") from None


def global_db_id(global_id: str | None, expected_type: str, field: str) -> int | None:
    if global_id is None:
        return None
    try:
        type_name, db_id = from_global_id(global_id)
    except InvalidId:
        raise BadInput("{field} is not a valid id", field, field=field) from None
    if type_name != expected_type:
        raise BadInput("{field} is not a {type} id", field, field=field, type=expected_type)
    return db_id


def _connection(page, convert) -> Connection:
    return build_connection(page.items, convert, page.total, page.has_next, page.has_previous)


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in person, their unit and roles.")
    async def viewer(self, info: strawberry.Info) -> types.Viewer:
        user, unit, roles = await authorization.viewer_profile(info.context.require_session)
        return types.Viewer(
            login=user.login,
            display_name=user.display_name,
            unit=types.OrgUnit.from_model(unit),
            roles=[types.HeldRole(role=enums.Role(r), unit_code=u) for r, u in roles],
            language=enums.Language(stored) if (stored := known_language(user.language)) else None,
            effective_language=enums.Language(info.context.language),
        )

    @strawberry.field(description="Any object by global ID; null if unknown or not visible to you.")
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global ID, as every object's `id` gives it.")],
    ) -> Node | None:
        return (await resolve_nodes(info.context, [id]))[0]

    @strawberry.field(description=f"Several objects by global ID (at most {MAX_PAGE}).")
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="Global IDs, at most 100; the answer keeps their order, null for one you may not see."
            ),
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise BadInput("at most {limit} ids", "ids", limit=MAX_PAGE)
        return await resolve_nodes(info.context, ids)

    @strawberry.field(description="Organisational units 组织单位.")
    async def org_units(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        kind: Annotated[
            enums.UnitKind | None, strawberry.argument(description="Only units of this kind 组织单位类型.")
        ] = None,
    ) -> Connection[types.OrgUnit]:
        qs = await org_units.visible_units(info.context.require_session)
        if kind is not None:
            qs = qs.filter(kind=UnitKind(kind.value))
        page = await lookups.paginate(qs, page_request(info, first, after, last, before))
        return _connection(page, types.OrgUnit.from_model)

    @strawberry.field(
        description="人员 Staff you may choose from: a planner sees their unit's people; HQ's planners, "
        "policy administrators and auditors the staff of every sub-centre, agency, lab and HQ "
        "(enterprises' people are not in the directory); others see no one."
    )
    async def people(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Annotated[
            inputs.PeopleFilter | None,
            strawberry.argument(description="Conditions the people must meet; omitted, everyone you may see."),
        ] = None,
    ) -> Connection[types.Person]:
        f = filter or inputs.PeopleFilter()
        flt = people.PeopleFilter(
            unit_code=f.unit_code,
            role=Role(f.role.value) if f.role else None,
            search=f.search,
            active=None if f.include_deactivated else True,
        )
        qs = await people.directory(info.context.require_session, flt)
        page = await lookups.paginate(qs, page_request(info, first, after, last, before))
        presented = iter(await info.context.present.people(page.items))
        return _connection(page, lambda _: next(presented))

    @strawberry.field(description="Product categories 产品类别.")
    async def product_categories(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[types.ProductCategory]:
        _ = info.context.require_session  # authenticated callers only
        page = await lookups.paginate(await lookups.categories(), page_request(info, first, after, last, before))
        return _connection(page, types.ProductCategory.from_model)

    @strawberry.field(description="Factories 工厂 you may see (your jurisdiction; HQ: all).")
    async def factories(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Annotated[
            inputs.FactoryFilter | None,
            strawberry.argument(description="Conditions the factories must meet; omitted, every factory you may see."),
        ] = None,
    ) -> Connection[types.Factory]:
        f = filter or inputs.FactoryFilter()
        flt = factories.FactoryFilter(
            responsible_unit=f.responsible_unit,
            country=f.country,
            province=f.province,
            classification=FactoryClass(f.classification.value) if f.classification else None,
            status=FactoryStatus(f.status.value) if f.status else None,
            search=f.search,
        )
        page_req = page_request(info, first, after, last, before)
        page = await factories.list_factories(info.context.require_session, flt, page_req)
        # Nested certificate.factory fields then need no second look-up of these rows.
        info.context.loaders.factory.prime_many({f.id: f for f in page.items})
        presented = iter(await info.context.present.factories(page.items))
        return _connection(page, lambda _: next(presented))

    @strawberry.field(description="Certificates 证书 you may see.")
    async def certificates(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Annotated[
            inputs.CertificateFilter | None,
            strawberry.argument(
                description="Conditions the certificates must meet; omitted, every certificate you may see."
            ),
        ] = None,
    ) -> Connection[types.Certificate]:
        f = filter or inputs.CertificateFilter()
        flt = certificates.CertificateFilter(
            status=CertificateStatus(f.status.value) if f.status else None,
            factory_id=global_db_id(f.factory_id, "Factory", "factoryId"),
            product_category=f.product_category,
            search=f.search,
            suspension_expired=f.suspension_expired,
        )
        page_req = page_request(info, first, after, last, before)
        page = await certificates.list_certificates(info.context.require_session, flt, page_req)
        return _connection(page, types.Certificate.from_model)

    @strawberry.field(description="Timeline 审计轨迹 of one object you may see: who changed what, when, why.")
    async def audit_trail(
        self,
        info: strawberry.Info,
        object_id: Annotated[
            strawberry.ID, strawberry.argument(description="Global ID of the object whose history you want.")
        ],
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[types.AuditEntry]:
        page_req = page_request(info, first, after, None, None)
        visible = (await resolve_nodes(info.context, [object_id]))[0]
        if visible is None:
            return build_connection([], None, 0, False, False)
        type_name, db_id = from_global_id(object_id)
        audit_type = types.AUDIT_TYPE.get(type_name, type_name)
        hidden, excluded, internal = await audit_queries.hidden_for_viewer(
            info.context.require_session, audit_type, db_id
        )
        if internal:
            return build_connection([], None, 0, False, False)
        page = await audit_queries.trail_of(audit_type, db_id, page_req, excluded)
        return _connection(page, lambda m: types.AuditEntry.from_model(m, hidden))

    @strawberry.field(description="The whole audit log (auditors, policy administrators).")
    async def audit_log(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        action: Annotated[
            str | None,
            strawberry.argument(description="Only records of this action, by its stored name (`task.create`)."),
        ] = None,
    ) -> Connection[types.AuditEntry]:
        page_req = page_request(info, first, after, None, None)
        page = await audit_queries.whole_log(info.context.require_session, page_req, action)
        return _connection(page, types.AuditEntry.from_model)

    @strawberry.field(description="The policy lines in force 授权策略 (policy administrators).")
    async def policy_rules(self, info: strawberry.Info) -> list[types.PolicyRule]:
        rules = await policy_admin.list_rules(info.context.require_session)
        return [types.PolicyRule.from_model(r) for r in rules]

    @strawberry.field(description="May I do ACTION on this object, and by which policy line?")
    async def authorization(
        self,
        info: strawberry.Info,
        action: Annotated[
            str,
            strawberry.argument(
                description="The action to ask about (read, plan, decide, ...), as the policy names it."
            ),
        ],
        object_id: Annotated[strawberry.ID, strawberry.argument(description="Global ID of the object.")],
    ) -> types.AuthorizationDecision:
        try:
            type_name, db_id = from_global_id(object_id)
        except InvalidId:
            raise BadInput("objectId is not a valid id", "objectId") from None
        kind, decision = await authorization.explain(info.context.require_session, action, type_name, db_id)
        return types.AuthorizationDecision(
            allowed=decision.allowed,
            action=action,
            object_kind=kind,
            rule=list(decision.rule) if decision.rule else None,
            domain=decision.domain,
        )
