"""Multipart requests that break the upload spec, documents too long to lex, and bodies that
trickle in: each is refused in GraphQL's error shape, never a 500 or a held connection."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging

import pytest

from tests.security.http_support import served

ATTACH = 'mutation($f: Upload!) { attachTaskMaterial(input: {taskId: "VGFzazox", file: $f}) { userErrors { code } } }'
OPERATIONS = json.dumps({"query": ATTACH, "variables": {"f": None}})
PDF = ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


async def _upload(api, data: dict, files: dict | None = None, headers: dict | None = None):
    hdrs = {"authorization": f"Bearer {await api.token('east.planner')}", **(headers or {})}
    return await api.http.post("/graphql", data=data, files=files or {"0": PDF}, headers=hdrs)


BAD_MAPS = {
    "a path past the variable": '{"0": ["variables.f.5"]}',
    "an index into a string": '{"0": ["query.0"]}',
    "a list index out of range": '{"0": ["variables.f", "variables.list.9"]}',
    "a path that is a list": '{"0": [["variables", "f"]]}',
    "a path that is a number": '{"0": [5]}',
    "paths that are not a list": '{"0": "variables.f"}',
}


@pytest.mark.parametrize("files_map", BAD_MAPS.values(), ids=BAD_MAPS.keys())
async def test_a_map_that_does_not_fit_the_operations_is_a_400(api, files_map):
    response = await _upload(api, {"operations": OPERATIONS, "map": files_map})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_operations_sent_as_a_file_part_is_a_400(api):
    files = {"operations": ("o.json", OPERATIONS.encode(), "application/json"), "0": PDF}
    response = await _upload(api, {"map": '{"0": ["variables.f"]}'}, files)
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_the_form_parsers_own_refusals_are_graphql_shaped(api):
    token = await api.token("east.planner")
    response = await api.http.post(
        "/graphql",
        content=b"--x\r\n",
        headers={"content-type": "multipart/form-data", "authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_an_anonymous_upload_is_a_401(api):
    response = await api.http.post("/graphql", data={"operations": OPERATIONS, "map": '{"0": ["variables.f"]}'},
                                   files={"0": PDF})  # fmt: skip
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_document_too_long_to_lex_is_refused_before_parsing(api, settings):
    padded = "{ __typename }\n#" + "x" * settings.max_query_chars
    assert (await api.post(padded)).status_code == 401  # anonymous: not even read
    response = await api.post(padded, as_user="ent.E001")
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_repeated_field_that_would_make_validation_quadratic_is_refused(api):
    repeated = "{ " + "viewer { login } " * 300 + "}"
    body = await api.run(repeated, as_user="ent.E001")
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "viewer" in body["errors"][0]["message"]


@pytest.fixture
async def slow_server(settings):
    """uvicorn on loopback with tight body timing, so a trickle is visible within seconds."""
    tight = dataclasses.replace(settings, body_idle_seconds=1.5, body_grace_seconds=0.5, body_min_rate=1000)
    async with served(tight) as address:
        yield address


async def _raw_request(address, head: bytes):
    reader, writer = await asyncio.open_connection(*address)
    writer.write(head)
    await writer.drain()
    return reader, writer


HEAD = b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"


async def test_a_trickling_body_is_cut_off_with_a_408(slow_server):
    reader, writer = await _raw_request(slow_server, HEAD)
    try:
        for _ in range(20):  # one byte every 0.2 s: 5 bytes a second
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.2)
            if reader.at_eof() or reader._buffer:  # answered
                break
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        writer.close()
    assert b" 408 " in status_line


async def test_a_stalled_body_is_cut_off_with_a_408(slow_server):
    reader, writer = await _raw_request(slow_server, HEAD + b"{")
    try:
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        writer.close()
    assert b" 408 " in status_line


async def test_a_client_leaving_mid_body_leaves_no_traceback(slow_server, caplog):
    caplog.set_level(logging.ERROR)
    _, writer = await _raw_request(slow_server, HEAD + b'{"query": ')
    writer.close()
    await asyncio.sleep(0.3)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
