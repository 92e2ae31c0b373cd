"""Without a valid bearer token only `__typename` and /health answer."""

import dataclasses
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from server.auth import issue_dev_token
from store.models import User
from tests.client import error_codes


async def test_anonymous_gets_typename_only(api):
    assert (await api.run("{ __typename }")) == {"data": {"__typename": "Query"}}
    for query in (
        "{ viewer { login } }",
        "{ factories(first: 1) { totalCount } }",
        "{ __schema { types { name } } }",
        "{ __typename factories(first: 1) { totalCount } }",
        "query Q { ...F } fragment F on Query { viewer { login } }",
        'mutation { addPolicyRule(input: {ptype: "p", values: [], reason: "x"}) { rule { id } } }',
        "{ doesNotExist }",
    ):
        body = await api.run(query)
        assert error_codes(body) == ["UNAUTHENTICATED"], query
        assert body["data"] is None
        assert "Did you mean" not in str(body)


async def test_health_needs_no_token(api):
    response = await api.http.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def _token(settings, login, **claims):
    user = await User.get(login=login)
    now = datetime.now(UTC)
    body = {
        "sub": f"user:{user.id}",
        "iat": now,
        "exp": now + timedelta(hours=1),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        **claims,
    }
    return jwt.encode(body, settings.jwt_secret, algorithm="HS256")


@pytest.mark.parametrize(
    "make_header",
    [
        lambda s, t: "Bearer not-a-jwt",
        lambda s, t: f"Basic {t}",
        lambda s, t: "Bearer",
        lambda s, t: f"Bearer {t[:-4]}abcd",  # bad signature
        lambda s, t: "Bearer " + jwt.encode({"sub": "user:1"}, s.jwt_secret, algorithm="HS256"),  # no exp
        lambda s, t: (
            "Bearer "
            + jwt.encode(
                {"sub": "user:1", "exp": 4102444800, "iat": 0, "iss": "x", "aud": s.jwt_audience}, s.jwt_secret
            )
        ),
        lambda s, t: (
            "Bearer " + jwt.encode({"sub": "user:1", "exp": 4102444800, "iat": 0}, "another-secret-another-secret-12")
        ),
        lambda s, t: "Bearer " + jwt.encode({"sub": "user:1"}, None, algorithm="none"),
    ],
)
async def test_bad_tokens_are_unauthenticated(api, settings, make_header):
    token = await _token(settings, "hq.admin")
    response = await api.http.post(
        "/graphql", json={"query": "{ viewer { login } }"}, headers={"authorization": make_header(settings, token)}
    )
    body = response.json()
    assert error_codes(body) == ["UNAUTHENTICATED"] and body["data"] is None


async def test_expired_token_says_so(api, settings):
    user = await User.get(login="east.planner")
    token = issue_dev_token(settings, user.id, user.login, hours=-1)
    response = await api.http.post(
        "/graphql", json={"query": "{ viewer { login } }"}, headers={"authorization": f"Bearer {token}"}
    )
    body = response.json()
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "expired" in body["errors"][0]["message"]


async def test_deactivated_user_is_refused(api):
    await User.filter(login="east.planner").update(active=False)
    body = await api.run("{ viewer { login } }", as_user="east.planner")
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_token_for_unknown_user_is_refused(api, settings):
    token = issue_dev_token(settings, 999_999, "ghost")
    response = await api.http.post(
        "/graphql", json={"query": "{ viewer { login } }"}, headers={"authorization": f"Bearer {token}"}
    )
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


def test_rs256_tokens_verify_with_the_public_key(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from server.auth import AuthError, TokenVerifier
    from server.settings import Settings

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "pub.pem").write_bytes(pem)
    settings = dataclasses.replace(
        Settings(), env="production", jwt_algorithm="RS256", jwt_public_key_file=str(tmp_path / "pub.pem")
    )
    verifier = TokenVerifier(settings)
    now = datetime.now(UTC)
    claims = {"sub": "user:7", "iat": now, "exp": now + timedelta(minutes=5), "iss": "surveil", "aud": "surveil-api"}
    assert verifier.verify(jwt.encode(claims, key, algorithm="RS256")) == 7
    with pytest.raises(AuthError):  # an HS256 token signed with the public key must not pass
        verifier.verify(jwt.encode(claims, "a-shared-secret-that-is-long-enough", algorithm="HS256"))


def test_production_refuses_development_secrets(monkeypatch):
    from server.settings import load_settings

    monkeypatch.setenv("SURVEIL_ENV", "production")
    monkeypatch.setenv("JWT_ALGORITHM", "HS256")
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(RuntimeError):
        load_settings()
    monkeypatch.setenv("JWT_ALGORITHM", "RS256")
    with pytest.raises(RuntimeError):
        load_settings()


def test_jwks_file_selects_the_key_by_kid(tmp_path):
    import json

    from cryptography.hazmat.primitives.asymmetric import rsa

    from server.auth import AuthError, TokenVerifier
    from server.settings import Settings

    keys = {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("k1", "k2")}
    jwks = {"keys": []}
    for kid, key in keys.items():
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        jwks["keys"].append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    settings = dataclasses.replace(
        Settings(), env="production", jwt_algorithm="RS256", jwks_file=str(tmp_path / "jwks.json")
    )
    verifier = TokenVerifier(settings)
    now = datetime.now(UTC)
    claims = {"sub": "user:5", "iat": now, "exp": now + timedelta(minutes=5), "iss": "surveil", "aud": "surveil-api"}
    assert verifier.verify(jwt.encode(claims, keys["k2"], algorithm="RS256", headers={"kid": "k2"})) == 5
    with pytest.raises(AuthError):  # signed by k1 but claims to be k2
        verifier.verify(jwt.encode(claims, keys["k1"], algorithm="RS256", headers={"kid": "k2"}))
    with pytest.raises(AuthError):
        verifier.verify(jwt.encode(claims, keys["k1"], algorithm="RS256", headers={"kid": "unknown"}))
