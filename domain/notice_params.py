"""What each notice carries (DOMAIN.md §8): the params every kind's templates may use, declared
once, and the Chinese and English words for the enum values a notice names.

The emitting code passes exactly the declared params (`check_params`, called by
services/notices/notify.py before the outbox row is written), and the catalogs' templates use
only declared ones (tests/contract/test_notice_catalogs.py): a template can never ask for a
field the event lacks. Params are what the recipient may read: never a factory's class, never
an internal note, never the checklist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.notices import NoticeKind as K

TASK = frozenset({"task_number", "factory_name", "kind_zh", "kind_en"})
CERTIFICATE = frozenset({"certificate_number", "holder"})
WINDOW = frozenset({"window_start", "window_end"})

PARAMS: dict[K, frozenset[str]] = {
    K.INSPECTION_PRENOTIFIED: TASK | WINDOW | {"team_size", "team_zh", "team_en"},
    K.INSPECTION_CANCELLED: TASK,
    K.SAMPLING_NOTICE: TASK | {"sample_identifier", "seal_number", "quantity", "place"},
    K.LABS_DISCLOSED: TASK | {"labs_zh", "labs_en"},
    K.LAB_REQUEST_ANSWERED: TASK | {"answer_zh", "answer_en", "reason"},
    K.RELOCATION_RISK: TASK | {"risk_notice"},
    K.NONCONFORMITIES: TASK | {"count", "correction_due", "findings"},
    K.CERTIFICATE_DECISION: CERTIFICATE | {"status_zh", "status_en", "ground_zh", "ground_en", "reason"},
    K.DISPUTE_OUTCOME: TASK | {"settlement"},
    K.TEAM_ASSIGNED: TASK | WINDOW | {"leader", "team_size"},
    K.PURCHASE_ASSIGNED: TASK | {"instructions"},
    K.REVIEW_DUE: TASK | {"conclusion_zh", "conclusion_en", "result_version"},
    K.DECISION_DUE: TASK,
    K.TASK_EXCEPTION: TASK | {"reason_zh", "reason_en", "details"},
    K.TASK_ESCALATED: TASK | {"note"},
    K.DISPUTE_ESCALATED: TASK | {"analysis"},
    K.LAB_REPORT_IN: TASK | {"sample_identifier", "passed_zh", "passed_en"},
    K.RESULTS_RETURNED: TASK | {"comments"},
    K.LAB_REQUEST_FILED: TASK | {"request"},
    K.CORRECTION_SUBMITTED: TASK | {"clause", "version"},
    K.PROBLEM_ANSWERED: frozenset({"title", "answer"}),
    K.TASK_DELEGATED: TASK | WINDOW | {"agency"},
    K.TASK_WITHDRAWN: TASK | {"reason"},
    K.CORRECTION_DUE: TASK | {"correction_due", "days_left", "count"},
    K.CORRECTION_OVERDUE: TASK | {"correction_due", "count"},
    K.LAB_REPORT_OVERDUE: TASK | {"sample_identifier", "lab_zh", "lab_en", "report_due"},
    K.SUSPENSION_OVER: CERTIFICATE | {"suspended_until", "ground_zh", "ground_en"},
    K.VOLUNTARY_SUSPENSION_OVER: CERTIFICATE | {"suspended_until"},
    K.CERTIFICATE_EXPIRING: CERTIFICATE | {"expires_on", "days_left"},
    K.CERTIFICATE_EXPIRED: CERTIFICATE | {"expires_on"},
    K.TASK_OVERDUE: TASK | {"due_on", "status_zh", "status_en"},
}

# (zh, en) for the values notices name; an unknown value prints as itself in both.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "task_kind": {
        "ROUTINE_NOTIFIED": ("例行检查（预先通知）", "routine inspection (pre-notified)"),
        "ROUTINE_UNANNOUNCED": ("例行检查（不通知）", "routine inspection (unannounced)"),
        "SPECIAL": ("特殊检查", "special inspection"),
        "RESTORATION": ("证书恢复工厂检查", "restoration inspection"),
        "RELOCATION": ("搬迁检查", "relocation inspection"),
        "SAMPLING": ("监督抽样", "surveillance sampling"),
    },
    "task_status": {
        "DRAFT": ("草稿", "draft"),
        "ISSUED": ("已下达", "issued"),
        "TEAM_ASSIGNED": ("已组成检查组", "team assigned"),
        "IN_PROGRESS": ("实施中", "in progress"),
        "EXCEPTION": ("异常", "exception"),
    },
    "certificate_status": {
        "VALID": ("有效（恢复）", "valid (restored)"),
        "SUSPENDED": ("暂停", "suspended"),
        "REVOKED": ("撤销", "revoked"),
        "CANCELLED": ("注销", "cancelled"),
        "EXPIRED": ("过期", "expired"),
    },
    "ground": {
        "FAILED_SAMPLING": ("监督抽样检测不合格", "failed surveillance sampling"),
        "FAILED_INSPECTION": ("监督检查不通过", "failed surveillance inspection"),
        "REFUSED_UNANNOUNCED": ("拒绝或未按时接受不通知检查/抽样", "refused an unannounced inspection or sampling"),
        "NO_MARKET_SAMPLING_COOPERATION": ("不配合市场抽样", "no cooperation with market sampling"),
        "UNAPPROVED_CHANGE": ("未经批准变更", "unapproved change"),
        "MISUSE": ("违规使用证书或标志", "misuse of the certificate or mark"),
        "VOLUNTARY": ("自愿暂停", "voluntary suspension"),
        "SPOT_CHECK_FAILURE": ("国家或省级监督抽查不合格", "failed a national or provincial spot check"),
        "OTHER": ("其他", "other"),
        "": ("—", "—"),
    },
    "conclusion": {
        "PASS": ("通过", "pass"),
        "PASS_AFTER_CORRECTION": ("整改后通过", "pass after correction"),
        "FAIL": ("不通过", "fail"),
    },
    "exception_reason": {
        "FACTORY_CLOSED": ("工厂关闭", "factory closed"),
        "PRODUCTION_STOPPED": ("停产", "production stopped"),
        "REFUSED_INSPECTION": ("拒绝检查", "inspection refused"),
        "FACTORY_MOVED": ("工厂搬迁", "factory moved"),
        "PRODUCT_NOT_FOUND": ("市场上未找到产品", "product not found on the market"),
        "FORCE_MAJEURE": ("不可抗力", "force majeure"),
        "OTHER": ("其他", "other"),
    },
    "yes_no_accepted": {"True": ("同意", "accepted"), "False": ("不同意", "declined")},
    "yes_no_passed": {"True": ("合格", "passed"), "False": ("不合格", "failed")},
}


def both(table: str, name: str, value: object) -> dict[str, str]:
    """`{name}_zh` and `{name}_en` for an enum value (e.g. kind_zh/kind_en)."""
    key = "" if value is None else str(getattr(value, "value", value))
    zh, en = LABELS[table].get(key, (key, key))
    return {f"{name}_zh": zh, f"{name}_en": en}


def team_words(size: int | None) -> dict[str, Any]:
    """The team as a pre-notice says it: its size once formed, else that it follows."""
    if not size:
        return {"team_size": None, "team_zh": "检查组人员另行通知", "team_en": "the team will be announced"}
    return {"team_size": size, "team_zh": f"检查组 {size} 人", "team_en": f"with a team of {size}"}


JSON_SCALARS = (str, int, float, bool, type(None))


def check_params(kind: K, params: Mapping[str, Any]) -> None:
    """The emitting code passes exactly the kind's declared params, as JSON scalars (dates as
    ISO strings): a programming error otherwise, caught by every test that emits."""
    declared = PARAMS[K(kind)]
    if set(params) != declared:
        missing, extra = sorted(declared - set(params)), sorted(set(params) - declared)
        raise ValueError(f"{kind}: params missing {missing}, undeclared {extra}")
    wrong = [k for k, v in params.items() if not isinstance(v, JSON_SCALARS)]
    if wrong:
        raise ValueError(f"{kind}: params {wrong} are not JSON scalars (dates as ISO strings)")
