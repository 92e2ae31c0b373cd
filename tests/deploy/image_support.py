"""Running the installed `surveil` as the image does: the service user (uid 10001) in a
root-owned working folder, documents on an absolute path it owns, production settings.

As root (the tests here run as root), each command runs as uid 10001 (subprocess user/group,
no supplementary groups). When that user cannot reach this interpreter (a pyenv under /root),
the same Python version of the system runs with this virtualenv's site-packages. As anyone
else, the working folder is made read-only instead."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import site
import socket
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

SURVEIL = Path(sys.executable).with_name("surveil")
ROOT = Path(__file__).resolve().parents[2]
SERVICE_UID = 10001  # the Dockerfile's user
AS_ROOT = os.geteuid() == 0


@dataclass
class Image:
    workdir: Path  # /app: root-owned, not writable by the service
    documents: Path  # /var/lib/surveil/documents: the volume, owned by the service
    env: dict
    command: list[str]  # `surveil`, as the service user can run it

    def run(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.command, *args], capture_output=True, text=True, timeout=timeout, **self.process_options()
        )

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*self.command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **self.process_options()
        )

    def process_options(self) -> dict:
        options = {"cwd": self.workdir, "env": self.env}
        if AS_ROOT:
            options |= {"user": SERVICE_UID, "group": SERVICE_UID, "extra_groups": []}
        return options


def _others_can_run(path: Path) -> bool:
    real = Path(os.path.realpath(path))
    folders_open = all(os.stat(folder).st_mode & stat.S_IXOTH for folder in real.parents)
    return folders_open and bool(os.stat(real).st_mode & stat.S_IXOTH)


def _service_command(base: Path) -> list[str]:
    if not AS_ROOT or _others_can_run(Path(sys.executable)):
        return [str(SURVEIL)]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
    if system is None or not _others_can_run(Path(system)):
        pytest.skip(f"uid {SERVICE_UID} can run neither {sys.executable} nor a system {version}")
    venv = base / "venv"
    subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True)
    (venv / "lib" / version / "site-packages" / "surveil_packages.pth").write_text(
        "".join(f"import site; site.addsitedir({folder!r})\n" for folder in site.getsitepackages())
    )
    return [str(venv / "bin" / "python"), "-c", "import sys; from server.cli import main; sys.exit(main())"]


@contextmanager
def image_layout(database_url: str):
    """A root-owned /app and a service-owned documents volume, both under a fresh folder
    outside pytest's (which is private to root); production settings as .env.example gives."""
    base = Path(tempfile.mkdtemp(prefix="surveil-image-"))
    try:
        base.chmod(0o755)
        workdir = base / "app"
        workdir.mkdir()
        documents = base / "var" / "lib" / "surveil" / "documents"
        documents.mkdir(parents=True)
        if AS_ROOT:
            os.chown(documents, SERVICE_UID, SERVICE_UID)
        else:
            workdir.chmod(0o555)
        env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "TZ")}
        env |= {
            "HOME": "/nonexistent",  # a system user's home, never created
            "PYTHONPATH": str(ROOT),  # this checkout's code, whichever checkout the venv was installed from
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "SURVEIL_ENV": "production",
            "SURVEIL_DOCUMENT_DIR": str(documents),
            "DATABASE_URL": database_url,
            "JWT_ALGORITHM": "HS256",
            "JWT_SECRET": secrets.token_urlsafe(48),
            "PUBLIC_BASE_URL": "https://ccc.example.org",
        }
        yield Image(workdir, documents, env, _service_command(base))
    finally:
        if not AS_ROOT:
            (base / "app").chmod(0o755)
        shutil.rmtree(base)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(base_url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.communicate()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server never answered /health")


def multipart_upload(query: str, variables: dict, file_path: str, filename: str, content: bytes) -> tuple[str, bytes]:
    """A GraphQL multipart request body (operations, map, one file) and its content type."""
    boundary = "surveil-" + secrets.token_hex(8)
    operations = json.dumps({"query": query, "variables": variables})
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'.encode()
        + json.dumps({"0": [f"variables.{file_path}"]}).encode()
        + b"\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode(),
    ]
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def read_response(sock: socket.socket) -> tuple[int, dict]:
    """Status and JSON body of one HTTP/1.1 response (Content-Length or chunked)."""
    reader = sock.makefile("rb")
    status = int(reader.readline().split()[1])
    headers = {}
    while (line := reader.readline().strip()) != b"":
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = reader.read(int(headers["content-length"]))
    else:
        chunks = []
        while (size := int(reader.readline().strip(), 16)) != 0:
            chunks.append(reader.read(size))
            reader.readline()
        body = b"".join(chunks)
    return status, json.loads(body)
