"""The Chinese and English words the generated forms print for the values the data holds."""

from __future__ import annotations

KINDS = {
    "ROUTINE_NOTIFIED": "例行检查（预先通知） Routine, notified",
    "ROUTINE_UNANNOUNCED": "例行检查（不通知） Routine, unannounced",
    "SPECIAL": "特殊检查 Special inspection",
    "RESTORATION": "证书恢复工厂检查 Restoration inspection",
    "RELOCATION": "搬迁检查 Relocation inspection",
    "SAMPLING": "监督抽样 Surveillance sampling",
}
CONCLUSIONS = {
    "PASS": "通过 Pass",
    "PASS_AFTER_CORRECTION": "整改后通过 Pass after correction",
    "FAIL": "不通过 Fail",
}
SEVERITIES = {"SERIOUS": "严重不符合 Serious", "GENERAL": "一般不符合 General"}
ANSWERS = {
    "CONFORMS": "符合 Conforms",
    "NONCONFORMITY": "不符合 Non-conformity",
    "NOT_APPLICABLE": "不适用 Not applicable",
}
UNANSWERED = "未答 Unanswered"
SITES = {"FACTORY": "工厂 Factory", "MARKET": "市场 Market", "USAGE_SITE": "产品使用场所 Usage site"}
METHODS = {"SAMPLING": "抽样 Sampling", "PURCHASE": "买样 Purchase"}
TITLES = {
    "INSPECTION_REPORT": ("工厂检查报告", "Factory Inspection Report"),
    "INSPECTION_RECORD": ("工厂检查记录表", "Factory Inspection Record"),
    "SAMPLING_NOTICE": ("抽样通知书", "Sampling Notice"),
    "PERSON_DAY_FORM": ("人日数核算表", "Person-Day Accounting Form"),
}
NONE = "—"


def label(table: dict[str, str], value: str | None) -> str:
    return NONE if value is None else table.get(value, value)
