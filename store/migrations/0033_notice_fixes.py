"""Notices name their subject as the GraphQL type that node(id) opens (issue 14, fixes): a
task is `Task`, no longer `SurveillanceTask`, in the outbox, the inboxes and the reminders
already sent (so no reminder is sent again under the new name); the sampling notice and the
answer to a lab request are about their task (the enterprise reads neither samples nor lab
requests as nodes). Data only: no table changes. Depends on 0031 here; the lead re-chains it
after 0032_public_status at merge."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0032_public_status")]

    initial = False

    operations = [
        ops.RunSQL("UPDATE outbox_event SET subject_type = 'Task' WHERE subject_type = 'SurveillanceTask'", "SELECT 1"),
        ops.RunSQL("UPDATE notification SET subject_type = 'Task' WHERE subject_type = 'SurveillanceTask'", "SELECT 1"),
        ops.RunSQL(
            "UPDATE reminder_sent SET subject_type = 'Task' WHERE subject_type = 'SurveillanceTask'", "SELECT 1"
        ),
        ops.RunSQL(
            "UPDATE notification SET subject_type = 'Task', subject_id = "
            "(SELECT e.task_id FROM outbox_event e WHERE e.id = notification.event_id) "
            "WHERE kind IN ('sampling.notice', 'lab_request.answered') AND EXISTS "
            "(SELECT 1 FROM outbox_event e WHERE e.id = notification.event_id AND e.task_id IS NOT NULL)",
            "SELECT 1",
        ),
        ops.RunSQL(
            "UPDATE outbox_event SET subject_type = 'Task', subject_id = task_id "
            "WHERE kind IN ('sampling.notice', 'lab_request.answered') AND task_id IS NOT NULL",
            "SELECT 1",
        ),
    ]
