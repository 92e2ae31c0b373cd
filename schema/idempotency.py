"""The `idempotencyKey` every mutation input accepts (the replay rule: resolvers/replay.py)."""

from __future__ import annotations

import strawberry

KEY_DESCRIPTION = (
    "A fresh key (e.g. a UUID) per intended change; resend it on retry. A replay by the same user with the "
    "same input changes nothing and returns the first answer; the same key with other input is a CONFLICT."
)


def idempotency_key_field():
    """An optional key; a new field object per input class (strawberry fields are not shared)."""
    return strawberry.field(default=None, description=KEY_DESCRIPTION)
