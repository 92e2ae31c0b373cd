"""0402.06 工厂检查记录表 Factory Inspection Record: every checklist item with its answer (an
internal form: the team's notes are on it)."""

from __future__ import annotations

from domain.generated_forms import InspectionRecord, RecordItem
from services.forms.labels import ANSWERS, NONE, SEVERITIES, UNANSWERED, label
from services.forms.render_common import build, fields_table, grid, heading


def _finding(item: RecordItem) -> str:
    if item.answer == "NONCONFORMITY":
        return f"{label(SEVERITIES, item.severity)}: {item.description}"
    if item.answer == "NOT_APPLICABLE":
        return f"理由 Reason: {item.reason}"
    return NONE


def render_record(data: InspectionRecord, version: str) -> bytes:
    answered = sum(1 for i in data.items if i.answer)
    story = [
        fields_table(
            [
                ("检查组长 Team leader", data.leader),
                ("检查组成员 Members", "、".join(data.members) or NONE),
                ("已答/检查项 Answered / items", f"{answered} / {len(data.items)}"),
            ]
        ),
        heading("检查项", "Checklist"),
        grid(
            [
                "条款 Code",
                "检查项 Item",
                "重点 Focus",
                "结果 Answer",
                "不符合/不适用 Finding or reason",
                "备注 Note (internal)",
                "证据 Evidence",
            ],
            [
                (
                    i.code,
                    f"{i.title_zh} {i.title_en}".strip(),
                    "★ 重点" if i.focus else "",
                    label(ANSWERS, i.answer) if i.answer else UNANSWERED,
                    _finding(i),
                    i.note,
                    i.evidence,
                )
                for i in data.items
            ],
            [16, 42, 12, 22, 42, 32, 14],
        ),
    ]
    return build(data.header, version, story)
