"""store/fast_migrations.py: migrations copy the model state only for the operations that read
the old state, and the schema they build is the one tortoise's own path builds."""

from __future__ import annotations

import sqlite3

from tortoise.migrations.migration import Migration
from tortoise.migrations.schema_generator.state import State

from store import fast_migrations
from store.migrate import migrate_schema
from tests.databases import reset_orm_caches

# Holds every kind of operation: CreateModel, AddField, RunSQL, RunPython, AlterField (0014, 0015)
# and an AlterField subclass of our own (0018).
TARGET = "models.0018_certificate_expiry"


def _schema(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


async def _migrate_counting_copies(url: str, monkeypatch) -> int:
    copies = 0
    clone = State.clone

    def counting_clone(self):
        nonlocal copies
        copies += 1
        return clone(self)

    monkeypatch.setattr(State, "clone", counting_clone)
    try:
        await migrate_schema(url, TARGET)
    finally:
        monkeypatch.setattr(State, "clone", clone)
    return copies


async def test_the_schema_is_tortoises_and_only_old_state_readers_get_a_copy(tmp_path, monkeypatch):
    reset_orm_caches()
    fast, plain = tmp_path / "fast.sqlite3", tmp_path / "plain.sqlite3"
    copies = await _migrate_counting_copies(f"sqlite://{fast}", monkeypatch)

    monkeypatch.setattr(Migration, "apply", fast_migrations._tortoise_apply)
    reset_orm_caches()
    tortoise_copies = await _migrate_counting_copies(f"sqlite://{plain}", monkeypatch)

    assert _schema(fast) == _schema(plain)
    assert len(_schema(fast)) > 40  # the migrations did run
    assert copies == 6  # 0014's two AlterFields, 0015's one, 0018's three descriptions
    assert tortoise_copies > 50
