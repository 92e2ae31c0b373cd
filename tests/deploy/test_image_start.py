"""The image's start sequence, as the container runs it: the installed package as the service
user (uid 10001) in a root-owned working folder, documents on an absolute path it owns,
production settings, against a fresh PostgreSQL database. `surveil migrate` (the one-shot
job), then `surveil serve` and `surveil worker`. A slow upload is in flight when the server
gets SIGTERM (docker stop): the upload finishes and is stored, and the server exits 0."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import socket
import time

import httpx
import pytest

from tests.databases import POSTGRES_URL, _admin, skip_without_postgres, with_database
from tests.deploy.image_support import (
    AS_ROOT,
    SERVICE_UID,
    free_port,
    image_layout,
    multipart_upload,
    read_response,
    wait_for_health,
)

FACTORY = 'query { factories(first: 1, filter: {search: "E001"}) { nodes { id certificates(first: 5) { nodes { id status } } } } }'
CREATE = """mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id } userErrors { code message } } }"""
ATTACH = """mutation($i: AttachTaskMaterialInput!) { attachTaskMaterial(input: $i) {
  task { materials { sha256 size uploadedBy } } userErrors { code message } } }"""
PDF = b"%PDF-1.7\n" + b"x" * 60_000 + b"\n%%EOF"
CHUNKS = 30  # sent 0.1 s apart: the upload takes about 3 seconds


@pytest.fixture
def fresh_postgres():
    skip_without_postgres()
    name = f"surveil_test_image_{os.getpid()}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # a backend may still be closing
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    yield with_database(POSTGRES_URL, name)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # a backend may still be closing


def _graphql(base_url: str, token: str, query: str, variables: dict | None = None) -> dict:
    response = httpx.post(
        f"{base_url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _new_task(base_url: str, token: str) -> str:
    factory = _graphql(base_url, token, FACTORY)["factories"]["nodes"][0]
    certificates = [c["id"] for c in factory["certificates"]["nodes"] if c["status"] in ("VALID", "SUSPENDED")]
    body = {
        "factoryId": factory["id"], "kind": "ROUTINE_NOTIFIED", "certificateIds": certificates,
        "dueOn": "2026-12-20", "plannedStart": "2026-12-01", "plannedEnd": "2026-12-03",
    }  # fmt: skip
    created = _graphql(base_url, token, CREATE, {"i": body})["createTask"]
    assert created["userErrors"] == [], created
    return created["task"]["id"]


def _slow_upload_across_sigterm(port: int, token: str, task_id: str, server) -> tuple[int, dict]:
    variables = {"i": {"taskId": task_id, "file": None, "description": "sent slowly"}}
    content_type, body = multipart_upload(ATTACH, variables, "i.file", "slow.pdf", PDF)
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    size = -(-len(body) // CHUNKS)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head + body[:size])
        time.sleep(0.3)  # the request is in the server's hands
        server.send_signal(signal.SIGTERM)
        for start in range(size, len(body), size):
            time.sleep(0.1)
            assert server.poll() is None, "the server left before the request in flight finished"
            sock.sendall(body[start : start + size])
        return read_response(sock)


def test_the_image_start_sequence_and_a_graceful_stop(fresh_postgres):
    with image_layout(fresh_postgres) as image:
        migrated = image.run("migrate")
        assert migrated.returncode == 0, migrated
        seeded = image.run("seed", "--demo")  # writes the demo documents to the volume
        assert seeded.returncode == 0, seeded
        assert "Permission" not in seeded.stderr, seeded.stderr
        stored = [p for p in image.documents.rglob("*") if p.is_file()]
        assert stored, "the demo world stored no document on the volume"
        if AS_ROOT:
            assert {p.stat().st_uid for p in stored} == {SERVICE_UID}
        assert list(image.workdir.iterdir()) == []  # nothing written in the image's folder
        token = image.run("token", "--user", "east.planner")
        assert token.returncode == 0, token
        token = token.stdout.strip()

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = image.start("serve", "--host", "127.0.0.1", "--port", str(port), "--graceful-seconds", "20")
        worker = image.start("worker")
        try:
            wait_for_health(base_url, server)
            task_id = _new_task(base_url, token)
            status, answer = _slow_upload_across_sigterm(port, token, task_id, server)
            assert status == 200, answer
            payload = answer["data"]["attachTaskMaterial"]
            assert payload["userErrors"] == [], payload
            digest = hashlib.sha256(PDF).hexdigest()
            assert {"sha256": digest, "size": len(PDF), "uploadedBy": "east.planner"} in payload["task"]["materials"]
            assert (image.documents / digest[:2] / digest[2:4] / digest).read_bytes() == PDF
            out, err = server.communicate(timeout=30)
            assert server.returncode == 0, (out, err)
            assert "Traceback" not in err, err
            assert worker.poll() is None, worker.communicate()  # the worker ran beside it all along
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=30)
            assert worker.returncode == 0, (out, err)
            assert "Traceback" not in err, err
        finally:
            for process in (server, worker):
                if process.poll() is None:
                    process.kill()
                    process.communicate()
        assert list(image.workdir.iterdir()) == []
