"""The unit of work of one command: who acts, what it opened, and what it recorded.

The runner (`services/runner.py`) makes one for every command and makes it current for the
command's duration; `services/audit_log.py` writes only into the current one, so an audit
record outside a command — or a command that changed something and recorded nothing — is a
programming error the runner reports, not a silent gap in the trail."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from services.context import Actor, Session


class UnitOfWorkError(RuntimeError):
    """A command broke the runner's rules (no audit record, audit outside a command)."""


@dataclass
class Work:
    name: str  # the command, as the runner registered it
    actor: Actor
    session: Session | None  # None for the system's own commands (expiry sweep)
    target: Any = None  # the object the gate opened, if the command opens one
    recorded: int = 0  # audit records written so far
    unchanged: bool = False  # the handler declared that it changed nothing
    announced: set[int] = field(default_factory=set)  # tasks whose change is published after commit

    def nothing_changed(self) -> None:
        """Declare that this run changed nothing (a rerun that finds nothing to do), so it
        owes no audit record. Anything written after all is still audited."""
        self.unchanged = True

    @property
    def user(self) -> Session:
        """The caller's session; system commands have none."""
        if self.session is None:
            raise UnitOfWorkError(f"{self.name} runs as the system and has no session")
        return self.session


_current: ContextVar[Work | None] = ContextVar("surveil_work", default=None)


def current() -> Work:
    work = _current.get()
    if work is None:
        raise UnitOfWorkError("an audit record outside a command: run the change through services/runner.py")
    return work


def enter(work: Work):
    return _current.set(work)


def leave(token) -> None:
    _current.reset(token)
