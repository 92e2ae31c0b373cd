"""Tortoise configuration from a database URL (SQLite file by default, PostgreSQL by URL)."""

from __future__ import annotations

import os
from pathlib import Path

APP_LABEL = "models"


def create_sqlite_folder(database_url: str) -> None:
    """The folder of a SQLite file, for `surveil migrate` only: every other command refuses a
    missing database (store.readiness) instead of creating an empty one."""
    if database_url.startswith("sqlite://") and not database_url.startswith("sqlite://:memory:"):
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": ["store.models"],
                "default_connection": "default",
                "migrations": "store.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the `tortoise` CLI (makemigrations): tortoise -c store.config.TORTOISE_ORM makemigrations
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", "sqlite://data/surveil.sqlite3"))
