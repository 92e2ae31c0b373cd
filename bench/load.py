"""A closed-loop load generator: N keep-alive connections, each sending its next request as
soon as the previous answer is in, for a fixed time.

Written on raw asyncio streams rather than httpx because on a 2-core machine the client
shares the CPU with the server: httpx spends several times more CPU per request than this,
and would cap the fast endpoint's figure at the client's speed instead of the server's.
It speaks just enough HTTP/1.1 for uvicorn: Content-Length bodies, keep-alive.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

READ_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    client_cpu: float  # this process's CPU time / wall time during the measured window
    server_cpu: float | None  # the server process's, same; None where /proc is missing

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def http_request(method: str, port: int, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_SECONDS)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    length = None
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding":
            raise RuntimeError("chunked responses are not supported by this load generator")
    if length is None:
        raise RuntimeError("response without Content-Length")
    body = await asyncio.wait_for(reader.readexactly(length), READ_TIMEOUT_SECONDS)
    return status, body


def _cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_load(
    port: int,
    request: bytes,
    *,
    concurrency: int,
    warmup: float,
    duration: float,
    server_pid: int | None = None,
    reject: bytes = b'"errors"',
) -> LoadResult:
    """Requests that end inside the measured window count; a response that is not 200 or
    that contains `reject` counts as an error."""
    # perf_counter, not loop.time(): uvloop's clock ticks in whole milliseconds.
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (sent := time.perf_counter()) < stop_at:
                status, body = await _exchange(reader, writer, request)
                done = time.perf_counter()
                if measure_from <= sent and done <= stop_at:
                    if status == 200 and reject not in body:
                        latencies.append((done - sent) * 1000)
                    else:
                        errors += 1
        finally:
            writer.close()

    async def sample_cpu_at_window() -> tuple[float, float | None, float]:
        await asyncio.sleep(warmup)
        return time.process_time(), _cpu_seconds(server_pid) if server_pid else None, time.perf_counter()

    sampler = asyncio.create_task(sample_cpu_at_window())
    # Bounded even if the server hangs: every read has its own timeout as well.
    await asyncio.wait_for(
        asyncio.gather(*(worker() for _ in range(concurrency))), warmup + duration + READ_TIMEOUT_SECONDS * 2
    )
    client0, server0, wall0 = await sampler
    wall = time.perf_counter() - wall0
    server1 = _cpu_seconds(server_pid) if server_pid else None
    return LoadResult(
        requests=len(latencies),
        errors=errors,
        seconds=duration,
        latencies_ms=latencies,
        client_cpu=(time.process_time() - client0) / wall,
        server_cpu=(server1 - server0) / wall if server0 is not None and server1 is not None else None,
    )


def merged(results: list[LoadResult]) -> LoadResult:
    """Several turns of the same load as one: their requests and latencies pooled."""
    return LoadResult(
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        latencies_ms=[x for r in results for x in r.latencies_ms],
        client_cpu=sum(r.client_cpu for r in results) / len(results),
        server_cpu=None,
    )
