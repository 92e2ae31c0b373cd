"""Malformed HTTP bodies, with or without a token: each gets a 400 (or 413) in GraphQL's error
shape, never a 500; and the body size limit holds for bodies that do not announce their size."""

from __future__ import annotations

import httpx
import pytest

from server.auth import issue_dev_token
from store.models import User
from tests.client import TEST_HEADERS, error_codes
from tests.security.http_support import served

DEEP_VARIABLES = b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 400 + b"]" * 400 + b"}}"
MALFORMED = {
    "variables nested 400 deep": DEEP_VARIABLES,
    "a JSON string": b'"hello"',
    "a JSON number": b"42",
    "JSON null": b"null",
    "a JSON list": b"[]",
    "Latin-1 text": '{"query": "{ viewer { login } }", "variables": {"a": "é"}}'.encode("latin-1"),
    "bytes that are no text": b"\xff\xfe\x00\x81",
    "not JSON": b"{query",
    "an empty body": b"",
    "variables that are a string": b'{"query": "{ __typename }", "variables": "x"}',
    "a lone surrogate": b'{"query": "{ __typename }", "variables": {"a": "\\ud800"}}',
    "an integer of 5,000 digits": b'{"query": "query($n: Int) { __typename }", "variables": {"n": '
    + b"9" * 5000
    + b"}}",
    "UTF-16 JSON": '{"query": "{ __typename }"}'.encode("utf-16"),
}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_body_is_a_graphql_shaped_400(api, body, signed_in):
    headers = {"content-type": "application/json"}
    if signed_in:
        headers["authorization"] = f"Bearer {await api.token('hq.planner')}"
    response = await api.http.post("/graphql", content=body, headers=headers)
    if not signed_in and len(body) > 4096:  # an anonymous caller gets nothing that large read
        assert response.status_code == 401 and error_codes(response.json()) == ["UNAUTHENTICATED"]
        return
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and error["message"]
    assert "Traceback" not in response.text


async def test_deep_variables_in_a_get_request_are_refused(api):
    variables = "[" * 400 + "]" * 400
    response = await api.http.get("/graphql", params={"query": "{ __typename }", "variables": variables})
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_an_unsupported_content_type_is_a_graphql_shaped_400(api):
    response = await api.http.post("/graphql", content=b"query", headers={"content-type": "text/plain"})
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_an_announced_oversized_body_is_refused_unread(api):
    response = await api.http.post(
        "/graphql", content=b" " * (1024 * 1024 + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.fixture
async def live_url(settings):
    """The app served by uvicorn on a loopback port: real HTTP, chunked encoding included."""
    async with served(settings) as (host, port):
        yield f"http://{host}:{port}"


async def _send_chunked(url: str, content_type: str, total_mb: int, head: bytes = b"", token: str = "") -> int | None:
    """POST `head` then `total_mb` MiB in 64 KiB chunks without a Content-Length; the status
    (None if the server closed the connection before answering)."""

    async def chunks():
        yield head
        for _ in range(total_mb * 16):
            yield b" " * 65536

    async with httpx.AsyncClient(timeout=30, headers=TEST_HEADERS) as http:
        try:
            headers = {"content-type": content_type} | ({"authorization": f"Bearer {token}"} if token else {})
            response = await http.post(f"{url}/graphql", content=chunks(), headers=headers)
        except (httpx.WriteError, httpx.ReadError, httpx.RemoteProtocolError):
            return None
    return response.status_code


async def test_a_chunked_json_body_is_cut_off_at_the_limit(live_url, settings):
    token = await _token(settings, "east.planner")
    status = await _send_chunked(live_url, "application/json", total_mb=20, token=token)
    assert status in (413, None)  # refused, not parsed (a 400 would mean it read it all)
    assert await _send_chunked(live_url, "application/json", total_mb=20) in (401, None)  # anonymous: 4 KiB
    async with httpx.AsyncClient(headers=TEST_HEADERS) as http:
        assert (await http.get(f"{live_url}/health")).status_code == 200


async def test_a_chunked_upload_is_cut_off_at_the_upload_limit(live_url, settings):
    limit_mb = settings.max_upload_bytes * 7 // (1024 * 1024) + 1
    head = b'--x\r\nContent-Disposition: form-data; name="0"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'
    token = await _token(settings, "east.planner")
    status = await _send_chunked(live_url, "multipart/form-data; boundary=x", limit_mb + 40, head, token)
    assert status in (413, None)


async def test_an_anonymous_upload_is_refused_before_it_is_read(live_url):
    head = b'--x\r\nContent-Disposition: form-data; name="0"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'
    status = await _send_chunked(live_url, "multipart/form-data; boundary=x", 30, head)
    assert status in (401, None)  # before the fix: 30 MiB read and spooled, then UNAUTHENTICATED


async def _token(settings, login: str) -> str:
    user = await User.get(login=login)  # the live server shares this process's ORM
    return issue_dev_token(settings, user.id, login)


async def test_an_anonymous_caller_gets_nothing_large_read(api):
    ok = await api.post("{ __typename }")
    assert ok.status_code == 200 and ok.json() == {"data": {"__typename": "Query"}}
    big = '{"query": "{ __typename }", "variables": {"a": [' + ", ".join(["0"] * 3000) + "]}}"
    response = await api.http.post("/graphql", content=big.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 401 and error_codes(response.json()) == ["UNAUTHENTICATED"]
    long_get = await api.http.get("/graphql", params={"query": "{ __typename }", "variables": "{}" + " " * 5000})
    assert long_get.status_code == 401


CONTAINERS = {
    "lists nested 28 deep, 17,000 times": '{"query": "{ __typename }", "variables": {"a": ['
    + ", ".join(["[" * 27 + "0" + "]" * 27] * 17000)
    + "]}}",
    "300,000 empty lists": '{"query": "{ __typename }", "variables": {"a": [' + ",".join(["[]"] * 300000) + "]}}",
    "150,000 numbers": '{"query": "{ __typename }", "variables": {"a": [' + ", ".join(["0"] * 150000) + "]}}",
}


@pytest.mark.parametrize("body", CONTAINERS.values(), ids=CONTAINERS.keys())
async def test_a_body_of_too_many_values_is_refused_before_its_walk(api, body):
    token = await api.token("hq.planner")
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    response = await api.http.post("/graphql", content=body.encode(), headers=headers)
    assert response.status_code == 400 and error_codes(response.json()) == ["BAD_REQUEST"], response.text[:200]
