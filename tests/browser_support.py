"""A real headless Chromium driven over the DevTools protocol (a websocket: the `websockets`
package the server already installs), for the few tests that need a browser. Debian's chromium
must be installed; otherwise those tests skip with the reason."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager

import httpx
import pytest
from websockets.sync.client import connect

from tests.redis_support import free_port


class Page:
    def __init__(self, socket) -> None:
        self.socket = socket
        self.events: list[dict] = []  # what the page reported meanwhile (e.g. Network.requestWillBeSent)
        self._ids = itertools.count(1)

    def send(self, method: str, **params) -> dict:
        ident = next(self._ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression[:80]}…: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"never true in the page: {expression}")


@contextmanager
def headless_page():
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("Debian's chromium is not installed: the browser test is not tried")
    port = free_port()
    # Chromium's helper processes may still write the profile as it exits: leftovers are not a failure.
    with tempfile.TemporaryDirectory(prefix="surveil-browser-", ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", f"--remote-debugging-port={port}",
             f"--user-data-dir={profile}", "--no-first-run", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            target = _page_target(port, browser)
            with connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=30) as socket:
                yield Page(socket)
        finally:
            browser.terminate()
            browser.wait(30)


def _page_target(port: int, browser: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if browser.poll() is not None:
            raise AssertionError("chromium stopped at start")
        try:
            pages = [
                t for t in httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json() if t["type"] == "page"
            ]
            if pages:
                return pages[0]
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("chromium's DevTools endpoint never answered")
