"""The GraphQL HTTP endpoint: who is asking, and what a request body may be before GraphQL
sees it. Every refusal here answers in GraphQL's error shape with a 4xx, never a 500."""

from __future__ import annotations

import json

from cross_web import HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from resolvers.context import GraphQLContext
from server.auth import AuthError
from server.authn import Authenticator
from server.graphiql import page
from server.http_limits import MAX_ANONYMOUS_BYTES, request_error_body, scope_language
from server.http_refusals import HttpRefusal, json_problem, reason_in, too_deep
from server.live_ws import SurveilTransportWS, SurveilWebSocketAdapter
from server.settings import Settings
from services.i18n import DEFAULT_LANGUAGE
from services.i18n.errors import render

MAX_JSON_CONTAINERS = 20_000  # lists and objects in one request: real ones hold a few hundred
JSON = "application/json"


class SurveilGraphQL(GraphQL):
    # Subscriptions: graphql-transport-ws only, on the same path as a websocket (server/live_ws.py).
    graphql_transport_ws_handler_class = SurveilTransportWS
    websocket_adapter_class = SurveilWebSocketAdapter

    def __init__(self, schema, settings: Settings, authenticator: Authenticator) -> None:
        # Multipart uploads are safe to enable: authentication is a bearer header, never a
        # cookie, so a cross-site form cannot act as a signed-in user (no CSRF).
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            multipart_uploads_enabled=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.settings = settings
        self.authenticator = authenticator

    async def render_graphql_ide(self, request: Request) -> Response:
        return page(request.url.path)  # the package's own GraphiQL, not strawberry's CDN page

    async def run(self, request, context=UNSET, root_value=UNSET):
        """Refusals before GraphQL runs answer in GraphQL's error shape, not plain text, in the
        reader's language (the session's, else the request's Accept-Language)."""
        try:
            if isinstance(request, Request):
                session = (await self._signed_in(request))[0]
                if session is None:
                    await self._refuse_large_anonymous(request)
                elif (refused := await self._still_over_budget(request, session)) is not None:
                    return refused
            return await super().run(request, context, root_value)
        except (HTTPException, StarletteHTTPException) as exc:
            language = await self._language(request)
            if isinstance(exc, StarletteHTTPException):
                exc = HttpRefusal(exc.status_code, "the request is refused: {reason}", reason=str(exc.detail))
            body = request_error_body(exc.status_code, reason_in(exc, language))
            return Response(body, exc.status_code, media_type=JSON)

    @staticmethod
    async def _still_over_budget(request: Request, session) -> Response | None:
        """Refused for fair use a moment ago and still without a point: refused again before the
        body is even parsed."""
        budgets = getattr(request.app.state, "budgets", None)
        noted = await budgets.still_refused(session.actor.user_id) if budgets is not None else None
        if noted is None:
            return None
        wait, template, limit = noted  # the same refusal as the one that started the wait
        error = {"message": render(template, {"limit": limit, "seconds": wait}, session.language)}
        error["extensions"] = {"code": "RATE_LIMITED", "retryAfter": wait}
        body = json.dumps({"data": None, "errors": [error]}, ensure_ascii=False)
        return Response(body, 429, media_type=JSON, headers={"Retry-After": str(wait)})

    async def _language(self, request) -> str:
        if not isinstance(request, Request):
            return DEFAULT_LANGUAGE
        session = getattr(request.state, "signed_in", (None, None))[0]
        return session.language if session is not None else scope_language(request.scope)

    async def _refuse_large_anonymous(self, request: Request) -> None:
        """Without a token only `{ __typename }` may be asked: nothing bigger than a few KB is
        read, decoded or parsed for an anonymous caller, and no upload at all."""
        if _is_multipart(request):
            raise HttpRefusal(401, "sign in with a bearer token before uploading")
        if len(request.url.query) > MAX_ANONYMOUS_BYTES:
            raise HttpRefusal(401, "sign in with a bearer token")
        if request.method == "POST":
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_ANONYMOUS_BYTES:
                    raise HttpRefusal(401, "sign in with a bearer token")
            request._body = body  # what Starlette's request.body() returns from now on

    async def _signed_in(self, request: Request):
        """(session, why not), asked once per request."""
        if not hasattr(request.state, "signed_in"):
            try:
                request.state.signed_in = (await self.authenticator.session(request), None)
            except AuthError as exc:
                request.state.signed_in = (None, str(exc))
        return request.state.signed_in

    async def get_context(self, request: Request, response) -> GraphQLContext:
        if isinstance(request, WebSocket):  # signed in by connection_init (server/live_ws.py)
            return GraphQLContext(
                session=None,
                sync=self.authenticator.sync,
                request=request,
                public_base_url=self.settings.public_base_url or str(request.base_url),
                heartbeat_seconds=min(30.0, self.settings.subscription_idle_seconds),
            )
        session, auth_error = await self._signed_in(request)
        request.state.graphql_response = response  # a refusal may set its status (server/budgets.py)
        return GraphQLContext(
            session=session,
            sync=self.authenticator.sync,
            request=request,
            auth_error=auth_error,
            public_base_url=self.settings.public_base_url or str(request.base_url),
        )

    def decode_json(self, data: str | bytes) -> object:
        """Every JSON the endpoint reads (a body, multipart `operations` and `map`, GET
        `variables`) is an object of plain text, nested no deeper than any real request."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            if text.count("[") + text.count("{") > MAX_JSON_CONTAINERS:  # checked in C, before parsing
                raise HttpRefusal(400, "a request holds at most {limit} lists and objects", limit=MAX_JSON_CONTAINERS)
            decoded = json.loads(text)
        except UnicodeDecodeError:
            raise HttpRefusal(400, "the request body must be UTF-8 JSON") from None
        except RecursionError:
            raise too_deep() from None
        except ValueError as exc:  # not JSON, or a number too long to convert
            raise HttpRefusal(400, "the request body is not usable JSON: {problem}", problem=str(exc)[:100]) from None
        if not isinstance(decoded, dict):
            raise HttpRefusal(400, "a GraphQL request must be a JSON object")
        problem = json_problem(decoded)
        if problem is not None:
            raise problem
        return decoded

    async def parse_http_body(self, request):
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and data.query and len(data.query) > self.settings.max_query_chars:
            # Before the lexer: comments and whitespace cost time but are not tokens.
            raise HttpRefusal(
                413, "a GraphQL document is limited to {limit} characters", limit=self.settings.max_query_chars
            )
        return data

    async def parse_multipart(self, request) -> dict:
        """The multipart request spec: `operations` and `map` are JSON form fields, and every
        path in `map` names a null in `operations`."""
        try:
            form = await request.get_form_data()
        except ValueError:
            raise HttpRefusal(400, "the multipart body is malformed") from None
        except StarletteHTTPException as exc:  # the form parser's own refusals
            reason = str(exc.detail)
            raise HttpRefusal(exc.status_code, "the multipart body is refused: {reason}", reason=reason) from None
        operations, files_map = form.form.get("operations"), form.form.get("map")
        if not isinstance(operations, str | bytes) or not isinstance(files_map, str | bytes):
            raise HttpRefusal(400, "`operations` and `map` must be form fields of JSON text")
        operations, files_map = self.decode_json(operations), self.decode_json(files_map)
        if not all(isinstance(paths, list) and all(isinstance(p, str) for p in paths) for paths in files_map.values()):
            raise HttpRefusal(400, "each entry of `map` must be a list of paths")
        try:
            return replace_placeholders_with_files(operations, files_map, form.files)
        except KeyError:
            raise HttpRefusal(400, "File(s) missing in form data") from None
        except (IndexError, TypeError, ValueError, AttributeError):
            raise HttpRefusal(400, "`map` names a place that `operations` does not have") from None


def _is_multipart(request: Request) -> bool:
    return request.method == "POST" and request.headers.get("content-type", "").lower().startswith("multipart/")
