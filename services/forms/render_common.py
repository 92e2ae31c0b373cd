"""What every generated form's PDF shares: the CJK font, the styles, the bilingual title, the
header block (task, factory, unit) and each page's running head and footer (form number, task
number, data version).

reportlab's built-in CID font STSong-Light needs no font file (the reader supplies the glyphs;
the text is stored as Unicode through the UniGB-UCS2-H encoding, so it is extracted as
Chinese). Paragraphs wrap with `wordWrap="CJK"`, which breaks between any two Chinese
characters; a row taller than a page (a 5,000-character note) splits across pages
(`splitInRow`) instead of failing the layout. The document is built with `invariant=True`:
the same data gives the same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.tables import LongTable

from domain.generated_forms import FormHeader
from services.forms.labels import KINDS, NONE, TITLES, label

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=15, leading=20, alignment=1, spaceAfter=2)
SUBTITLE = ParagraphStyle("subtitle", parent=BODY, fontSize=9, alignment=1, spaceAfter=6)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]
)
FIELDS = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
    ]
)
WIDTH = A4[0] - 30 * mm


def text(value: object, style: ParagraphStyle = BODY) -> Paragraph:
    """A wrapping paragraph of plain text (never markup: the data is escaped)."""
    shown = NONE if value is None or value == "" else str(value)
    return Paragraph(escape(shown).replace("\n", "<br/>"), style)


def heading(zh: str, en: str) -> Paragraph:
    return Paragraph(f"{escape(zh)} {escape(en)}", HEADING)


def fields_table(rows: Sequence[tuple[str, object]]) -> Table:
    """Label / value rows, the label bilingual."""
    table = Table([[text(k), text(v)] for k, v in rows], colWidths=[45 * mm, WIDTH - 45 * mm], splitInRow=1)
    table.setStyle(FIELDS)
    return table


def grid(head: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]) -> Table:
    """A table with a heading row repeated on every page it spans."""
    data = [[text(h, SMALL) for h in head]] + [[text(v, SMALL) for v in row] for row in rows]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1, splitInRow=1)
    table.setStyle(GRID)
    return table


def header_block(header: FormHeader) -> list[Flowable]:
    zh, en = TITLES[header.form]
    place = ", ".join(p for p in (header.factory_province, header.factory_country) if p)
    return [
        Paragraph(f"{escape(zh)} {escape(en)}", TITLE),
        Paragraph(f"表单编号 Form {escape(header.number)} · 任务编号 Task {escape(header.task_number)}", SUBTITLE),
        fields_table(
            [
                ("任务编号 Task number", header.task_number),
                ("检查类型 Kind", label(KINDS, header.task_kind)),
                ("工厂编号 Factory code", header.factory_code),
                ("工厂名称 Factory", header.factory_name),
                ("工厂地址 Address", header.factory_address),
                ("省份/国家 Province, country", place),
                (
                    "认证机构部门 Certification body's unit",
                    f"{header.unit_name_zh} {header.unit_name} ({header.unit_code})",
                ),
            ]
        ),
        Spacer(1, 4 * mm),
    ]


def build(header: FormHeader, version: str, story: list[Flowable]) -> bytes:
    """The PDF of one form: `story` after the header block, every page marked with the form,
    the task and the data version."""
    zh, en = TITLES[header.form]

    def mark(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(15 * mm, A4[1] - 10 * mm, f"{header.number} {zh} {en}")
        canvas.drawRightString(A4[0] - 15 * mm, A4[1] - 10 * mm, f"任务编号 Task {header.task_number}")
        canvas.drawString(15 * mm, 10 * mm, f"数据版本 Data version: {version[:12]}")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {doc.page} 页 Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title=f"{header.number} {en} {header.task_number}",
        author="surveil",
        invariant=True,
    )
    doc.build([*header_block(header), *story], onFirstPage=mark, onLaterPages=mark)
    return out.getvalue()
