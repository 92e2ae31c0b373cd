"""`surveil mail-sink` on a port it cannot have (another sink, someone else's): `make run` must
stop rather than start its worker mailing into a stranger's sink. The sink says so and exits
1 at once, without writing the ready file `make run` waits on; on a free port it writes it,
and removes it when stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from tests.services.notice_support import ROOT, free_port


def _sink(tmp_path, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "server.cli", "mail-sink", "--port", str(port), "--folder",
               str(tmp_path / "mail"), "--ready-file", str(tmp_path / "ready")]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/none.sqlite3"}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_sink_whose_port_is_taken_stops_with_a_clear_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _sink(tmp_path, port)
        try:
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err and "MAIL_PORT" in err, err
    assert not (tmp_path / "ready").exists()
    assert "mail sink on" not in out


def test_a_sink_on_a_free_port_says_it_is_ready_until_it_stops(tmp_path):
    port = free_port()
    process = _sink(tmp_path, port)
    try:
        end = time.monotonic() + 20
        while not (tmp_path / "ready").exists() and time.monotonic() < end and process.poll() is None:
            time.sleep(0.1)
        assert (tmp_path / "ready").read_text().strip() == str(port)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # it listens
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert not (tmp_path / "ready").exists()
