"""0402.03 工厂检查报告 Factory Inspection Report."""

from __future__ import annotations

from domain.generated_forms import InspectionReport
from services.forms.labels import CONCLUSIONS, NONE, SEVERITIES, label
from services.forms.render_common import build, fields_table, grid, heading, text


def render_report(data: InspectionReport, version: str) -> bytes:
    window = f"{data.planned_start or NONE} — {data.planned_end or NONE}"
    story = [
        heading("获证信息", "Certificates"),
        grid(
            ["证书编号 Certificate", "产品类别 Category", "产品 Product"],
            [(c.number, c.category_code, f"{c.category_name_zh} {c.category_name}") for c in data.certificates],
            [55, 30, 95],
        ),
        heading("检查安排", "Inspection"),
        fields_table(
            [
                ("计划检查时间 Planned window", window),
                ("实际开始日期 Started on", data.started_on),
                ("结果提交日期 Submitted on", data.submitted_on),
                ("检查组长 Team leader", data.leader),
                ("检查组成员 Members", "、".join(data.members) or NONE),
            ]
        ),
        heading("检查结论", "Conclusion"),
        fields_table(
            [
                (
                    "检查结论 Conclusion",
                    label(CONCLUSIONS, data.conclusion) if data.conclusion else "未提交 Not submitted",
                ),
                ("检查情况 Summary", data.summary),
            ]
        ),
        heading("不符合项", "Non-conformities"),
    ]
    if data.findings:
        story.append(
            grid(
                ["条款 Clause", "程度 Severity", "描述 Description", "整改期限 Due"],
                [(f.clause, label(SEVERITIES, f.severity), f.description, f.correction_due) for f in data.findings],
                [22, 30, 100, 28],
            )
        )
    else:
        story.append(text("无 None"))
    return build(data.header, version, story)
