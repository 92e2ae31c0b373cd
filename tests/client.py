"""A GraphQL client for tests: the real app (lifespan included) over ASGI, as any demo user."""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager

import httpx

from server.auth import issue_dev_token
from server.settings import Settings
from store.models import User


class QueryCounter(logging.Handler):
    """Counts SQL statements the ORM sends (it logs each at DEBUG on tortoise.db_client)."""

    VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip()
        # The policy cache checks its revision at most once a second, whichever request
        # happens to run then: not work the request itself causes.
        if text.upper().startswith(self.VERBS) and '"policy_revision"' not in text:
            self.statements.append(text)


# Tests read English unless they ask otherwise: the code's messages are the English msgids the
# existing assertions were written against (the service's own default, for a request without
# Accept-Language, is Chinese). Every test HTTP client sends this; a test of another language
# overrides it per request (`headers={"accept-language": "zh"}`, or "" for none).
TEST_HEADERS = {"accept-language": "en"}


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings
        self._tokens: dict[str, str] = {}

    async def token(self, login: str) -> str:
        if login not in self._tokens:
            user = await User.get(login=login)
            self._tokens[login] = issue_dev_token(self.settings, user.id, login)
        return self._tokens[login]

    async def post(self, query: str, variables: dict | None = None, *, as_user: str | None = None, headers=None):
        hdrs = dict(headers or {})
        if as_user:
            hdrs["authorization"] = f"Bearer {await self.token(as_user)}"
        # ASCII JSON with \u escapes, as many clients send it (and the only way to send a lone surrogate).
        body = json.dumps({"query": query, "variables": variables or {}})
        hdrs["content-type"] = "application/json"
        return await self.http.post("/graphql", content=body.encode("ascii"), headers=hdrs)

    async def upload(self, query: str, variables: dict, files: dict[str, tuple], *, as_user: str) -> dict:
        """A GraphQL multipart request: `files` maps a variable path (``i.receipt``) to
        (filename, bytes, content type); the matching variables are sent as null."""
        mapping = {str(n): [f"variables.{path}"] for n, path in enumerate(files)}
        response = await self.http.post(
            "/graphql",
            data={"operations": json.dumps({"query": query, "variables": variables}), "map": json.dumps(mapping)},
            files={str(n): f for n, f in enumerate(files.values())},
            headers={"authorization": f"Bearer {await self.token(as_user)}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def run(self, query: str, variables: dict | None = None, *, as_user: str | None = None) -> dict:
        """The whole JSON response body (data and errors)."""
        response = await self.post(query, variables, as_user=as_user)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict | None = None, *, as_user: str) -> dict:
        """The data of a response that must have no errors."""
        body = await self.run(query, variables, as_user=as_user)
        assert "errors" not in body, body["errors"]
        return body["data"]

    @contextmanager
    def count_queries(self):
        counter = QueryCounter()
        logger = logging.getLogger("tortoise.db_client")
        old_level = logger.level
        logger.addHandler(counter)
        logger.setLevel(logging.DEBUG)
        try:
            yield counter
        finally:
            logger.removeHandler(counter)
            logger.setLevel(old_level)


FACTORY_BY_CODE = """
query($code: String!) { factories(first: 5, filter: {search: $code}) {
  nodes { id code version classification responsibleUnit { code } } } }
"""


async def factory(api: GraphQLClient, code: str, as_user: str = "hq.planner") -> dict | None:
    """A factory by code as `as_user` sees it (None if invisible)."""
    data = await api.data(FACTORY_BY_CODE, {"code": code}, as_user=as_user)
    return next((n for n in data["factories"]["nodes"] if n["code"] == code), None)


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
