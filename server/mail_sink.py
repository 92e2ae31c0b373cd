"""`surveil mail-sink`: a local SMTP server for development that keeps every message.

Each message arrives in the maildir `data/mail/` (one file per message under `new/`) and is
printed as one line (from, to, subject, delivery key). Read them with any mail reader that
opens a maildir (`mutt -f data/mail`), or simply `ls data/mail/new` and `cat` a file."""

from __future__ import annotations

import mailbox
import signal
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


def run(host: str, port: int, folder: str) -> int:
    from aiosmtpd.controller import Controller

    controller = Controller(MaildirHandler(Path(folder)), hostname=host, port=port)
    controller.start()
    print(f"mail sink on smtp://{host}:{port}, messages in {folder}/new (Ctrl-C stops)", flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    controller.stop()
    return 0
