"""0402.11 人日数核算表 Person-Day Accounting Form."""

from __future__ import annotations

from domain.generated_forms import PersonDayForm
from services.forms.render_common import build, fields_table, grid, heading


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def render_days(data: PersonDayForm, version: str) -> bytes:
    story = [
        heading("人日数", "Person-days"),
        grid(
            ["检查员 Inspector", "登录名 Login", "人日数 Days"],
            [(i.name, i.login, _days(i.days)) for i in data.inspectors],
            [80, 60, 40],
        ),
        heading("合计", "Totals"),
        fields_table(
            [
                ("计划人日数 Planned", _days(data.planned)),
                ("实际人日数合计 Actual total", _days(data.total)),
                ("差额 Actual − planned", _days(None if data.planned is None else data.total - data.planned)),
            ]
        ),
    ]
    return build(data.header, version, story)
