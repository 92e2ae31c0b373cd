"""Sign-in through the organisation's identity provider, for real: a loopback HTTP server
publishes the provider's JWKS, tokens are signed with its private keys, keys rotate, and the
GraphQL endpoint accepts or refuses (wrong issuer, audience, expiry, unknown key, `alg: none`,
HS256 signed with a public key, unknown or deactivated logins, auto-provisioning)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from domain.audit_events import AuditAction
from store.models import AuditEntry, RoleAssignment, User
from tests.client import error_codes
from tests.security.oidc_support import AUDIENCE, ISSUER, VIEWER, Provider, app_client, serving


@pytest.fixture
def provider():
    with serving(Provider()) as state:
        yield state


@asynccontextmanager
async def signed_in_app(world_url: str, provider: Provider, **overrides):
    async with app_client(world_url, provider, **overrides) as http:

        async def ask(token: str) -> dict:
            response = await http.post("/graphql", json={"query": VIEWER}, headers={"authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            return response.json()

        yield ask


def _refused(body: dict, message_part: str) -> None:
    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert body.get("data") is None
    assert message_part in body["errors"][0]["message"], body["errors"][0]["message"]


async def test_a_provider_token_signs_its_login_in(world_url, provider):
    provider.published = [provider.new_key("rsa-1"), provider.new_key("ec-1", "EC")]
    async with signed_in_app(world_url, provider) as ask:
        for kid in ("rsa-1", "ec-1"):
            viewer = (await ask(provider.token(kid, "east.planner")))["data"]["viewer"]
            assert (viewer["login"], viewer["unit"]["code"]) == ("east.planner", "east")
            assert {"role": "PLANNER"} in viewer["roles"]


async def test_the_login_claim_is_configurable(world_url, provider):
    provider.published = [provider.new_key("rsa-1")]
    async with signed_in_app(world_url, provider, oidc_login_claim="employee_login") as ask:
        body = await ask(provider.token("rsa-1", "hq.admin", employee_login="east.planner"))
        assert body["data"]["viewer"]["login"] == "east.planner"
        _refused(await ask(provider.token("rsa-1", "east.planner")), "employee_login")


async def test_a_rotated_key_is_fetched_and_a_retired_one_refused(world_url, provider):
    provider.published = [provider.new_key("2026-a")]
    async with signed_in_app(world_url, provider, oidc_jwks_cooldown_seconds=0.2) as ask:
        assert (await ask(provider.token("2026-a", "east.planner")))["data"]["viewer"]
        provider.published = [provider.new_key("2026-b")]  # the provider rotates
        time.sleep(0.3)
        assert (await ask(provider.token("2026-b", "east.planner")))["data"]["viewer"]["login"] == "east.planner"
        time.sleep(0.3)
        _refused(await ask(provider.token("2026-a", "east.planner")), "does not publish")


async def test_made_up_key_ids_do_not_make_the_server_hammer_the_provider(world_url, provider):
    provider.published = [provider.new_key("rsa-1")]
    provider.new_key("attacker")
    async with signed_in_app(world_url, provider) as ask:
        assert (await ask(provider.token("rsa-1", "east.planner")))["data"]["viewer"]
        before = provider.fetches
        for _ in range(5):
            token = provider.token("attacker", "east.planner")
            rest = token.split(".", 1)[1]
            forged = base64.urlsafe_b64encode(
                json.dumps({"alg": "RS256", "typ": "JWT", "kid": uuid.uuid4().hex}).encode()
            ).rstrip(b"=")
            _refused(await ask(forged.decode() + "." + rest), "does not publish")
        assert provider.fetches - before <= 1


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"iss": "https://evil.example.test"}, "another provider"),
        ({"aud": "another-service"}, "another service"),
        ({"exp": datetime.now(UTC) - timedelta(minutes=5), "iat": datetime.now(UTC) - timedelta(hours=1)}, "expired"),
    ],
)
async def test_tokens_for_elsewhere_or_expired_are_refused(world_url, provider, claims, message):
    provider.published = [provider.new_key("rsa-1")]
    async with signed_in_app(world_url, provider) as ask:
        _refused(await ask(provider.token("rsa-1", "east.planner", **claims)), message)


async def test_unsigned_and_confused_tokens_are_refused(world_url, provider):
    provider.published = [provider.new_key("rsa-1")]
    async with signed_in_app(world_url, provider) as ask:
        good = provider.token("rsa-1", "east.planner")
        unsigned = jwt.encode(jwt.decode(good, options={"verify_signature": False}), None, algorithm="none")
        _refused(await ask(unsigned), "not signed the way")
        public_pem = provider.jwks()["keys"][0]["n"]  # anything public, used as an HS256 secret
        confused = jwt.encode(
            jwt.decode(good, options={"verify_signature": False}),
            public_pem + "-padding-to-be-long-enough",
            algorithm="HS256",
            headers={"kid": "rsa-1"},
        )
        _refused(await ask(confused), "not signed the way")
        _refused(await ask("not-a-token"), "not valid")
        tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
        _refused(await ask(tampered), "not valid")


async def test_unknown_and_deactivated_logins_are_refused_and_nothing_is_created(world_url, provider):
    provider.published = [provider.new_key("rsa-1")]
    async with signed_in_app(world_url, provider) as ask:
        users = await User.all().count()
        _refused(await ask(provider.token("rsa-1", "nobody.here")), "unknown or deactivated")
        _refused(await ask(provider.token("rsa-1", None)), "preferred_username")
        await User.filter(login="east.inspector2").update(active=False)
        _refused(await ask(provider.token("rsa-1", "east.inspector2")), "unknown or deactivated")
        assert await User.all().count() == users


async def test_auto_provisioning_creates_the_login_once_without_roles_and_audits_it(world_url, provider):
    provider.published = [provider.new_key("rsa-1")]
    async with signed_in_app(world_url, provider, oidc_auto_provision=True) as ask:
        token = provider.token("rsa-1", "new.colleague", name="新同事 New Colleague")
        first = (await ask(token))["data"]["viewer"]
        again = (await ask(token))["data"]["viewer"]
        assert first == again == {"login": "new.colleague", "unit": {"code": "hq"}, "roles": []}
        user = await User.get(login="new.colleague")
        assert user.display_name == "新同事 New Colleague"
        assert not await RoleAssignment.filter(user_id=user.id).exists()
        records = await AuditEntry.filter(action=AuditAction.USER_PROVISION.value, object_id=user.id)
        assert len(records) == 1 and records[0].actor == "system"
        await User.filter(login="east.inspector2").update(active=False)  # a deactivated login stays out
        _refused(await ask(provider.token("rsa-1", "east.inspector2")), "unknown or deactivated")
        assert not (await User.get(login="east.inspector2")).active


async def test_an_unreachable_provider_is_a_clear_refusal(world_url, provider):
    provider.published = [provider.new_key("rsa-1")]
    token = provider.token("rsa-1", "east.planner")
    dead = Provider()
    dead.url = "http://127.0.0.1:9/certs"  # nothing listens on the discard port
    async with signed_in_app(world_url, dead) as ask:
        _refused(await ask(token), "cannot be reached")


def test_settings_need_issuer_and_audience_with_a_jwks_url(monkeypatch):
    from server.settings import load_settings

    monkeypatch.setenv("OIDC_JWKS_URL", "https://id.example.test/certs")
    monkeypatch.delenv("OIDC_ISSUER", raising=False)
    with pytest.raises(RuntimeError, match="OIDC_ISSUER"):
        load_settings()
    monkeypatch.setenv("OIDC_ISSUER", ISSUER)
    monkeypatch.setenv("OIDC_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("OIDC_LOGIN_CLAIM", "email")
    settings = load_settings()
    assert (settings.oidc_jwks_url, settings.oidc_login_claim) == ("https://id.example.test/certs", "email")
    monkeypatch.setenv("SURVEIL_ENV", "production")
    monkeypatch.setenv("OIDC_JWKS_URL", "http://id.example.test/certs")
    with pytest.raises(RuntimeError, match="https"):
        load_settings()
