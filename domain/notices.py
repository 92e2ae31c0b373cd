"""What the system tells people (DOMAIN.md §8): every kind of notice, named once.

A notice is an event written to the outbox in the same transaction as the change that causes
it (`services/notices/outbox.py`); the worker fans it out to the people concerned and delivers
it by their channels. Each kind has a title and a body in every language
(`locales/<language>/LC_MESSAGES/notices.po`, msgids `<kind>.title` and `<kind>.body`)."""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    # --- To the enterprise (only once the task is known to it: never an unannounced one
    #     before its team starts) ---
    INSPECTION_PRENOTIFIED = "inspection.prenotified"  # 预先通知: window, kind, team size
    SAMPLING_NOTICE = "sampling.notice"  # 抽样通知书 (0402.08) with the samples taken
    LABS_DISCLOSED = "labs.disclosed"  # 事先向企业明示 the labs of its region (§4.1)
    LAB_REQUEST_ANSWERED = "lab_request.answered"  # the answer to its reasonable request
    RELOCATION_RISK = "relocation.risk"  # 告知企业 the certification risk (§4.6)
    NONCONFORMITIES = "results.nonconformities"  # its findings with their correction deadlines
    CERTIFICATE_DECISION = "certificate.decision"  # suspension/restoration/revocation/cancellation + ground
    DISPUTE_OUTCOME = "dispute.outcome"
    INSPECTION_CANCELLED = "inspection.cancelled"  # a task it was told of is called off
    # --- To staff ---
    TEAM_ASSIGNED = "team.assigned"
    PURCHASE_ASSIGNED = "purchase.assigned"
    REVIEW_DUE = "review.due"
    DECISION_DUE = "decision.due"
    TASK_EXCEPTION = "task.exception"
    TASK_ESCALATED = "task.escalated"
    DISPUTE_ESCALATED = "dispute.escalated"  # a dispute handed to HQ to settle (§4.8)
    LAB_REPORT_IN = "lab_report.in"
    RESULTS_RETURNED = "results.returned"  # the reviewer returned the results to the team
    LAB_REQUEST_FILED = "lab_request.filed"  # the enterprise asked for a lab (§4.1): planners answer
    CORRECTION_SUBMITTED = "correction.submitted"  # the enterprise's corrective action: the team verifies
    PROBLEM_ANSWERED = "problem.answered"
    # --- To partner agencies ---
    TASK_DELEGATED = "task.delegated"
    TASK_WITHDRAWN = "task.withdrawn"
    # --- Reminders of deadlines (the worker's schedule; once per threshold) ---
    CORRECTION_DUE = "reminder.correction_due"  # 14 and 3 days before
    CORRECTION_OVERDUE = "reminder.correction_overdue"
    LAB_REPORT_OVERDUE = "reminder.lab_report_overdue"
    SUSPENSION_OVER = "reminder.suspension_over"  # over without restoration: due for revocation
    VOLUNTARY_SUSPENSION_OVER = "reminder.voluntary_suspension_over"  # 12 months
    CERTIFICATE_EXPIRING = "reminder.certificate_expiring"  # 90 and 30 days before
    CERTIFICATE_EXPIRED = "reminder.certificate_expired"
    TASK_OVERDUE = "reminder.task_overdue"


class Channel(StrEnum):
    INBOX = "INBOX"  # in-app: always on
    EMAIL = "EMAIL"
    WEBHOOK = "WEBHOOK"  # a partner system registered for its unit


LANGUAGES = ("zh", "en")  # zh first: the default when nothing else says
