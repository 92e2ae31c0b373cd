"""`surveil mail-sink`: a local SMTP server for development that keeps every message.

Each message arrives in the maildir `data/mail/` (one file per message under `new/`) and is
printed as one line (to, subject, delivery key): aiosmtpd's own session log (`mail.log`, a dozen
INFO lines per message) is kept to warnings. Read them with any mail reader that opens a
maildir (`mutt -f data/mail`), or simply `ls data/mail/new` and `cat` a file.

A port it cannot listen on (another sink, someone else's) ends it at once with a message and
exit status 1, so `make run` stops rather than have its worker mail into a stranger's sink;
`--ready-file` is written once it listens (what `make run` waits for) and removed on exit."""

from __future__ import annotations

import logging
import mailbox
import signal
import sys
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path


class MaildirHandler:
    def __init__(self, folder: Path, echo: bool = True) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        self.box = mailbox.Maildir(folder, create=True)
        self.echo = echo

    async def handle_DATA(self, server, session, envelope):
        self.box.add(envelope.content)
        if self.echo:
            parsed = message_from_bytes(envelope.content)
            subject = str(make_header(decode_header(parsed.get("Subject", ""))))
            key = parsed.get("X-Surveil-Delivery-Key", "-")
            print(f"mail to {', '.join(envelope.rcpt_tos)}: {subject}  [{key}]", flush=True)
        return "250 Message accepted for delivery"


def run(host: str, port: int, folder: str, ready_file: str | None = None) -> int:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per message is ours
    controller = Controller(MaildirHandler(Path(folder)), hostname=host, port=port)
    try:
        controller.start()
    except OSError as exc:
        why = f"surveil mail-sink: cannot listen on {host}:{port} ({exc.strerror or exc})"
        print(f"{why}: is another mail sink running? choose another port (make run MAIL_PORT=...)", file=sys.stderr)
        return 1
    ready = Path(ready_file) if ready_file else None
    if ready is not None:
        ready.parent.mkdir(parents=True, exist_ok=True)
        ready.write_text(f"{port}\n")
    print(f"mail sink on smtp://{host}:{port}, messages in {folder}/new (Ctrl-C stops)", flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    try:
        done.wait()
    finally:
        controller.stop()
        if ready is not None:
            ready.unlink(missing_ok=True)
    return 0
