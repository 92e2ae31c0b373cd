"""The generated forms' PDFs, from frozen data (no database): every page names the form, the
task and the data version; the Chinese comes out of the PDF as Chinese; every checklist item and
its answer is on the record form, over several pages; the data version is stable."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from domain.errors import DomainError
from domain.generated_forms import (
    CertificateLine,
    FindingLine,
    FormHeader,
    InspectionRecord,
    InspectionReport,
    InspectorDays,
    PersonDayForm,
    RecordItem,
    SampleLine,
    SamplingNotice,
    check_confirmable,
    data_version,
)
from services.forms.render_days import render_days
from services.forms.render_notice import render_notice
from services.forms.render_record import render_record
from services.forms.render_report import render_report
from tests.services.forms_support import pdf_text, shows


def header(form: str, number: str) -> FormHeader:
    return FormHeader(
        form=form, number=number, task_number="EAST-2026-0042", task_kind="ROUTINE_NOTIFIED", factory_code="E001",
        factory_name="杭州示例电器有限公司", factory_address="浙江省杭州市西湖区文三路 1 号", factory_country="CN",
        factory_province="Zhejiang", unit_code="east", unit_name="East China Sub-centre", unit_name_zh="华东分中心",
    )  # fmt: skip


REPORT = InspectionReport(
    header=header("INSPECTION_REPORT", "0402.03"),
    certificates=(CertificateLine("2026010701000001", "C07", "Household appliances", "家用和类似用途设备"),),
    planned_start="2026-12-01", planned_end="2026-12-03", started_on="2026-12-01", submitted_on="2026-12-03",
    leader="王检查 (east.inspector1)", members=("李成员 (east.inspector2)",), conclusion="PASS_AFTER_CORRECTION",
    summary="工厂质量保证能力基本符合要求。" * 20,
    findings=(FindingLine("4.2.1", "GENERAL", "进货检验记录不完整 Incoming inspection records incomplete", "2027-01-02"),),
)  # fmt: skip


def record(n: int) -> InspectionRecord:
    answers = ["CONFORMS", "NONCONFORMITY", "NOT_APPLICABLE", None]
    items = tuple(
        RecordItem(
            code=f"Q{i:03d}",
            title_zh=f"检查项目{i}号",
            title_en=f"Item {i}",
            focus=i % 5 == 0,
            answer=answers[i % 4],
            severity="SERIOUS" if i % 4 == 1 else None,
            description="关键件变更未申请 critical component changed" if i % 4 == 1 else "",
            reason="本厂无此工序" if i % 4 == 2 else "",
            note=f"内部备注{i}",
            evidence=i % 3,
        )
        for i in range(n)
    )
    return InspectionRecord(header("INSPECTION_RECORD", "0402.06"), "王检查 (east.inspector1)", (), items)


def test_the_report_shows_the_task_the_factory_and_the_findings_in_chinese():
    version = data_version(REPORT)
    text = pdf_text(render_report(REPORT, version))
    assert shows(text, "工厂检查报告 Factory Inspection Report", "EAST-2026-0042", "杭州示例电器有限公司", "E001",
                 "浙江省杭州市西湖区文三路1号", "2026010701000001", "整改后通过",
                 "华东分中心", "4.2.1", "进货检验记录不完整", "2027-01-02", "王检查", "李成员",
                 f"数据版本 Data version: {version[:12]}") == []  # fmt: skip


def test_every_item_and_its_answer_is_on_the_record_form_on_every_page():
    data = record(120)
    version = data_version(data)
    pdf = render_record(data, version)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    for page in pages:  # every page names the form, the task and the data version
        assert shows(page, "0402.06", "EAST-2026-0042", f"Data version: {version[:12]}") == []
    text = "".join(pages)
    assert shows(text, "工厂检查记录表 Factory Inspection Record", "120") == []
    for item in data.items:
        answer = {"CONFORMS": "符合", "NONCONFORMITY": "不符合", "NOT_APPLICABLE": "不适用", None: "未答"}[item.answer]
        assert shows(text, f"{item.code}{item.title_zh}{item.title_en}", answer, item.note) == [], item.code
    assert shows(text, "严重不符合", "关键件变更未申请", "本厂无此工序") == []


def test_the_notice_and_the_person_day_form():
    notice = SamplingNotice(
        header("SAMPLING_NOTICE", "0402.08"), "FACTORY", "SAMPLING", "C07 家用和类似用途设备 Household appliances",
        "华东检测实验室 East lab", "2026-12-02",
        (SampleLine("S-0001", "F-17", 2, "成品仓库 Finished goods store", "2026-12-02", "王检查 (east.inspector1)",
                    "华东检测实验室"),),
    )  # fmt: skip
    assert shows(render_notice(notice, data_version(notice)), "抽样通知书 Sampling Notice", "S-0001", "F-17",
                 "成品仓库", "工厂 Factory", "EAST-2026-0042", "杭州示例电器有限公司") == []  # fmt: skip
    days = PersonDayForm(
        header("PERSON_DAY_FORM", "0402.11"), 3.0,
        (InspectorDays("王检查", "east.inspector1", 1.5), InspectorDays("李成员", "east.inspector2", 2.0)), 3.5,
    )  # fmt: skip
    assert shows(render_days(days, data_version(days)), "人日数核算表 Person-Day Accounting Form", "east.inspector1",
                 "1.5", "3.5", "0.5", "0402.11") == []  # fmt: skip


def test_the_data_version_names_the_content():
    assert data_version(REPORT) == data_version(dataclasses.replace(REPORT))
    changed = dataclasses.replace(REPORT, summary=REPORT.summary + "。")
    assert data_version(changed) != data_version(REPORT)
    assert render_report(REPORT, data_version(REPORT)) == render_report(REPORT, data_version(REPORT))  # invariant
    check_confirmable(data_version(REPORT), data_version(REPORT))
    with pytest.raises(DomainError) as stale:
        check_confirmable(data_version(changed), data_version(REPORT))
    assert stale.value.code == "CONFLICT" and stale.value.field == ("dataVersion",)
    with pytest.raises(DomainError) as malformed:
        check_confirmable(data_version(REPORT), "not-a-version")
    assert malformed.value.code == "INVALID"


def test_markup_in_the_data_is_text():
    data = dataclasses.replace(REPORT, summary="<b>bold</b> & <font size=40>x</font> <unclosed")
    assert shows(render_report(data, data_version(data)), "<b>bold</b>&<fontsize=40>x</font><unclosed") == []
