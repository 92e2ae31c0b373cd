"""Fill texts into a catalog from a translator's table (one `msgid<TAB>text` per line): for
a batch of new msgids after `surveil i18n extract`. Only msgids the catalog has are taken."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from services.i18n import catalog
from services.i18n.errors import fields


def fill(po: Path, table: Path) -> list[str]:
    """Returns the rows refused (unknown msgid, or fields that differ from the msgid's)."""
    texts = dict(line.rstrip("\n").split("\t", 1) for line in table.read_text(encoding="utf-8").splitlines() if line)
    with po.open("rb") as handle:
        parsed = read_po(handle)
    refused = [m for m, t in texts.items() if m not in parsed or fields(m) != fields(t)]
    for message in parsed:
        if message.id in texts and message.id not in refused:
            message.string = texts[message.id]
    buffer = io.BytesIO()
    write_po(buffer, parsed, width=0, no_location=True)
    po.write_bytes(buffer.getvalue())
    catalog.cache_clear()
    return refused
