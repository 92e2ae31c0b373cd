"""Materials for the team: multipart upload, type and size limits, SHA-256 storage,
downloads only for those allowed to see the task's internals."""

import dataclasses
import hashlib

import pytest

from server.settings import Settings
from tests.api.tasks_support import PDF, create, ok, upload

MATERIALS = "query($id: ID!) { node(id: $id) { ... on Task { materials { downloadUrl sha256 } } } }"


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(
        Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"), max_upload_bytes=50_000
    )


async def test_upload_store_and_download(api, settings, tmp_path):
    task = ok(await create(api, "E001", as_user="east.planner"))
    response = await upload(api, task["id"], PDF, as_user="east.planner")
    payload = response.json()["data"]["attachTaskMaterial"]
    assert payload["userErrors"] == []
    doc = payload["task"]["materials"][0]
    digest = hashlib.sha256(PDF).hexdigest()
    assert (doc["sha256"], doc["size"], doc["contentType"], doc["uploadedBy"]) == (
        digest,
        len(PDF),
        "application/pdf",
        "east.planner",
    )
    stored = tmp_path / "docs" / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == PDF

    again = (await upload(api, task["id"], PDF, filename="copy.pdf", as_user="east.planner")).json()["data"][
        "attachTaskMaterial"
    ]
    assert len(again["task"]["materials"]) == 2 and len(list((tmp_path / "docs").rglob("*"))) == 3  # one blob, two dirs

    got = await api.http.get(
        doc["downloadUrl"], headers={"authorization": f"Bearer {await api.token('east.inspector1')}"}
    )
    assert got.status_code == 200 and got.content == PDF
    assert (
        got.headers["content-type"].startswith("application/pdf") and got.headers["x-content-type-options"] == "nosniff"
    )


async def test_download_is_refused_like_a_missing_file(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    doc = (await upload(api, task["id"], PDF, as_user="east.planner")).json()["data"]["attachTaskMaterial"]["task"][
        "materials"
    ][0]
    for login in ("south.planner", "ent.E001", "agency.de.inspector", "lab.east1"):
        got = await api.http.get(doc["downloadUrl"], headers={"authorization": f"Bearer {await api.token(login)}"})
        missing = await api.http.get("/documents/999999", headers={"authorization": f"Bearer {await api.token(login)}"})
        assert (
            (got.status_code, got.json())
            == (missing.status_code, missing.json())
            == (404, {"error": "no such document", "code": "NOT_FOUND"})
        )
    assert (await api.http.get(doc["downloadUrl"])).status_code == 401
    assert (await api.http.get(doc["downloadUrl"], headers={"authorization": "Bearer nope"})).status_code == 401
    hidden = await api.data(MATERIALS, {"id": task["id"]}, as_user="ent.E001")
    assert hidden["node"] is None or hidden["node"]["materials"] == []


@pytest.mark.parametrize(
    ("content", "filename", "content_type", "code"),
    [
        (b"MZ\x90\x00 an executable", "tool.exe", "application/pdf", "INVALID"),
        (b"<html><script>alert(1)</script>", "page.html", "text/html", "INVALID"),
        (b"", "empty.pdf", "application/pdf", "REQUIRED"),
        (b"%PDF-" + b"x" * 49_999, "big.pdf", "application/pdf", "TOO_LONG"),
    ],
)
async def test_type_and_size_limits(api, content, filename, content_type, code):
    task = ok(await create(api, "E001", as_user="east.planner"))
    payload = (await upload(api, task["id"], content, filename, content_type, as_user="east.planner")).json()["data"][
        "attachTaskMaterial"
    ]
    assert [e["code"] for e in payload["userErrors"]] == [code]
    assert (await api.data(MATERIALS, {"id": task["id"]}, as_user="east.planner"))["node"]["materials"] == []


async def test_oversized_request_is_refused_before_parsing(api, settings):
    from server.app import MAX_FILES_PER_REQUEST

    task = ok(await create(api, "E001", as_user="east.planner"))
    too_big = settings.max_upload_bytes * MAX_FILES_PER_REQUEST + 100_000  # more than any request may carry
    response = await upload(api, task["id"], b"%PDF-" + b"x" * too_big, as_user="east.planner")
    assert response.status_code == 413


async def test_only_planners_attach(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    body = (await upload(api, task["id"], PDF, as_user="east.inspector1")).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = (await upload(api, task["id"], PDF, as_user="south.planner")).json()
    assert [e["code"] for e in body["data"]["attachTaskMaterial"]["userErrors"]] == ["NOT_FOUND"]
