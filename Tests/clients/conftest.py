"""Starts a real `tern serve` for the client tests and stops it gracefully at the end.

Environment:
  TERN_BIN         the built `tern` binary (required)
  TERN_TEST_MODEL  the GGUF model to serve (default: /root/.tern/models/SmolLM2-135M-Instruct.Q4_1.gguf)
  TERN_SERVE_ARGS  extra arguments for `tern serve` (optional, space-separated)

The server runs on a free loopback port with a temporary data directory; the bootstrap token it
prints on first start authenticates the tests.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

DEFAULT_MODEL = "/root/.tern/models/SmolLM2-135M-Instruct.Q4_1.gguf"
TOKEN_PATTERN = re.compile(r"flp_[0-9A-Za-z]{43}")
STARTUP_TIMEOUT = 180.0
SHUTDOWN_TIMEOUT = 30.0


@dataclasses.dataclass
class TernServer:
    root: str  # http://127.0.0.1:PORT
    token: str
    model: str
    process: subprocess.Popen
    output: list[str]

    @property
    def openai_base(self) -> str:
        return f"{self.root}/v1"

    @property
    def serverless_base(self) -> str:
        return f"{self.root}/serverless/v1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pump(stream, sink: list[str]) -> None:
    for line in iter(stream.readline, ""):
        sink.append(line)
    stream.close()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="session")
def tern() -> TernServer:
    binary = os.environ.get("TERN_BIN")
    if not binary or not os.path.exists(binary):
        pytest.fail(f"TERN_BIN must point at the built tern binary (got {binary!r})")
    model_path = os.environ.get("TERN_TEST_MODEL", DEFAULT_MODEL)
    if not os.path.exists(model_path):
        pytest.fail(f"the test model is missing: {model_path} (set TERN_TEST_MODEL)")

    data_dir = tempfile.mkdtemp(prefix="tern-client-tests-")
    port = _free_port()
    command = [
        binary, "serve", "--model", model_path, "--host", "127.0.0.1", "--port", str(port),
        "--data-dir", data_dir,
    ] + shlex.split(os.environ.get("TERN_SERVE_ARGS", ""))
    environment = dict(os.environ, TERN_HOME=data_dir)
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
    )
    output: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, output), daemon=True).start()

    root = f"http://127.0.0.1:{port}"
    token = None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"tern serve exited with {process.returncode}:\n{''.join(output)}")
        if token is None:
            found = TOKEN_PATTERN.search("".join(output))
            token = found.group(0) if found else None
        try:
            status, _ = _get(f"{root}/health")
        except OSError:
            status = 0
        if status == 200 and token is not None:
            break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"tern serve was not ready within {STARTUP_TIMEOUT:.0f} s:\n{''.join(output)}")

    import json

    _, body = _get(f"{root}/v1/models")
    model = json.loads(body)["data"][0]["id"]
    server = TernServer(root=root, token=token, model=model, process=process, output=output)
    yield server

    # Graceful stop: SIGINT lets in-flight requests finish and flushes the usage ledger.
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"tern serve did not stop within {SHUTDOWN_TIMEOUT:.0f} s of SIGINT")
    assert code == 0, f"tern serve exited with {code} after SIGINT:\n{''.join(output[-40:])}"
