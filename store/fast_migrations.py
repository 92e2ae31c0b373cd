"""Applying a migration without copying the whole model state before each of its operations.

tortoise 1.1's `Migration.apply` clones the migration state (every model rendered again, ~50 ms
with our sixty tables) before each operation, for the operations that compare the old state with
the new. Most of ours (CreateModel, AddField, RunSQL, RunPython) read only the state after the
operation, and RunSQL/RunPython do not change it, so a fresh database took 9 s of CPU to migrate,
two thirds of it copies nobody read. Here only the other operations get their copy; a dry run and
SQL collection take tortoise's own path."""

from __future__ import annotations

from tortoise.migrations import operations as ops
from tortoise.migrations.migration import Migration

# Operations whose database step reads only the state after them (RunPython's "old" state is
# the same state: its state step changes nothing).
READ_ONLY_THE_NEW_STATE = (ops.CreateModel, ops.AddField, ops.RunSQL, ops.RunPython)

_tortoise_apply = Migration.apply


async def _apply(self: Migration, state, *, dry_run=False, schema_editor=None, collect_sql=False):
    if dry_run or collect_sql or schema_editor is None:
        return await _tortoise_apply(self, state, dry_run=dry_run, schema_editor=schema_editor, collect_sql=collect_sql)
    transactions = schema_editor.client.capabilities.supports_transactions
    for operation in self.operations:
        old_state = state if type(operation) in READ_ONLY_THE_NEW_STATE else state.clone()
        operation.state_forward(self.app_label, state)
        await self._run_database_forward(operation, old_state, state, schema_editor, transactions)
    state.validate_relations_initialized()
    return state


def install() -> None:
    """Idempotent; called by every path that applies migrations (store/migrate.py)."""
    Migration.apply = _apply
