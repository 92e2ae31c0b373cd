"""Persistence: Tortoise models, migrations and query functions (repositories)."""
