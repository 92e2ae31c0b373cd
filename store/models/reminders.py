"""Reminders already sent: one row per (kind, subject, threshold), written in the same
transaction as the reminder's outbox row, so a reminder is sent once per threshold."""

from tortoise import fields
from tortoise.models import Model


class ReminderSent(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=64)  # domain/notices.NoticeKind
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField()
    threshold = fields.CharField(max_length=48)  # domain/reminders.py: e.g. "30d@2026-09-30"
    sent_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reminder_sent"
        unique_together = (("kind", "subject_type", "subject_id", "threshold"),)
