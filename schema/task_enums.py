"""GraphQL enums of the task domain, with the Chinese terms."""

from __future__ import annotations

from domain import tasks as d
from schema.enums import _mirror

TaskKind = _mirror(d.TaskKind, "TaskKind", "监督任务类型 Kind of surveillance task", {
    "ROUTINE_NOTIFIED": "例行检查（预先通知） Routine, pre-notified",
    "ROUTINE_UNANNOUNCED": "例行检查（不通知） Routine, unannounced",
    "SPECIAL": "特殊检查 Special inspection",
    "RESTORATION": "证书恢复工厂检查 Certificate-restoration inspection",
    "RELOCATION": "搬迁检查 Relocation inspection",
    "SAMPLING": "监督抽样 Surveillance sampling",
})  # fmt: skip

TaskStatus = _mirror(d.TaskStatus, "TaskStatus", "任务状态 Task status", {
    "DRAFT": "草稿 Draft",
    "ISSUED": "已下达 Issued",
    "TEAM_ASSIGNED": "已组成检查组 Team assigned",
    "IN_PROGRESS": "实施中 In progress",
    "RESULTS_SUBMITTED": "已提交结果 Results submitted",
    "RETURNED": "复核退回 Returned by the reviewer: the team corrects and submits again",
    "REVIEWED": "已复核 Reviewed: waiting for the certification decision",
    "DECIDED": "已作出认证决定 Decided",
    "ARCHIVED": "已归档 Archived (read-only)",
    "EXCEPTION": "异常 Exception reported",
    "CANCELLED": "已取消 Cancelled",
})  # fmt: skip

SpecialTrigger = _mirror(d.SpecialTrigger, "SpecialTrigger", "特殊检查触发原因 Why a special inspection", {
    "SPOT_CHECK_FAILURE": "国家或省级监督抽查不合格 National/provincial spot-check failure",
    "COMPLAINT": "投诉 Complaint",
    "MEDIA_REPORT": "媒体报道 Media report",
    "OTHER": "其他 Other",
})  # fmt: skip

ExceptionReason = _mirror(d.ExceptionReason, "ExceptionReason", "无法实施的原因 Why a task cannot go as planned", {
    "FACTORY_CLOSED": "工厂关闭 Factory closed",
    "PRODUCTION_STOPPED": "停产 Production stopped",
    "REFUSED_INSPECTION": "拒绝检查 Inspection refused",
    "FACTORY_MOVED": "工厂搬迁 Factory moved",
    "PRODUCT_NOT_FOUND": "市场上未找到产品 Product not found on the market",
    "FORCE_MAJEURE": "不可抗力 Force majeure",
    "OTHER": "其他 Other",
})  # fmt: skip

ExceptionHandling = _mirror(d.ExceptionHandling, "ExceptionHandling", "异常处理方式 How an exception is handled", {
    "RESCHEDULE": "重新安排 Reschedule (new window)",
    "CONVERT_TO_SPECIAL": "转为特殊检查 Convert to a special inspection",
    "ESCALATE": "上报总部 Escalate to HQ",
    "CANCEL": "取消 Cancel",
})  # fmt: skip

SamplingSite = _mirror(d.SamplingSite, "SamplingSite", "抽样地点 Where samples are taken", {
    "FACTORY": "工厂 Factory",
    "MARKET": "市场 Market",
    "USAGE_SITE": "产品使用场所 Product usage site",
})  # fmt: skip

SamplingMethod = _mirror(d.SamplingMethod, "SamplingMethod", "取样方式 How the sample is obtained", {
    "SAMPLING": "抽样 Taken and sealed",
    "PURCHASE": "买样 Bought like a customer",
})  # fmt: skip
