"""GraphiQL from the package's own files (nothing from a CDN), off in production; CORS only for
the origins in SURVEIL_CORS_ORIGINS, checked with real browser preflights over the ASGI app."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from server.app import create_app
from server.settings import Settings
from tests.browser_support import headless_page

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = "https://app.example.org"
HTML = {"accept": "text/html"}


@asynccontextmanager
async def client_of(settings: Settings):
    application = create_app(settings)
    transport = httpx.ASGITransport(app=application)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield http


@pytest.fixture
def dev_settings(sqlite_worlds):
    url = sqlite_worlds.fresh()
    yield dataclasses.replace(Settings(), database_url=url, cors_origins=(ALLOWED,))
    sqlite_worlds.dispose(url)


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "script":
            if found.get("src"):
                self.urls.append(found["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and found.get("href"):
            self.urls.append(found["href"])
        elif tag in ("img", "iframe") and found.get("src"):
            self.urls.append(found["src"])


async def test_graphiql_and_every_asset_it_loads_come_from_the_app_itself(dev_settings):
    async with client_of(dev_settings) as http:
        page = await http.get("/graphql", headers=HTML)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "unsafe-eval" not in policy
        parsed = Assets()
        parsed.feed(page.text)
        assert parsed.inline_scripts == 0  # the policy allows none
        assert len(parsed.urls) == 6, parsed.urls
        for url in parsed.urls:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc and url.startswith("/graphiql/"), url
            asset = await http.get(url)
            assert asset.status_code == 200 and len(asset.content) > 20, url
            kind = "javascript" if url.endswith(".js") else "css"
            assert kind in asset.headers["content-type"], (url, asset.headers["content-type"])
            assert asset.headers["x-content-type-options"] == "nosniff", url  # never sniffed as HTML
            assert asset.headers["content-security-policy"] == policy, url
        for name in ("unpkg", "jsdelivr", "cdnjs", "esm.sh"):
            assert name not in page.text
        script = (await http.get("/graphiql/surveil-graphiql.js")).text
        assert '"Authorization": "Bearer <token>"' in script and "onEditHeaders" in script
        assert 'data-endpoint="/graphql"' in page.text


async def test_production_serves_neither_graphiql_nor_its_files(dev_settings):
    production = dataclasses.replace(dev_settings, env="production", graphiql=False, introspection=False)
    async with client_of(production) as http:
        assert (await http.get("/graphql", headers=HTML)).status_code == 404
        assert (await http.get("/graphiql/graphiql.min.js")).status_code == 404


def preflight(origin: str, headers: str = "authorization,content-type") -> dict:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": headers,
    }


async def test_a_preflight_from_an_allowed_origin_is_answered_and_others_are_not(dev_settings):
    async with client_of(dev_settings) as http:
        allowed = await http.options("/graphql", headers=preflight(ALLOWED))
        assert allowed.status_code == 200, allowed.text
        assert allowed.headers["access-control-allow-origin"] == ALLOWED
        assert "POST" in allowed.headers["access-control-allow-methods"]
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in allowed.headers  # bearer tokens, never cookies

        for stranger in ("https://evil.example.org", "http://app.example.org", "https://app.example.org.evil.io"):
            refused = await http.options("/graphql", headers=preflight(stranger))
            assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers, stranger
        odd_header = await http.options("/graphql", headers=preflight(ALLOWED, "x-sneaky"))
        assert odd_header.status_code == 400
        with_id = await http.options("/graphql", headers=preflight(ALLOWED, "authorization,x-request-id"))
        assert with_id.status_code == 200  # a front end may send its own request id

        query = {"query": "{ __typename }"}
        answered = await http.post("/graphql", json=query, headers={"origin": ALLOWED})
        assert answered.status_code == 200 and answered.headers["access-control-allow-origin"] == ALLOWED
        exposed = answered.headers["access-control-expose-headers"].lower()
        assert "content-disposition" in exposed and "x-request-id" in exposed  # and read the server's
        stranger = await http.post("/graphql", json=query, headers={"origin": "https://evil.example.org"})
        assert "access-control-allow-origin" not in stranger.headers


async def test_without_an_allowlist_there_is_no_cors_at_all(dev_settings):
    async with client_of(dataclasses.replace(dev_settings, cors_origins=())) as http:
        asked = await http.options("/graphql", headers=preflight(ALLOWED))
        assert "access-control-allow-origin" not in asked.headers and asked.status_code >= 400
        answered = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED})
        assert "access-control-allow-origin" not in answered.headers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# CodeMirror 5 (GraphiQL 3) keeps its editor on the element: set text as a person typing would.
SET_EDITOR = "[...document.querySelectorAll({selector!r})].at(-1).CodeMirror.setValue({text!r}); true"
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .CodeMirror"  # after the variables editor
RESPONSE_TEXT = "(document.querySelector('.graphiql-response .CodeMirror') || {}).CodeMirror?.getValue() || ''"


def test_graphiql_runs_a_query_in_a_headless_browser_without_the_network(sqlite_worlds):
    """The real server and a real browser: GraphiQL from local files only; a token pasted into the
    Headers tab, a query run with the execute button, its answer shown."""
    url, port = sqlite_worlds.fresh(), free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env=env)
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        token = subprocess.run(
            [sys.executable, "-m", "server.cli", "token", "--user", "hq.admin"],
            env=env, capture_output=True, text=True, check=True, timeout=60,
        ).stdout.strip()  # fmt: skip
        with headless_page() as page:
            page.send("Network.enable")
            page.send("Page.navigate", url=f"http://127.0.0.1:{port}/graphql")
            page.wait_for("!!document.querySelector('.graphiql-execute-button')")
            page.evaluate(
                SET_EDITOR.format(selector=HEADERS_EDITOR, text=json.dumps({"Authorization": f"Bearer {token}"}))
            )
            page.evaluate(SET_EDITOR.format(selector=QUERY_EDITOR, text="query Me { viewer { login } }"))
            page.evaluate("document.querySelector('.graphiql-execute-button').click(); true")
            answer = json.loads(page.wait_for(f"{RESPONSE_TEXT}.includes('hq.admin') && {RESPONSE_TEXT}"))
            assert answer["data"] == {"viewer": {"login": "hq.admin"}} and "errors" not in answer
            requested = page.requested_urls()
        elsewhere = [u for u in requested if not u.startswith((f"http://127.0.0.1:{port}/", "data:"))]
        assert requested and not elsewhere, elsewhere
    finally:
        server.terminate()
        server.wait(timeout=30)
        sqlite_worlds.dispose(url)
