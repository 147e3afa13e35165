"""Graceful shutdown under load: a stream in flight when `tern serve` gets SIGTERM or SIGINT
finishes with `data: [DONE]`, the process exits 0, and the request's usage row is in the ledger.

Each test runs its own server (the session server in conftest.py must outlive them).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import DEFAULT_MODEL, STARTUP_TIMEOUT, TOKEN_PATTERN, _free_port, _get, _pump

MAX_TOKENS = 160
SHUTDOWN_TIMEOUT = 120.0


def _start(binary: str, model: str, data_dir: str) -> tuple[subprocess.Popen, int, str, list[str]]:
    port = _free_port()
    command = [binary, "serve", "--model", model, "--host", "127.0.0.1", "--port", str(port), "--data-dir", data_dir]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, TERN_HOME=data_dir)
    )
    output: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, output), daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    token = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"tern serve exited with {process.returncode}:\n{''.join(output)}")
        found = TOKEN_PATTERN.search("".join(output))
        token = found.group(0) if found else None
        try:
            status, _ = _get(f"http://127.0.0.1:{port}/health")
        except OSError:
            status = 0
        if status == 200 and token:
            return process, port, token, output
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"tern serve was not ready within {STARTUP_TIMEOUT:.0f} s:\n{''.join(output)}")


@pytest.fixture
def server():
    binary = os.environ.get("TERN_BIN")
    if not binary or not os.path.exists(binary):
        pytest.fail(f"TERN_BIN must point at the built tern binary (got {binary!r})")
    model = os.environ.get("TERN_TEST_MODEL", DEFAULT_MODEL)
    data_dir = tempfile.mkdtemp(prefix="tern-shutdown-tests-")
    process, port, token, output = _start(binary, model, data_dir)
    yield {"binary": binary, "port": port, "token": token, "process": process, "output": output, "data_dir": data_dir}
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_in_flight_stream_finishes_and_is_recorded(server, signal_number):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=SHUTDOWN_TIMEOUT)
    body = {
        "messages": [{"role": "user", "content": "Count from one to one hundred in words."}],
        "max_tokens": MAX_TOKENS, "ignore_eos": True, "temperature": 0, "stream": True,
        "stream_options": {"include_usage": True},
    }
    headers = {"Authorization": f"Bearer {server['token']}", "Content-Type": "application/json"}
    connection.request("POST", "/v1/chat/completions", body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith("text/event-stream")

    events: list[str] = []
    signalled_after = None
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line.startswith("data: "):
            continue
        events.append(line[len("data: "):])
        if signalled_after is None and len(events) >= 2:
            # The stream is under way: ask the server to stop now.
            server["process"].send_signal(signal_number)
            signalled_after = len(events)
    connection.close()

    assert signalled_after is not None, "the stream ended before the signal could be sent"
    assert events[-1] == "[DONE]", f"the stream was cut: last events {events[-3:]}"
    chunks = [json.loads(event) for event in events[:-1]]
    finishes = [choice["finish_reason"] for chunk in chunks for choice in chunk["choices"] if choice["finish_reason"]]
    assert finishes == ["length"], "the generation ran to its end after the signal"
    usage = chunks[-1]["usage"]
    assert usage["completion_tokens"] == MAX_TOKENS
    assert len(chunks) > signalled_after, "events kept coming after the signal"

    code = server["process"].wait(timeout=SHUTDOWN_TIMEOUT)
    assert code == 0, "".join(server["output"][-40:])

    # The ledger has the request's row, written before the process exited.
    report = subprocess.run(
        [server["binary"], "usage", "--data-dir", server["data_dir"]], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"team default: (\d+) requests, (\d+) prompt \+ (\d+) completion tokens, (\d+) errors", report)
    assert match, report
    requests, prompt, completion, errors = map(int, match.groups())
    assert (requests, completion, errors) == (1, MAX_TOKENS, 0), report
    assert prompt == usage["prompt_tokens"]
