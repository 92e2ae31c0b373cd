"""Sign-in through the organisation's identity provider (OpenID Connect): RS256/ES256 tokens
verified against the provider's JWKS URL.

The key set is fetched asynchronously (httpx) with one deadline for the whole fetch and a size
limit, parsed by PyJWT (`PyJWKSet`), cached for `OIDC_JWKS_LIFESPAN`, and fetched again when a
token names a key not seen yet (rotation) — at most once per cooldown, so made-up key ids cannot
make the server hammer the provider. Tokens whose key is cached never wait for a fetch, and no
worker thread is held while the provider answers. The person is the user whose login is the
token's `OIDC_LOGIN_CLAIM`."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time

import httpx
import jwt

from server.settings import Settings

log = logging.getLogger("surveil.oidc")
ALGORITHMS = ("RS256", "ES256")
LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")


class OidcError(Exception):
    """Why a token does not sign anyone in; the message is safe to show."""


class OidcVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = ProviderKeys(
            settings.oidc_jwks_url,
            lifespan=settings.oidc_jwks_lifespan_seconds,
            cooldown=settings.oidc_jwks_cooldown_seconds,
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
        key = await self.keys.key(header["kid"])
        if key.algorithm_name != algorithm:
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
        """(the login, the person's display name if the token carries a usable one)."""
        claims = await self.claims(token)
        login = claims.get(self.settings.oidc_login_claim)
        # Logins are plain ASCII words: no spaces, line breaks or look-alike letters that could
        # make a second account look like the first.
        if not isinstance(login, str) or not LOGIN.fullmatch(login):
            raise OidcError(f"the token carries no usable {self.settings.oidc_login_claim} claim")
        name = claims.get("name")
        usable = isinstance(name, str) and 0 < len(name.strip()) <= 200 and name.isprintable()
        return login, name.strip() if usable else None


class ProviderKeys:
    """The provider's signing keys by key id."""

    MAX_BYTES = 512 * 1024
    DEADLINE_SECONDS = 5.0  # for the whole fetch, however the provider trickles
    # While the provider cannot be reached, expired keys still verify for this long (its
    # outage should not sign everyone out at once); then sign-in is refused.
    STALE_GRACE_SECONDS = 3600.0
    RETRY_SECONDS = 1.0

    def __init__(self, url: str, *, lifespan: float, cooldown: float) -> None:
        self.url = url
        self.lifespan = lifespan
        self.cooldown = cooldown
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")  # last successful fetch
        self._tried_at = float("-inf")  # last attempt, successful or not
        self._refreshing = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK:
        now = time.monotonic()
        fresh = now - self._fetched_at < self.lifespan
        if not (fresh and kid in self._keys):
            # A fetch is due after the cooldown; with the set expired (or never fetched), at
            # once, and then at most once a second while the provider fails to answer.
            since_try = now - self._tried_at
            due = since_try >= self.cooldown or (
                not fresh and (self._tried_at <= self._fetched_at or since_try >= self.RETRY_SECONDS)
            )
            if due or self._refreshing.locked():  # a fetch under way: wait for its result
                async with self._refreshing:  # one fetch at a time; the others use its result
                    if self._tried_at < now:
                        await self._refresh()
        if time.monotonic() - self._fetched_at >= self.lifespan + self.STALE_GRACE_SECONDS:
            raise OidcError("the identity provider cannot be reached; try again shortly")
        if kid not in self._keys:
            raise OidcError("the token is signed with a key the identity provider does not publish")
        return self._keys[kid]

    async def _refresh(self) -> None:
        """Fetch the set; on failure keep what we have (usable for a grace period)."""
        self._tried_at = time.monotonic()
        try:
            async with asyncio.timeout(self.DEADLINE_SECONDS):
                body = await self._fetch()
            keys = jwt.PyJWKSet.from_dict(json.loads(body)).keys
        except (httpx.HTTPError, TimeoutError, ValueError, TypeError, KeyError, jwt.PyJWTError) as exc:
            log.error("the identity provider's keys cannot be fetched from %s: %r", self.url, exc)
            return
        self._keys = {k.key_id: k for k in keys if k.key_id and k.public_key_use in (None, "sig")}
        self._fetched_at = time.monotonic()

    async def _fetch(self) -> bytes:
        async with (
            httpx.AsyncClient(timeout=self.DEADLINE_SECONDS, follow_redirects=False) as client,
            client.stream("GET", self.url, headers={"accept": "application/json"}) as response,
        ):
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.MAX_BYTES:
                    raise ValueError("the key set is larger than 512 KiB")
            return bytes(body)
