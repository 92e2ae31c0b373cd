"""Sign-in through the organisation's identity provider (OpenID Connect): RS256/ES256 tokens
verified against the provider's JWKS URL.

PyJWT's `PyJWKClient` fetches and caches the key set (`lifespan`), refetches it when a token
names a key it does not know (key rotation) and cools down between refetches, so tokens with
made-up key ids cannot make the server hammer the provider. Its fetch is blocking, so it runs
in a worker thread. The person is the user whose login is the token's `OIDC_LOGIN_CLAIM`."""

from __future__ import annotations

import asyncio
import logging

import jwt

from domain.validation import has_control_characters
from server.settings import Settings

log = logging.getLogger("surveil.oidc")
ALGORITHMS = ("RS256", "ES256")
MAX_LOGIN = 64


class OidcError(Exception):
    """Why a token does not sign anyone in; the message is safe to show."""


class OidcVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = jwt.PyJWKClient(
            settings.oidc_jwks_url,
            cache_jwk_set=True,
            lifespan=settings.oidc_jwks_lifespan_seconds,
            timeout=5,
            cooldown_duration=settings.oidc_jwks_cooldown_seconds,
        )

    async def claims(self, token: str) -> dict:
        """The verified claims of a token from the provider."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise OidcError("the token is not valid") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS or not isinstance(header.get("kid"), str):
            raise OidcError("the token is not signed the way the identity provider signs")
        key = await self._key(token)
        if getattr(key, "algorithm_name", algorithm) != algorithm:
            raise OidcError("the token's algorithm does not match its key")
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.settings.oidc_audience,
                issuer=self.settings.oidc_issuer,
                options={"require": ["exp", "iat", "iss", "aud"]},
                leeway=30,
            )
        except jwt.ExpiredSignatureError:
            raise OidcError("the token has expired") from None
        except jwt.InvalidIssuerError:
            raise OidcError("the token was issued by another provider") from None
        except jwt.InvalidAudienceError:
            raise OidcError("the token is meant for another service") from None
        except jwt.PyJWTError:
            raise OidcError("the token is not valid") from None

    async def login(self, token: str) -> tuple[str, str | None]:
        """(the login, the person's display name if the token carries one)."""
        claims = await self.claims(token)
        login = claims.get(self.settings.oidc_login_claim)
        if not isinstance(login, str) or not 0 < len(login) <= MAX_LOGIN or has_control_characters(login):
            raise OidcError(f"the token carries no usable {self.settings.oidc_login_claim} claim")
        name = claims.get("name")
        return login, name if isinstance(name, str) else None

    async def _key(self, token: str):
        try:
            return await asyncio.to_thread(self.keys.get_signing_key_from_jwt, token)
        except jwt.PyJWKClientConnectionError as exc:
            log.error("the identity provider's keys cannot be fetched: %s", exc)
            raise OidcError("the identity provider cannot be reached; try again shortly") from None
        except jwt.PyJWKClientError:
            raise OidcError("the token is signed with a key the identity provider does not publish") from None
        except jwt.PyJWTError:
            raise OidcError("the token is not valid") from None
