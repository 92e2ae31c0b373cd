"""Helpers for notice tests: the outbox rows written so far, rendered in both languages with the
templates the worker will use (so a template asking for a param the event lacks fails here)."""

from domain.notices import LANGUAGES, NoticeKind
from schema.relay import from_global_id
from services.i18n import translate
from store.models import Factory, OrgUnit, User
from store.models.notices import OutboxEvent


def db_id(global_id: str) -> int:
    return int(from_global_id(global_id)[1])


async def events(kind: NoticeKind | None = None, *, task: dict | None = None, after: int = 0) -> list[OutboxEvent]:
    rows = OutboxEvent.filter(id__gt=after).order_by("id")
    if kind is not None:
        rows = rows.filter(kind=kind.value)
    if task is not None:
        rows = rows.filter(task_id=db_id(task["id"]))
    found = await rows
    for event in found:
        rendered(event)
    return list(found)


async def last_id() -> int:
    last = await OutboxEvent.all().order_by("-id").first()
    return last.id if last else 0


def rendered(event: OutboxEvent) -> dict[str, tuple[str, str]]:
    """Title and body in every language (raises if a template needs a param the event lacks)."""
    return {
        language: (
            translate("notices", f"{event.kind}.title", language, **event.params),
            translate("notices", f"{event.kind}.body", language, **event.params),
        )
        for language in LANGUAGES
    }


async def enterprise_of(code: str) -> str:
    factory = await Factory.get(code=code)
    return (await OrgUnit.get(id=factory.enterprise_unit_id)).code


async def ids(*logins: str) -> list[int]:
    return sorted(await User.filter(login__in=logins).values_list("id", flat=True))


def kinds(rows: list[OutboxEvent]) -> list[str]:
    return [r.kind for r in rows]
