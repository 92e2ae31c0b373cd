"""CompiledReads: answers a covered query with its compiled statement before execution starts;
strawberry then skips the executor (`execution_context.result` already set)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from server.compiled.plans import current_dialect, plan_for, run

log = logging.getLogger("surveil.compiled")


class CompiledReads(SchemaExtension):
    """After the limits and the budget (they run at validation), so a compiled answer costs the
    same budget as the executor's."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context = ctx.context
        session = getattr(context, "session", None)
        if session is not None and ctx.query and ctx.graphql_document is not None and not ctx.pre_execution_errors:
            plan = plan_for(
                ctx.schema._schema,
                ctx.graphql_document,
                ctx.query,
                ctx.operation_name,
                ctx.variables,
                current_dialect(),
            )
            if plan is not None:
                try:
                    ctx.result = ExecutionResult(data=await run(plan, session, context.today()))
                except Exception:
                    # The executor answers instead, with its own errors (masked as usual): a
                    # failing statement is logged, never shown, never a different answer.
                    log.exception("compiled read failed; the executor answers")
        yield
