"""The one path every command takes (docs/architecture.md, "The use-case runner").

A command is a handler declared with `@command(...)`:

    @command(gate="Task", action="start")
    async def start_task(work: Work, *, task_id: int, expected_version: int) -> SurveillanceTask:
        ...  # the rule and the state change, recorded with audit_log.record

and called as `await start_task(session, task_id=..., expected_version=...)`. The runner

1. opens the transaction (one per command; a command run inside another nests as a savepoint);
2. authorizes: opens the object through its gate (`services/gates.py`: one the caller may not
   read answers like a missing one, an action the policy does not give is FORBIDDEN), and/or
   runs the command's own `authorize` (commands that create rather than open something, or
   whose action depends on the object's state);
3. checks `expected_version` against the opened object;
4. runs the handler with a `Work` (the session and the opened object);
5. refuses to commit a command that recorded no audit event, unless it declared that it
   changed nothing (`work.nothing_changed()`).

Idempotency keys are applied around the whole command by the mutation runner
(`resolvers/plumbing.py`), in the same transaction.

Declaring a command without a gate or an `authorize` fails at import time, as does a handler
whose arguments are not keyword-only; `tests/contract/test_use_cases.py` checks that no
service opens a transaction or writes an audit record outside this path."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any

from services import versioning
from services.context import SYSTEM_ACTOR, Actor, Session
from services.gates import GATES
from services.work import UnitOfWorkError, Work, enter, leave
from store.db import transaction

# Authorizes a command that opens no object: raise Forbidden (or a DomainError) to refuse.
Authorize = Callable[[Session, dict[str, Any]], Awaitable[None]]

USE_CASES: dict[str, UseCase] = {}


class UseCase:
    def __init__(
        self,
        handler: Callable[..., Awaitable[Any]],
        *,
        gate: str | None,
        action: str | None,
        id_arg: str | None,
        authorize: Authorize | None,
        system: bool,
        system_login: str | None,
        checks_version: bool,
    ) -> None:
        self.handler = handler
        self.name = f"{handler.__module__}.{handler.__qualname__}"
        self.gate = GATES[gate] if gate else None
        self.action = action
        self.id_arg = id_arg or (_snake(self.gate.field) if self.gate else None)
        self.authorize = authorize
        self.system = system
        self.system_login = system_login
        self.checks_version = checks_version
        functools.update_wrapper(self, handler)

    async def __call__(self, session: Session | None = None, /, **arguments: Any) -> Any:
        if (session is None) != self.system:
            raise UnitOfWorkError(f"{self.name}: {'system commands take no' if self.system else 'needs a'} session")
        async with transaction():
            work = Work(self.name, session.actor if session else self._system_actor(), session)
            token = enter(work)
            try:
                await self._authorize(work, arguments)
                result = await self.handler(work, **arguments)
                if not work.recorded and not work.unchanged:
                    raise UnitOfWorkError(f"{self.name} changed something without an audit record")
            finally:
                leave(token)
        return result

    def _system_actor(self) -> Actor:
        """The system, or the system under the name of the tool acting (`import:cli`): one
        request id per run, so a run's records can be told apart."""
        return Actor(0, self.system_login, SYSTEM_ACTOR.unit_code) if self.system_login else SYSTEM_ACTOR

    async def _authorize(self, work: Work, arguments: dict[str, Any]) -> None:
        if self.gate is not None:
            work.target, _ = await self.gate.open_for(work.user, arguments[self.id_arg], self.action)
        if self.authorize is not None:
            await self.authorize(work.user, arguments)
        # Only an authorized caller learns that the object changed meanwhile.
        if self.gate is not None and self.checks_version and "expected_version" in arguments:
            versioning.check_version(work.target, arguments["expected_version"], self.gate.noun)


def command(
    *,
    gate: str | None = None,
    action: str | None = None,
    id_arg: str | None = None,
    authorize: Authorize | None = None,
    system: bool = False,
    system_login: str | None = None,
    checks_version: bool = True,
) -> Callable[[Callable[..., Awaitable[Any]]], UseCase]:
    """Declare a command. `gate` + `action`: the object named by the gate's id argument
    (`taskId` → `task_id`, or `id_arg`) is opened for `action`. `authorize`: the command's own
    check, for commands that open no object (it may also follow a gate). `system`: run by the
    system itself (no session, the system actor; `system_login` names the tool acting for it as
    the audit trail shows it), never by a caller. `checks_version=False`:
    the command's `expected_version` is another object's, which the handler checks itself."""
    if (gate is None) != (action is None):
        raise TypeError("a gate needs its action, and an action its gate")
    if system_login is not None and not system:
        raise TypeError("only a system command acts under a system login")
    if gate is None and authorize is None and not system:
        raise TypeError("a command must open its object through a gate or authorize the caller itself")

    def declare(handler: Callable[..., Awaitable[Any]]) -> UseCase:
        _check_signature(handler)
        use_case = UseCase(
            handler,
            gate=gate,
            action=action,
            id_arg=id_arg,
            authorize=authorize,
            system=system,
            system_login=system_login,
            checks_version=checks_version,
        )
        if use_case.id_arg and use_case.id_arg not in inspect.signature(handler).parameters:
            raise TypeError(f"{use_case.name} opens a {gate} but takes no {use_case.id_arg}")
        USE_CASES[use_case.name] = use_case
        return use_case

    return declare


def at_hq(action: str, kind: str) -> Authorize:
    """For commands on HQ-administered data (policy lines, reference data)."""

    async def authorize(session: Session, arguments: dict[str, Any]) -> None:
        session.perms.require(action, kind, ["hq"])

    return authorize


def _check_signature(handler: Callable) -> None:
    parameters = list(inspect.signature(handler).parameters.values())
    if not parameters or parameters[0].name != "work":
        raise TypeError(f"{handler.__qualname__}: a command's first parameter is `work`")
    loose = [p.name for p in parameters[1:] if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    if loose:
        raise TypeError(f"{handler.__qualname__}: arguments {loose} must be keyword-only (after `*`)")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


__all__ = ["USE_CASES", "UseCase", "Work", "at_hq", "command"]
