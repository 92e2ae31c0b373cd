"""0402.08 抽样通知书 Sampling Notice."""

from __future__ import annotations

from domain.generated_forms import SamplingNotice
from services.forms.labels import METHODS, SITES, label
from services.forms.render_common import build, fields_table, grid, heading


def render_notice(data: SamplingNotice, version: str) -> bytes:
    story = [
        heading("抽样信息", "Sampling"),
        fields_table(
            [
                ("抽样日期 Sampled on", data.sampled_on),
                ("抽样地点类型 Site", label(SITES, data.site)),
                ("抽样方式 Method", label(METHODS, data.method)),
                ("产品类别 Product category", data.product_category),
                ("检测机构 Laboratory", data.lab),
            ]
        ),
        heading("样品", "Samples"),
        grid(
            [
                "样品编号 Sample",
                "封条号 Seal",
                "数量 Qty",
                "抽样地点 Place",
                "日期 Date",
                "抽样人 Taken by",
                "送检 Lab",
            ],
            [(s.identifier, s.seal_number, s.quantity, s.place, s.taken_on, s.taken_by, s.lab) for s in data.samples],
            [28, 22, 12, 40, 22, 32, 24],
        ),
    ]
    return build(data.header, version, story)
