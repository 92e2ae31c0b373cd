"""Turning a request's bearer token into a service Session (shared by every route)."""

from __future__ import annotations

import logging
import uuid

from starlette.requests import Request
from tortoise.exceptions import IntegrityError

from domain.errors import msg
from server.auth import AuthError, TokenVerifier
from server.observe import observed
from server.oidc import OidcError, OidcVerifier
from server.settings import Settings
from services import people
from services.context import Actor, ServiceConfig, Session
from services.i18n import accept_language_of, choose_language
from services.policy_sync import PolicySync
from store.models import User
from store.rows import Row
from store.sign_in import active_user

log = logging.getLogger("surveil.authn")
UNKNOWN = msg("the token's user is unknown or deactivated")
UNKNOWN_LOGIN = msg("the token's user is unknown or deactivated: ask an administrator to register this login")


class Authenticator:
    def __init__(
        self, verifier: TokenVerifier, sync: PolicySync, config: ServiceConfig, settings: Settings | None = None
    ) -> None:
        self.verifier = verifier
        self.sync = sync
        self.config = config
        self.settings = settings
        # With OIDC_JWKS_URL, people sign in with the provider's tokens only.
        self.oidc = OidcVerifier(settings) if settings and settings.oidc_jwks_url else None

    async def session(self, request: Request) -> Session | None:
        """None without an Authorization header; AuthError for a bad one."""
        return await self.session_for(request.headers.get("authorization", ""), request.headers, observed(request))

    async def session_for(self, header: str, headers, info=None) -> Session | None:
        """The session of an `Authorization` value (an HTTP header, or a websocket's
        `connection_init` payload, re-checked at each subscription event): None when empty."""
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthError("use the Authorization: Bearer <token> header")
        user = await (self._provider_user(token.strip()) if self.oidc else self._dev_user(token.strip()))
        await self.sync.refresh()
        if info is not None:
            info.login = user.login
        request_id = info.request_id if info is not None else uuid.uuid4().hex
        actor = Actor(
            user_id=user.id, login=user.login, unit_code=user.unit.code, request_id=request_id, unit_kind=user.unit.kind
        )
        language = choose_language(user.language, accept_language_of(headers))
        return Session.for_actor(actor, self.sync.authorizer, self.config, language)

    async def _dev_user(self, token: str) -> Row:
        user_id = self.verifier.verify(token)
        user = await active_user(user_id)
        if user is None:
            raise AuthError(UNKNOWN)
        return user

    async def _provider_user(self, token: str) -> User:
        """The active user whose login the provider's token names; with auto-provisioning, a
        login never seen before becomes a user without roles (a deactivated one stays out)."""
        try:
            login, name = await self.oidc.login(token)
        except OidcError as exc:
            raise AuthError(str(exc)) from None
        user = await User.filter(login__iexact=login).select_related("unit").first()
        if user is None and self.settings.oidc_auto_provision:
            user = await self._provision(login, name)
        if user is None or not user.active:
            raise AuthError(UNKNOWN_LOGIN)
        return user

    async def _provision(self, login: str, name: str | None) -> User:
        try:
            unit = self.settings.oidc_provision_unit
            return await people.provision_user(login=login, display_name=name, unit_code=unit)
        except IntegrityError:  # the same person's first requests raced: the other one created it
            return await User.get(login__iexact=login).select_related("unit")
        except people.ProvisioningError as exc:
            log.error("%s", exc)
            raise AuthError("sign-in is misconfigured: ask an administrator") from None
