"""Enums of results, review, decision and disputes, with their Chinese terms."""

from domain import decisions, disputes, results
from schema.enums import _mirror

Conclusion = _mirror(results.Conclusion, "Conclusion", "检查结论 Conclusion of an inspection", {
    "PASS": "通过 Pass",
    "PASS_AFTER_CORRECTION": "整改后通过 Pass after correction",
    "FAIL": "不通过 Fail",
})  # fmt: skip

Severity = _mirror(results.Severity, "NonconformitySeverity", "不符合程度 Severity of a non-conformity", {
    "SERIOUS": "严重不符合 Serious",
    "GENERAL": "一般不符合 General",
})  # fmt: skip

VerificationMethod = _mirror(results.VerificationMethod, "VerificationMethod", "整改验证方式", {
    "WRITTEN": "书面验证 In writing",
    "ON_SITE": "现场验证 On site (with the verification report, 0402.05)",
})  # fmt: skip

ReviewOutcome = _mirror(decisions.ReviewOutcome, "ReviewOutcome", "复核意见 Review outcome", {
    "AGREE": "同意 Agree",
    "RETURN": "退回检查组 Return to the team",
})  # fmt: skip

RiskLevel = _mirror(decisions.RiskLevel, "RiskLevel", "风险等级 Risk level", {
    "LOW": "低 Low",
    "MEDIUM": "中 Medium",
    "HIGH": "高 High",
})  # fmt: skip

DecisionOutcome = _mirror(decisions.DecisionOutcome, "DecisionOutcome", "认证决定 Certification decision", {
    "MAINTAIN": "保持 Maintain",
    "SUSPEND": "暂停 Suspend (name the ground)",
    "REVOKE": "撤销 Revoke",
    "RESTORE": "恢复 Restore (after a passed restoration inspection)",
    "CANCEL": "注销 Cancel",
})  # fmt: skip

SuspensionGround = _mirror(decisions.SuspensionGround, "SuspensionGround", "暂停依据 Ground for suspension", {
    "FAILED_SAMPLING": "监督抽样检测不合格 Failed surveillance sampling",
    "FAILED_INSPECTION": "监督检查不通过 Failed surveillance inspection",
    "REFUSED_UNANNOUNCED": "拒绝或未按时接受不通知检查或抽样 Refused or missed unannounced inspection or sampling",
    "NO_MARKET_SAMPLING_COOPERATION": "不配合市场抽样 No cooperation with market sampling",
    "UNAPPROVED_CHANGE": "未经批准变更 Unapproved change",
    "MISUSE": "违规使用证书或标志 Misuse of certificate or mark",
    "VOLUNTARY": "自愿暂停（季节性生产等）Voluntary / seasonal (12 months)",
    "SPOT_CHECK_FAILURE": "国家或省级监督抽查不合格 Spot-check failure",
    "OTHER": "其他 Other",
})  # fmt: skip

DisputeStatus = _mirror(disputes.DisputeStatus, "DisputeStatus", "争议状态 Status of a dispute", {
    "OPEN": "处理中 Open: the responsible unit analyses it",
    "ESCALATED": "已上报总部 Escalated to HQ",
    "SETTLED": "已处理 Settled",
})  # fmt: skip

SpotCheckLevel = _mirror(decisions.SpotCheckLevel, "SpotCheckLevel", "监督抽查级别 Level of a supervision spot check", {
    "NATIONAL": "国家级 National",
    "PROVINCIAL": "省级 Provincial",
})  # fmt: skip
