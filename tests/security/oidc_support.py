"""A real identity provider for sign-in tests: key material, the JWKS it publishes on a
loopback HTTP server (which can misbehave on purpose), and the app configured to trust it."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from server.app import create_app
from server.settings import Settings
from tests.client import TEST_HEADERS

ISSUER = "https://id.example.test/realms/cnca"
AUDIENCE = "surveil-api"
VIEWER = "{ viewer { login unit { code } roles { role } } }"


class Provider:
    """The identity provider's key material and the JWKS it currently publishes."""

    def __init__(self) -> None:
        self.keys: dict[str, object] = {}
        self.published: list[str] = []
        self.extra_keys: list[dict] = []  # published as they are (odd keys an attacker hopes for)
        self.fetches = 0
        self.url = ""
        # How the JWKS endpoint answers: json, html, garbage, down (503), slow (after `delay`
        # seconds) or trickle (one body byte a second).
        self.mode = "json"
        self.delay = 0.0

    def new_key(self, kid: str, kind: str = "RSA") -> str:
        self.keys[kid] = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if kind == "RSA"
            else ec.generate_private_key(ec.SECP256R1())
        )
        return kid

    def jwks(self) -> dict:
        found = []
        for kid in self.published:
            key = self.keys[kid]
            if isinstance(key, rsa.RSAPrivateKey):
                jwk, alg = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "RS256"
            else:
                jwk, alg = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "ES256"
            found.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
        return {"keys": [*found, *self.extra_keys]}

    def token(self, kid: str, login: str | None, **claims) -> str:
        key = self.keys[kid]
        now = datetime.now(UTC)
        body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + timedelta(minutes=5), "sub": str(uuid.uuid4())}
        if login is not None:
            body["preferred_username"] = login
        body.update(claims)
        algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
        return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


@contextmanager
def serving(state: Provider):
    """Publish `state`'s JWKS on a loopback port for the duration."""

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):
            state.fetches += 1
            mode = state.mode
            if mode == "down":
                self.send_response(503)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            if mode == "html":
                body, kind = b"<html><body><h1>Maintenance</h1></body></html>", "text/html"
            elif mode == "garbage":
                body, kind = b"\x89PNG\r\n\x1a\n\x00\xff\xfe garbage", "application/octet-stream"
            else:
                body, kind = json.dumps(state.jwks()).encode(), "application/json"
            if mode == "slow":
                time.sleep(state.delay)
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            if mode == "trickle":  # a byte a second: each read is well inside the 5 s timeout
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(1)
                    if i >= 14:  # 15 s is plenty to show the point
                        return
            else:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-jwks-provider")
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/realms/cnca/protocol/openid-connect/certs"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@asynccontextmanager
async def app_client(world_url: str, provider: Provider, **overrides):
    """An HTTP client to the app, configured to trust `provider`."""
    settings = dataclasses.replace(
        Settings(),
        database_url=world_url,
        oidc_jwks_url=provider.url,
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        **overrides,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", timeout=60, headers=TEST_HEADERS
        ) as http:
            yield http
