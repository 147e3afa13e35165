"""Two real models (and a second copy of one on its own thread) behind one `tern serve --config`:
routing by `model`, aliases, the model list, per-model settings, and a 404 for an unknown model —
with the official `openai` SDK."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import openai
import pytest

from conftest import STARTUP_TIMEOUT, TOKEN_PATTERN, _free_port, _get, _pump

GEMMA_DEFAULT = "/root/.tern/models/gemma-3-270m-q4_k_m.gguf"


@pytest.fixture(scope="module")
def two_models():
    binary = os.environ["TERN_BIN"]
    smol = os.environ.get("TERN_TEST_MODEL", "/root/.tern/models/SmolLM2-135M-Instruct.Q4_1.gguf")
    gemma = os.environ.get("TERN_TEST_GEMMA_MODEL", GEMMA_DEFAULT)
    for path in (smol, gemma):
        if not os.path.exists(path):
            pytest.fail(f"test model missing: {path}")
    data_dir = tempfile.mkdtemp(prefix="tern-multi-model-")
    config = os.path.join(data_dir, "serve.json")
    with open(config, "w") as handle:
        json.dump({"threads": 2, "models": [
            {"model": smol, "name": "smol", "aliases": ["small"], "kv_cache_tokens": 4096, "max_running": 8},
            {"model": gemma, "name": "gemma", "kv_cache_tokens": 2048, "max_batch_tokens": 128},
            # the same file again, on one thread of its own (not the shared pool)
            {"model": smol, "name": "solo", "threads": 1, "kv_cache_tokens": 1024},
        ]}, handle)
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--config", config, "--port", str(port), "--data-dir", data_dir],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, TERN_HOME=data_dir))
    output: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, output), daemon=True).start()
    root = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    token = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"tern serve exited with {process.returncode}:\n{''.join(output)}")
        found = TOKEN_PATTERN.search("".join(output))
        token = found.group(0) if found else None
        try:
            status, _ = _get(f"{root}/health")
        except OSError:
            status = 0
        if status == 200 and token:
            break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"not ready:\n{''.join(output)}")
    yield root, token, output
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, "".join(output[-40:])


def test_health_lists_both_models_once_both_are_loaded(two_models):
    root, _, _ = two_models
    status, body = _get(f"{root}/health")
    assert status == 200
    assert json.loads(body)["models"] == ["smol", "gemma", "solo"]


def test_model_list_carries_architecture_context_and_aliases(two_models):
    root, token, _ = two_models
    client = openai.OpenAI(base_url=f"{root}/v1", api_key=token)
    models = {item.id: item for item in client.models.list().data}
    assert set(models) == {"smol", "gemma", "solo"}
    smol, gemma = models["smol"].model_dump(), models["gemma"].model_dump()
    assert smol["architecture"] == "llama" and gemma["architecture"] == "gemma3"
    assert "small" in smol["aliases"] and "smollm2-135m-instruct" in smol["aliases"]
    # the second copy of the file does not take the first one's implicit aliases
    assert models["solo"].model_dump()["aliases"] == []
    # per-model KV cache sizes bound what one request may use
    assert smol["context_length"] == 4096 and gemma["context_length"] == 2048


def _greedy(client, model: str, prompt: str) -> str:
    response = client.completions.create(model=model, prompt=prompt, max_tokens=12, temperature=0)
    return response.choices[0].text


def test_each_model_answers_as_itself_when_running_alone_and_interleaved(two_models):
    root, token, _ = two_models
    client = openai.OpenAI(base_url=f"{root}/v1", api_key=token)
    prompt = "The capital of France is"
    alone = {name: _greedy(client, name, prompt) for name in ("smol", "gemma", "solo")}
    assert alone["smol"] != alone["gemma"]
    # the thread count does not change results
    assert alone["solo"] == alone["smol"]
    # All engines busy at once (two sharing a pool in turns, one on its own thread) still give the
    # same greedy text.
    results: dict[str, list[str]] = {"smol": [], "gemma": [], "solo": []}

    def run(name: str) -> None:
        for _ in range(3):
            results[name].append(_greedy(client, name, prompt))

    threads = [threading.Thread(target=run, args=(name,)) for name in ("smol", "gemma", "solo", "smol", "gemma")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert results["smol"] == [alone["smol"]] * 6
    assert results["gemma"] == [alone["gemma"]] * 6
    assert results["solo"] == [alone["smol"]] * 3
    # an alias routes to the same model
    assert _greedy(client, "small", prompt) == alone["smol"]


def test_chat_routes_by_model_and_a_base_model_without_template_is_a_clear_422(two_models):
    root, token, _ = two_models
    client = openai.OpenAI(base_url=f"{root}/serverless/v1", api_key=token)
    response = client.chat.completions.create(
        model="smol", messages=[{"role": "user", "content": "Say hi."}], max_tokens=8, temperature=0)
    assert response.model == "smol"
    assert response.choices[0].message.content
    # gemma-3-270m is a base model: its GGUF has no chat template
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        client.chat.completions.create(model="gemma", messages=[{"role": "user", "content": "hi"}], max_tokens=4)
    assert "chat template" in str(caught.value)


def test_unknown_model_is_a_404_in_the_api_error_shape(two_models):
    root, token, _ = two_models
    client = openai.OpenAI(base_url=f"{root}/v1", api_key=token)
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}], max_tokens=4)
    assert "nope" in str(caught.value)


def test_a_request_without_model_is_refused_when_several_are_served(two_models):
    root, token, _ = two_models
    request = urllib.request.Request(
        f"{root}/v1/chat/completions", data=b'{"messages":[{"role":"user","content":"hi"}]}',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 422
    assert "model" in json.loads(caught.value.read())["error"]["message"]
