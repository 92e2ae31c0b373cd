"""The demo's yearly surveillance clauses (年度监督检查条款): the eleven factory quality-assurance
capability items (工厂质量保证能力要求) for every category, HQ's focus items of the year, and
product-consistency items (产品一致性) per category of the demo. Chinese with English."""

from __future__ import annotations

# code, title, title_en, text, text_en, focus
GENERAL = [
    ("01", "职责和资源", "Responsibilities and resources",
     "工厂应规定与质量活动有关的各类人员职责及相互关系，配备质量负责人，并具有必要的生产设备、检验试验仪器设备和人力资源。",
     "The factory defines the responsibilities of staff in quality activities, appoints a quality manager and has the "
     "production, test equipment and people it needs.", False),
    ("02", "文件和记录", "Documents and records",
     "工厂应建立并保持质量计划、程序文件和作业指导书，质量记录应清晰、完整并至少保存两年。",
     "The factory keeps its quality plan, procedures and work instructions; quality records are legible, complete "
     "and kept for at least two years.", False),
    ("03", "采购和关键件控制", "Purchasing and critical components",
     "工厂应制定对关键元器件和材料供应商的选择、评定和日常管理程序，并对关键件进行进货检验或验证。",
     "The factory selects, evaluates and monitors the suppliers of critical components and materials, and inspects "
     "or verifies critical components on receipt.", True),
    ("04", "生产过程控制", "Production process control",
     "工厂应识别关键工序，对关键工序的操作人员进行培训，并对生产过程的参数进行监控。",
     "The factory identifies its key processes, trains their operators and monitors the process parameters.", False),
    ("05", "例行检验和确认检验", "Routine and confirmation tests",
     "工厂应按认证实施规则规定对产品进行例行检验和确认检验，并保存检验记录。",
     "The factory performs the routine and confirmation tests the implementation rule requires and keeps their "
     "records.", False),
    ("06", "检验试验仪器设备", "Test equipment",
     "用于检验和试验的仪器设备应定期校准和检查，并满足检验试验能力要求。",
     "Test and inspection equipment is calibrated and checked regularly and is fit for the tests required.", False),
    ("07", "不合格品的控制", "Non-conforming product",
     "工厂应建立不合格品控制程序，对不合格品进行标识、隔离和处置，并采取纠正和预防措施。",
     "The factory identifies, segregates and disposes of non-conforming product and takes corrective and preventive "
     "action.", False),
    ("08", "内部质量审核", "Internal audit",
     "工厂应建立内部质量审核程序，确保质量体系的有效性，并记录审核结果。",
     "The factory audits its quality system internally, records the findings and follows them up.", False),
    ("09", "认证产品的变更及一致性控制", "Changes and product consistency",
     "认证产品的变更（关键件、结构、工艺等）应在实施前向认证机构申报并获批准，工厂应保证批量生产产品与型式试验样品一致。",
     "Changes to a certified product (critical components, structure, process) are notified to and approved by the "
     "certification body before they are made; series products match the type-tested sample.", True),
    ("10", "产品防护与交付", "Protection and delivery",
     "工厂在产品搬运、储存、包装和交付过程中应采取有效的防护措施。",
     "The factory protects the product in handling, storage, packing and delivery.", False),
    ("11", "认证证书和标志的使用", "Use of certificates and marks",
     "工厂应按规定使用认证证书和CCC标志，建立标志使用和管理记录。",
     "The factory uses the certificate and the CCC mark as the rules allow and records the marks it uses.", False),
]  # fmt: skip

# category code: (code, title, title_en, text, text_en)
CONSISTENCY = {
    "C01": [
        ("C01-1", "铭牌和标志", "Markings", "电缆表面印字（型号规格、额定电压、厂名）与认证一致。",
         "The cable's printed markings (type, rated voltage, maker) match the certificate."),
        ("C01-2", "导体和绝缘", "Conductor and insulation", "导体材质和截面、绝缘厚度与型式试验样品一致。",
         "Conductor material and cross-section and insulation thickness match the type-tested sample."),
    ],
    "C02": [
        ("C02-1", "铭牌和标志", "Nameplate and markings", "产品铭牌、额定参数和CCC标志与认证一致。",
         "Nameplate, ratings and the CCC mark match the certificate."),
        ("C02-2", "关键件", "Critical components", "开关机构、触头材料等关键件与认证时一致。",
         "Switching mechanism, contact material and other critical components are those certified."),
    ],
    "C03": [
        ("C03-1", "铭牌和标志", "Nameplate and markings", "产品铭牌、额定参数和CCC标志与认证一致。",
         "Nameplate, ratings and the CCC mark match the certificate."),
        ("C03-2", "结构", "Structure as type-tested", "产品结构、外壳和接线端子与型式试验样品一致。",
         "Structure, enclosure and terminals match the type-tested sample."),
    ],
    "C07": [
        ("C07-1", "铭牌和说明书", "Nameplate and instructions", "铭牌、警示标识和使用说明书与认证一致。",
         "Nameplate, warning labels and instructions match the certificate."),
        ("C07-2", "关键件", "Critical components", "电机、电源线、温控器等关键件与认证时一致。",
         "Motor, power cord, thermostat and other critical components are those certified."),
        ("C07-3", "结构", "Structure as type-tested", "产品结构和内部布线与型式试验样品一致。",
         "Structure and internal wiring match the type-tested sample."),
    ],
    "C08": [
        ("C08-1", "铭牌和标志", "Nameplate and markings", "铭牌、额定参数和CCC标志与认证一致。",
         "Nameplate, ratings and the CCC mark match the certificate."),
        ("C08-2", "关键件", "Critical components", "电源适配器、变压器等关键件与认证时一致。",
         "Power adapter, transformer and other critical components are those certified."),
    ],
    "C09": [
        ("C09-1", "铭牌和标志", "Nameplate and markings", "铭牌、额定参数和CCC标志与认证一致。",
         "Nameplate, ratings and the CCC mark match the certificate."),
        ("C09-2", "关键件", "Critical components", "电源、电池、风扇等关键件与认证时一致。",
         "Power supply, battery, fan and other critical components are those certified."),
    ],
}  # fmt: skip


def clauses() -> list[tuple[str, str, str, str, str, bool, str | None]]:
    """(code, title, title_en, text, text_en, focus, category code or None) for one year."""
    rows = [(*general, None) for general in GENERAL]
    for category, items in CONSISTENCY.items():
        rows += [(*item, False, category) for item in items]
    return rows
