"""Helpers for generated forms: the text of a PDF as pypdf extracts it, whitespace removed (CJK
lines wrap between any two characters, so a phrase may be split across lines)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() or "" for page in reader.pages)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shows(pdf_or_text: bytes | str, *phrases: str) -> list[str]:
    """The phrases the PDF (or its extracted text) does not show; [] when it shows them all."""
    text = pdf_text(pdf_or_text) if isinstance(pdf_or_text, bytes) else pdf_or_text
    flat = squeezed(text)
    return [p for p in phrases if squeezed(p) not in flat]
