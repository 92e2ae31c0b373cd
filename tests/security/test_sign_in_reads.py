"""Issue 17 (H): what authentication remembers between requests, and what it must not.

A token's signature and claims are checked once and remembered until it expires; the person
it names is read again at every request, so deactivating someone takes effect at once."""

from __future__ import annotations

import dataclasses

import jwt
import pytest

import server.auth
from server.auth import AuthError, TokenVerifier, issue_dev_token
from server.settings import Settings
from store.models import User
from tests.api.budget_support import graphql_client, running
from tests.client import error_codes


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    seen: list[str] = []
    decode = jwt.decode

    def counting_decode(token, *args, **kwargs):
        seen.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(server.auth.jwt, "decode", counting_decode)
    return seen


def test_a_token_is_checked_once_and_refused_once_it_expires(decodes):
    settings = Settings()
    verifier = TokenVerifier(settings)
    token = issue_dev_token(settings, 7, "someone", hours=1)
    assert [verifier.verify(token) for _ in range(3)] == [7, 7, 7]
    assert decodes == [token]
    expires = jwt.PyJWT().decode(token, options={"verify_signature": False})["exp"]  # not counted
    verifier.clock = lambda: expires  # the second it expires
    with pytest.raises(AuthError, match="expired"):
        verifier.verify(token)
    verifier.clock = lambda: expires - 1  # (PyJWT reads the real clock): it was forgotten, so checked again
    assert verifier.verify(token) == 7
    assert decodes == [token, token]


def test_a_tampered_token_is_checked_even_beside_a_remembered_one(decodes):
    settings = Settings()
    verifier = TokenVerifier(settings)
    token = issue_dev_token(settings, 7, "someone")
    verifier.verify(token)
    header, claims, signature = token.split(".")
    forged = ".".join((header, claims, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")))
    with pytest.raises(AuthError, match="not valid"):
        verifier.verify(forged)
    assert decodes == [token, forged]


async def test_a_person_deactivated_after_signing_in_is_refused_at_the_next_request(sqlite_worlds):
    settings = dataclasses.replace(Settings(), database_url=sqlite_worlds.fresh())
    async with running(settings) as application, graphql_client(settings, application) as api:
        assert (await api.data("{ viewer { login } }", as_user="east.planner"))["viewer"]["login"] == "east.planner"
        await User.filter(login="east.planner").update(active=False)
        assert error_codes(await api.run("{ viewer { login } }", as_user="east.planner")) == ["UNAUTHENTICATED"]
        await User.filter(login="east.planner").update(active=True)
        assert (await api.data("{ viewer { login } }", as_user="east.planner"))["viewer"]["login"] == "east.planner"


async def test_typename_with_a_token_reads_the_person_in_one_statement(sqlite_worlds):
    settings = dataclasses.replace(Settings(), database_url=sqlite_worlds.fresh())
    async with running(settings) as application, graphql_client(settings, application) as api:
        await api.data("{ __typename }", as_user="hq.planner")
        with api.count_queries() as counter:
            assert await api.data("{ __typename }", as_user="hq.planner") == {"__typename": "Query"}
        assert len(counter.statements) == 1, counter.statements
        assert "app_user" in counter.statements[0] and "org_unit" in counter.statements[0]
