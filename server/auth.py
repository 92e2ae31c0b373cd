"""Bearer-token authentication (JWT). Dev: HS256 with a shared secret. Production: RS256
verified with a public key file or a JWKS file."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import jwt

from server.settings import Settings


class AuthError(Exception):
    """The token is missing the point: malformed, expired, wrong signature, unknown user."""


# Tokens whose signature and claims were checked, remembered with their expiry: a client sends
# the same token for every request of its lifetime, and checking it again costs ~0.15 ms. What
# a check decides cannot change before the expiry but for the keys, which are read at start-up.
VERIFIED_REMEMBERED = 4096
MAX_USER_ID = 2**31 - 1  # database ids are 32-bit integers: a larger `sub` names no one
FAR_FUTURE = 2**53  # seconds; a later `exp` is remembered as this (float() of a larger one overflows)


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.algorithm = settings.jwt_algorithm
        self.clock = time.time  # seconds since the epoch, as the tokens' `exp`
        self._verified: dict[str, tuple[int, float]] = {}  # token -> (user id, exp)
        self._keys: dict[str | None, object] = {}
        if self.algorithm == "HS256":
            self._keys[None] = settings.jwt_secret
        elif settings.jwks_file:
            with open(settings.jwks_file, encoding="utf-8") as fh:
                for jwk in json.load(fh)["keys"]:
                    self._keys[jwk.get("kid")] = jwt.PyJWK(jwk).key
        elif settings.jwt_public_key_file:
            with open(settings.jwt_public_key_file, encoding="utf-8") as fh:
                self._keys[None] = fh.read()

    def _key_for(self, token: str):
        if len(self._keys) == 1 and None in self._keys:
            return self._keys[None]
        kid = jwt.get_unverified_header(token).get("kid")
        if kid not in self._keys:
            raise AuthError("unknown signing key")
        return self._keys[kid]

    def verify(self, token: str) -> int:
        """The user id the token was issued to."""
        known = self._verified.get(token)
        if known is not None:
            user_id, expires = known
            if self.clock() < expires:  # PyJWT's rule: expired once `exp` is reached
                return user_id
            del self._verified[token]
            raise AuthError("the token has expired")
        user_id, expires = self._checked(token)
        if len(self._verified) >= VERIFIED_REMEMBERED:
            self._verified.clear()  # many clients at once: forgetting costs one check each
        self._verified[token] = (user_id, expires)
        return user_id

    def _checked(self, token: str) -> tuple[int, float]:
        """(user id, expiry) of a token whose signature and claims hold; AuthError otherwise."""
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=[self.algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "sub", "iat"]},
            )
            sub = str(claims["sub"])
        except jwt.ExpiredSignatureError:
            raise AuthError("the token has expired") from None
        except jwt.PyJWTError:
            raise AuthError("the token is not valid") from None
        digits = sub.removeprefix("user:")
        # ASCII digits only: str.isdigit() also takes ² and other scripts' digits, which int() reads.
        if not sub.startswith("user:") or not (digits.isascii() and digits.isdigit()) or len(digits) > 10:
            raise AuthError("the token is not valid")
        if not 0 < int(digits) <= MAX_USER_ID:
            raise AuthError("the token is not valid")
        return int(digits), float(min(claims["exp"], FAR_FUTURE))


def issue_dev_token(settings: Settings, user_id: int, login: str, hours: int | None = None) -> str:
    """For `surveil token` and tests. Production tokens come from the identity provider."""
    if settings.jwt_algorithm != "HS256":
        raise RuntimeError("only development (HS256) tokens can be issued here")
    now = datetime.now(UTC)
    claims = {
        "sub": f"user:{user_id}",
        "login": login,
        "iat": now,
        "exp": now + timedelta(hours=hours if hours is not None else settings.token_ttl_hours),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
