"""Notices: the outbox (written inside commands), fan-out and delivery (the worker)."""
