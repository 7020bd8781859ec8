"""A real ``concord serve`` process on the test's store, for tests that need HTTP end to end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from concord.store import Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(store: Store, **extra: str) -> dict[str, str]:
    """The environment that points a server process at ``store`` (and its attachments)."""
    return {
        **os.environ,
        "CONCORD_DATABASE_URL": store.url,
        "CONCORD_ENV": "test",
        "CONCORD_SECRET_KEY": store.settings.secret_key,
        "CONCORD_ATTACHMENTS_DIR": str(Path(store.settings.attachments_dir).absolute()),
        **extra,
    }


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.1)


@contextmanager
def live_server(store: Store, cwd: Path, **extra: str) -> Iterator[str]:
    """Start a server on a free port; yields its base URL; stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "concord", "serve", "--port", str(port)],
        env=server_env(store, **extra),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
