"""JSON log lines for `surveil serve`, `surveil worker` and the other commands (README,
Operations): one object per line with `timestamp`, `level`, `logger`, `event` and whatever the
caller added as `extra` (the request line: request_id, login, operation, status, outcome,
duration_ms). Tracebacks go into `exception`, in the log only."""

from __future__ import annotations

import logging
import sys

import structlog

QUIET = {"tortoise": logging.WARNING, "casbin": logging.WARNING}  # casbin logs its model on every reload


def _drop_console_only(logger, method_name, event_dict):
    """uvicorn adds `color_message`, its message with ANSI colour codes for a terminal: not for JSON."""
    event_dict.pop("color_message", None)
    return event_dict


def json_formatter() -> logging.Formatter:
    shared = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        _drop_console_only,
    ]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )


def configure_logging(level: str = "INFO", stream=None) -> logging.Handler:
    """Every record of the process, ours and the libraries' (uvicorn's included), as JSON on
    `stream` (stderr). Returns the handler (tests remove it again)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    # Replaces plain console handlers (basicConfig's, an earlier call's) and keeps the others,
    # e.g. a test runner's capture, which subclass them.
    root.handlers[:] = [h for h in root.handlers if type(h) is not logging.StreamHandler] + [handler]
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet)
    return handler
