"""`surveil audit verify [--checkpoint FILE]` and `surveil audit checkpoint [--out FILE]`.

Exit codes: 0 intact, 1 a problem found (named on stdout), 2 a usage error (stderr).

The checkpoint key comes from the environment of the operator running the command, never
from the database or the API's settings: whoever can rewrite the database must not be able
to sign a checkpoint of the rewritten chain."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

KEY_VARIABLE = "SURVEIL_AUDIT_CHECKPOINT_KEY"
MIN_KEY_LENGTH = 32
OK, PROBLEM, USAGE = 0, 1, 2


@dataclass(frozen=True)
class ChainState:
    count: int
    head_seq: int
    head_hash: str
    broken: object  # domain.audit_chain.BrokenLink | None
    hash_at: dict[int, str]  # the stored hash of each sequence asked for


async def _read_chain(wanted: set[int]) -> ChainState:
    from domain.audit_chain import GENESIS, verify_chain
    from store.audit import iter_chain

    records = []
    try:
        async for record in iter_chain():
            records.append(record)
    except Exception:  # a row the ORM cannot read (edited by hand), or no table at all
        return ChainState(len(records), 0, GENESIS, await _unreadable(), {})
    count, broken = verify_chain(records)
    head = records[-1] if records else {"seq": 0, "hash": GENESIS}
    hash_at = {r["seq"]: r["hash"] for r in records if r["seq"] in wanted}
    return ChainState(count, head["seq"], head["hash"], broken, hash_at)


async def _unreadable():
    from domain.audit_chain import BrokenLink
    from store.audit import first_unreadable

    try:
        found = await first_unreadable()
    except Exception as exc:  # the table itself is gone or altered
        return BrokenLink("-", f"the audit table cannot be read ({type(exc).__name__}: {str(exc)[:120]})")
    if found is None:
        return BrokenLink("-", "a batch of records could not be read, though each row reads alone")
    row_id, seq, why = found
    return BrokenLink(seq, f"record id {row_id} cannot be read ({why})")


def _key() -> bytes | None:
    key = os.environ.get(KEY_VARIABLE, "")
    if len(key) < MIN_KEY_LENGTH:
        what = "is not set" if not key else f"is shorter than {MIN_KEY_LENGTH} characters"
        print(
            f"{KEY_VARIABLE} {what}: checkpoints are signed with a secret key kept outside the database "
            f"(e.g. `export {KEY_VARIABLE}=$(openssl rand -hex 32)`, stored with the operator, not the server)",
            file=sys.stderr,
        )
        return None
    return key.encode("utf-8")


def _broken_line(state: ChainState) -> str:
    return f"BROKEN at seq {state.broken.seq}: {state.broken.problem} ({state.count} records read)"


def cmd_verify(args, settings, with_db) -> int:
    from domain.audit_chain import checkpoint_problem, compare_with_checkpoint

    checkpoint, rejected = None, None
    if args.checkpoint:
        key = _key()
        if key is None:
            return USAGE
        try:
            data = Path(args.checkpoint).read_bytes()
        except OSError as exc:
            print(f"cannot read checkpoint {args.checkpoint}: {exc}", file=sys.stderr)
            return USAGE
        try:
            checkpoint = json.loads(data)
        except ValueError:  # also bad UTF-8
            rejected = "not JSON"
        else:
            rejected = checkpoint_problem(checkpoint, key)
        if rejected:
            checkpoint = None  # nothing in it can be trusted
    state = asyncio.run(with_db(settings, lambda: _read_chain({checkpoint["seq"]} if checkpoint else set())))
    problems = [_broken_line(state)] if state.broken else []
    if rejected:
        problems.append(f"FORGED CHECKPOINT: {args.checkpoint}: {rejected}")
    if checkpoint is not None:
        mismatch = compare_with_checkpoint(checkpoint, state.head_seq, state.hash_at.get(checkpoint["seq"]))
        if mismatch:
            kind, why = mismatch
            problems.append(f"{kind}: {why} (checkpoint of {checkpoint.get('createdAt')})")
    for line in problems:
        print(line)
    if problems:
        return PROBLEM
    line = f"audit chain intact: {state.count} records"
    if checkpoint is not None:
        line += f"; it holds the checkpointed seq {checkpoint['seq']} of {checkpoint.get('createdAt')}"
    print(line)
    return OK


def cmd_checkpoint(args, settings, with_db) -> int:
    from domain.audit_chain import sign_checkpoint

    key = _key()
    if key is None:
        return USAGE
    state = asyncio.run(with_db(settings, lambda: _read_chain(set())))
    if state.broken:
        print(_broken_line(state))
        print("no checkpoint written: the chain is already broken")
        return PROBLEM
    checkpoint = sign_checkpoint(
        seq=state.head_seq, head_hash=state.head_hash, created_at=datetime.now(UTC).isoformat(), key=key
    )
    text = json.dumps(checkpoint, indent=2) + "\n"
    if not args.out:
        sys.stdout.write(text)
        return OK
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"cannot write {args.out}: {exc}", file=sys.stderr)
        return USAGE
    print(f"checkpoint of seq {state.head_seq} written to {args.out}: keep it away from the database's host")
    return OK


def add_commands(sub, with_db) -> None:
    audit = sub.add_parser("audit", help="audit trail tools")
    actions = audit.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="check the hash chain (and that it holds a signed checkpoint)")
    verify.add_argument("--checkpoint", metavar="FILE", help=f"a checkpoint file; needs {KEY_VARIABLE}")
    verify.set_defaults(fn=lambda a, s: cmd_verify(a, s, with_db))
    checkpoint = actions.add_parser("checkpoint", help=f"sign the chain's head with {KEY_VARIABLE}")
    checkpoint.add_argument("--out", metavar="FILE", help="where to write it (default: stdout)")
    checkpoint.set_defaults(fn=lambda a, s: cmd_checkpoint(a, s, with_db))
