"""Import error reports kept for download by whoever ran the import: a file under a random
token, beside a small record of its owner, name and type. Reports are short-lived: those older
than a day are removed whenever a new one is kept."""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class KeptReport:
    owner_id: int
    filename: str
    content_type: str
    path: Path


class ReportStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def put(self, owner_id: int, data: bytes, filename: str, content_type: str) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        self._forget_old()
        token = secrets.token_urlsafe(24)  # 32 characters, 192 random bits
        _atomic_write(self.root / f"{token}.data", data)
        meta = {"owner": owner_id, "filename": filename, "contentType": content_type}
        _atomic_write(self.root / f"{token}.json", json.dumps(meta).encode())
        return token

    def get(self, token: str) -> KeptReport | None:
        if not TOKEN.match(token):
            return None
        try:
            meta = json.loads((self.root / f"{token}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        path = self.root / f"{token}.data"
        if not path.is_file():
            return None
        return KeptReport(meta["owner"], meta["filename"], meta["contentType"], path)

    def _forget_old(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for path in self.root.glob("*.*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass  # another process removed it first


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".report-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
