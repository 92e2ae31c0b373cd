"""Fair use (issue G): budgets in query-cost points a minute, per user and per foreign agency,
shared by every process (server/limiter.py). README, "Budgets (fair use)".

Who is which kind of user, from the unit the person belongs to and the roles they hold:

- a foreign agency's people (境外委托机构) and a lab's (检测机构): `agency` (SURVEIL_BUDGET_AGENCY),
  each person's budget and, as well, one budget shared by everybody of that unit: an outside
  organisation commissioned by the certification body gets one allowance however many logins it
  hands out;
- an enterprise's people (生产企业): `enterprise`;
- in HQ or a sub-centre, someone who holds the market-buyer role only (the buying-sample app's
  users): `buyer`;
- everybody else in HQ or a sub-centre: `staff`;
- in HQ or a sub-centre, a person holding no role at all (e.g. signed in once through the
  identity provider): the smallest of the budgets: they may do nothing yet.

A signed-in request spends its document's estimated cost (server/query_limits.py, computed once
by DocumentLimits, server/document_limits.py) before it runs; over a budget it is refused with RATE_LIMITED and
`extensions.retryAfter` (HTTP 429 and Retry-After). Every answer carries `extensions.cost` and,
when a budget was counted, `extensions.budget` {limit, remaining, resetSeconds}. Anonymous
requests (`{ __typename }` only, 4 KB at most) are not charged and their answers carry no
extensions: they cost nothing to serve, and a look-up in Redis would cost more than the answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from domain.enums import Role, UnitKind
from domain.errors import msg
from server.graphql_errors import refusal
from server.limiter import SharedLimiter, Spent
from server.settings import Settings

WINDOW_SECONDS = 60  # budgets are points a minute
OVER_BUDGET = msg("You have used your query budget of {limit} points a minute: try again in {seconds} s")
AGENCY_OVER_BUDGET = msg(
    "Your organisation has used its shared query budget of {limit} points a minute: try again in {seconds} s"
)


def budget_kind(unit_kind: str, roles: set[str]) -> str:
    """staff | agency | enterprise | buyer (see the module's text)."""
    if unit_kind in (UnitKind.FOREIGN_AGENCY, UnitKind.LAB):
        return "agency"
    if unit_kind == UnitKind.ENTERPRISE:
        return "enterprise"
    if roles and roles <= {Role.MARKET_BUYER.value}:
        return "buyer"
    return "staff"


class Budgets:
    """The budgets the settings give, spent through one SharedLimiter."""

    def __init__(self, settings: Settings, limiter: SharedLimiter) -> None:
        self.limiter = limiter
        # user id -> (template, limit, budget scope, key) of a refusal this process just gave
        self._refused: dict[int, tuple[str, int, str, str]] = {}
        self.limits = {
            "staff": settings.budget_staff,
            "agency": settings.budget_agency,
            "enterprise": settings.budget_enterprise,
            "buyer": settings.budget_buyer,
        }

    async def charge(self, session, roles: set[str], cost: int) -> tuple[Spent | None, str | None]:
        """(what the person's budget says, the refusal's template when refused); (None, None)
        when this kind of user has no budget."""
        actor = session.actor
        kind = budget_kind(actor.unit_kind, roles)
        if kind == "staff" and not roles:  # may do nothing yet: the smallest budget there is
            limit = min((n for n in self.limits.values() if n > 0), default=0)
        else:
            limit = self.limits[kind]
        if limit <= 0:
            return None, None
        shared = kind == "agency"
        if shared:  # the unit's budget is looked at first, so that a refusal costs the person nothing
            unit = await self.limiter.check("budget-unit", limit, WINDOW_SECONDS, cost, actor.unit_code)
            if not unit.allowed:
                return unit, AGENCY_OVER_BUDGET
        spent = await self.limiter.spend("budget-user", limit, WINDOW_SECONDS, cost, str(actor.user_id))
        if not spent.allowed:
            return spent, OVER_BUDGET
        if shared:
            unit = await self.limiter.spend("budget-unit", limit, WINDOW_SECONDS, cost, actor.unit_code)
            if not unit.allowed:  # another member spent it meanwhile
                return unit, AGENCY_OVER_BUDGET
            if unit.counted and spent.counted and unit.remaining < spent.remaining:
                spent = unit  # what the person can still do is the smaller of the two
        return spent, None

    def note_refusal(self, session, template: str, limit: int) -> None:
        """This person was just refused: until their budget has room again, their requests are
        refused before anything is parsed (a refused client must not keep the server validating
        documents, which are charged only once they are valid)."""
        if len(self._refused) > MAX_REMEMBERED:
            self._refused.clear()  # a flood of refused people: forgetting only costs a parse each
        scope, key = ("budget-unit", session.actor.unit_code) if template == AGENCY_OVER_BUDGET else (
            "budget-user", str(session.actor.user_id))  # fmt: skip
        self._refused[session.actor.user_id] = (template, limit, scope, key)

    async def still_refused(self, user_id: int) -> tuple[int, str, int] | None:
        """(seconds to wait, the refusal's template, its limit) while a person refused a moment ago
        has no point left; None otherwise, or when the budgets' store cannot tell (fail open)."""
        noted = self._refused.get(user_id)
        if noted is None:
            return None
        template, limit, scope, key = noted
        state = await self.limiter.check(scope, limit, WINDOW_SECONDS, 1, key)
        if state.allowed or not state.counted:
            self._refused.pop(user_id, None)
            return None
        return state.retry_after or 1, template, limit


MAX_REMEMBERED = 10_000  # refused people remembered at once; expired ones are swept past this


def _budget_payload(spent: Spent | None) -> dict | None:
    if spent is None or not spent.counted:
        return None
    return {"limit": spent.limit, "remaining": spent.remaining, "resetSeconds": spent.reset}


class ChargeBudget(SchemaExtension):
    """Spends the request's budget after DocumentLimits has estimated the cost and validated the
    document, before anything runs; adds `cost` and `budget` to the answer's extensions."""

    def __init__(self) -> None:
        self.cost: int | None = None
        self.spent: Spent | None = None

    async def on_validate(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context = ctx.context
        session = getattr(context, "session", None)
        # Anonymous requests are charged nothing and told nothing: their answer stays as it was.
        self.cost = getattr(ctx, "query_cost", None) if session is not None else None
        request = getattr(context, "request", None)
        budgets = _budgets_of(request)
        # Charged when the document was estimated, valid or not (validation is work too).
        if self.cost is not None and session is not None and budgets is not None:
            roles = {role for role, _ in context.sync.authorizer.roles_of(session.actor.user_id)}
            self.spent, refused = await budgets.charge(session, roles, self.cost)
            if refused is not None:
                wait = self.spent.retry_after
                budgets.note_refusal(session, refused, self.spent.limit)
                ctx.pre_execution_errors = [
                    refusal(refused, {"code": "RATE_LIMITED", "retryAfter": wait}, limit=self.spent.limit, seconds=wait)
                ]
                response = getattr(getattr(request, "state", None), "graphql_response", None)
                if isinstance(response, Response):  # HTTP (a websocket's refusal travels in its message)
                    response.status_code = 429
                    response.headers["Retry-After"] = str(wait)
        yield

    def get_results(self) -> dict:
        if self.cost is None:
            return {}
        return {"cost": self.cost, "budget": _budget_payload(self.spent)}


def _budgets_of(request) -> Budgets | None:
    app = getattr(request, "scope", {}).get("app") if request is not None else None
    return getattr(getattr(app, "state", None), "budgets", None)
