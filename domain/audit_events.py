"""Every kind of audit record, named once: the action a record carries says what happened.
Use cases name their event here; a test fails on a bare string (tests/contract/test_audit_actions.py)."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    CERTIFICATE_SPOT_CHECK = "certificate.spot_check"
    CHECKLIST_ADD = "checklist.add"  # the planner added a task-specific item
    CHECKLIST_ANSWER = "checklist.answer"  # the team answered (or changed the answer to) an item
    CHECKLIST_DRAW = "checklist.draw"  # the task's checklist was drawn from the year's clauses
    CHECKLIST_REFRESH = "checklist.refresh"  # a changed clause refreshed unanswered items of unstarted tasks
    CHECKLIST_WITHDRAW = "checklist.withdraw"  # a split container handed its checklist to its sub-tasks
    CERTIFICATE_STATUS = "certificate.status"
    CERTIFICATE_SUSPENDED_AGAIN = "certificate.suspended_again"
    DECISION = "decision"
    DISPUTE_ESCALATE = "dispute.escalate"
    DISPUTE_OPEN = "dispute.open"
    DISPUTE_SETTLE = "dispute.settle"
    FACTORY_CORRECT = "factory.correct"
    FACTORY_RECLASSIFY = "factory.reclassify"
    POLICY_ADD = "policy.add"
    POLICY_REMOVE = "policy.remove"
    PROBLEM_ANSWER = "problem.answer"
    PROBLEM_FILE = "problem.file"
    PROBLEM_FOLLOW_UP = "problem.follow_up"
    PURCHASE_ASSIGN = "purchase.assign"
    PURCHASE_COMPLETE = "purchase.complete"
    PURCHASE_PROBLEM = "purchase.problem"
    PURCHASE_RECORD = "purchase.record"
    PURCHASE_WITHDRAW = "purchase.withdraw"
    REFERENCE_CLAUSE = "reference.clause"
    REFERENCE_FREQUENCY = "reference.frequency"
    REFERENCE_SCHEME = "reference.scheme"
    RESULT_CHANGE = "result.change"
    RESULT_CORRECTIVE_ACTION = "result.corrective_action"
    RESULT_SUBMIT = "result.submit"
    RESULT_VERIFY_CORRECTION = "result.verify_correction"
    ROLE_ASSIGN = "role.assign"
    USER_PROVISION = "user.provision"
    ROLE_REVOKE = "role.revoke"
    SAMPLE_LAB_REPORT = "sample.lab_report"
    SAMPLE_RECEIVED = "sample.received"
    SAMPLE_REPORTED = "sample.reported"
    SAMPLE_SEAL = "sample.seal"
    SAMPLE_SHIPPED = "sample.shipped"
    SAMPLE_TESTING = "sample.testing"
    TASK_ARCHIVE = "task.archive"
    TASK_BUYER_ASSIGNED = "task.buyer_assigned"
    TASK_CANCEL = "task.cancel"
    TASK_CONVERT_TO_SPECIAL = "task.convert_to_special"
    TASK_CREATE = "task.create"
    TASK_DECIDE = "task.decide"
    TASK_DELEGATE = "task.delegate"
    TASK_ESCALATE = "task.escalate"
    TASK_EXCEPTION = "task.exception"
    TASK_FLAG_COMPLEX = "task.flag_complex"
    TASK_FORM = "task.form"
    TASK_FORM_CONFIRMED = "task.form_confirmed"
    TASK_ISSUE = "task.issue"
    TASK_LAB_DECISION = "task.lab_decision"
    TASK_LAB_REQUEST = "task.lab_request"
    TASK_MATERIAL = "task.material"
    TASK_PERSON_DAYS = "task.person_days"
    TASK_PLAN = "task.plan"
    TASK_PLANNED_PERSON_DAYS = "task.planned_person_days"
    TASK_REROUTE = "task.reroute"
    TASK_RESCHEDULE = "task.reschedule"
    TASK_RESULTS = "task.results"
    TASK_REVIEW_AGREE = "task.review_agree"
    TASK_REVIEW_RETURN = "task.review_return"
    TASK_RISK_ASSESSMENT = "task.risk_assessment"
    TASK_SAMPLING_DETAILS = "task.sampling_details"
    TASK_SCHEDULE = "task.schedule"
    TASK_SPLIT = "task.split"
    TASK_START = "task.start"
    TASK_TEAM_ASSIGN = "task.team_assign"
    TASK_TEAM_CHANGE = "task.team_change"
    TASK_TEAM_FORMED = "task.team_formed"
    SEED_DEMO = "seed.demo"  # the demo world loaded
    TASK_ARCHIVE_FILE = "task.archive_file"  # the archive record a bundle's manifest is bound to
    # Registry administration (issue 12)
    UNIT_CREATE = "unit.create"
    UNIT_UPDATE = "unit.update"
    CATEGORY_CREATE = "category.create"
    CATEGORY_UPDATE = "category.update"
    FACTORY_CREATE = "factory.create"
    FACTORY_CLOSE = "factory.close"
    FACTORY_REOPEN = "factory.reopen"
    FACTORY_MERGE = "factory.merge"  # on the duplicate and on the survivor
    FACTORY_REROUTE = "factory.reroute"  # a unit's jurisdiction changed under the factory
    TASK_FACTORY_MERGED = "task.factory_merged"  # the task's factory was merged into another
    CERTIFICATE_ISSUE = "certificate.issue"
    CERTIFICATE_RENEW = "certificate.renew"
    CERTIFICATE_TRANSFER = "certificate.transfer"
    CERTIFICATE_CANCEL = "certificate.cancel"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_DEACTIVATE = "user.deactivate"
    USER_REACTIVATE = "user.reactivate"
    USER_LANGUAGE = "user.language"  # a person chose the language they read (or to follow the browser)
    # A registry import (surveil import / importRegistry): one record per row created or changed,
    # naming the file, its SHA-256 and the row; one summary record per import that changed anything.
    IMPORT_CREATE = "import.create"
    IMPORT_UPDATE = "import.update"
    IMPORT_RUN = "import.run"
    # Notices (issue 14): one record per reminder run that sent anything, with the counts per kind.
    NOTICE_REMINDERS = "notice.reminders"
    # Notices (issue 14, E): delivery
    NOTICE_FAN_OUT = "notice.fan_out"  # an event's recipients decided: inbox entries and deliveries written
    NOTICE_DEAD = "notice.dead"  # a delivery's last attempt failed: a dead letter
    NOTICE_RETRY = "notice.retry"  # an HQ administrator sent a dead letter back to be delivered
    NOTICE_READ = "notice.read"  # a person marked inbox entries read
    NOTICE_PREFERENCES = "notice.preferences"  # a person changed their channels
    WEBHOOK_REGISTER = "webhook.register"
    WEBHOOK_DEACTIVATE = "webhook.deactivate"
    NOTICE_ROUTE_ADD = "notice_route.add"  # an HQ administrator routed a kind to a role (in a unit or `*`)
    NOTICE_ROUTE_REMOVE = "notice_route.remove"  # ... and took such a route away (the row is deleted)
