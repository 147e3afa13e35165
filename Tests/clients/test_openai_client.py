"""The official OpenAI Python SDK against `tern serve`, on both base URLs.

The model is real, so these tests check properties (shapes, counts, determinism), not exact text.
"""

from __future__ import annotations

import openai
import pytest

MESSAGES = [{"role": "user", "content": "Name three colors."}]


@pytest.fixture(params=["openai_base", "serverless_base"])
def client(request, tern) -> openai.OpenAI:
    return openai.OpenAI(base_url=getattr(tern, request.param), api_key=tern.token, max_retries=0, timeout=120)


def test_chat_completion(client, tern):
    completion = client.chat.completions.create(model=tern.model, messages=MESSAGES, max_tokens=24)
    assert completion.id.startswith("chatcmpl-")
    assert completion.object == "chat.completion"
    assert completion.model == tern.model
    choice = completion.choices[0]
    assert choice.index == 0
    assert choice.message.role == "assistant"
    assert choice.message.content
    assert choice.finish_reason in ("stop", "length")
    usage = completion.usage
    assert usage.prompt_tokens > 0
    assert 0 < usage.completion_tokens <= 24
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    if choice.finish_reason == "length":
        assert usage.completion_tokens == 24


def test_chat_stream_with_usage(client, tern):
    stream = client.chat.completions.create(
        model=tern.model, messages=MESSAGES, max_tokens=16, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    content_chunks = [chunk for chunk in chunks if chunk.choices]
    assert content_chunks[0].choices[0].delta.role == "assistant"
    text = "".join(chunk.choices[0].delta.content or "" for chunk in content_chunks)
    assert text
    finishes = [chunk.choices[0].finish_reason for chunk in content_chunks if chunk.choices[0].finish_reason]
    assert len(finishes) == 1 and finishes[0] in ("stop", "length")
    assert chunks[-1].choices == []
    assert chunks[-1].usage.completion_tokens > 0
    assert len({chunk.id for chunk in chunks}) == 1
    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)


def test_n_choices(client, tern):
    completion = client.chat.completions.create(
        model=tern.model, messages=MESSAGES, max_tokens=8, n=2, temperature=1.0, seed=11
    )
    assert [choice.index for choice in completion.choices] == [0, 1]
    assert all(choice.message.content for choice in completion.choices)
    assert completion.usage.completion_tokens <= 16


def test_stop_string_never_appears(client, tern):
    completion = client.chat.completions.create(
        model=tern.model, messages=MESSAGES, max_tokens=40, stop=[" "], temperature=0
    )
    assert " " not in completion.choices[0].message.content
    stream = client.chat.completions.create(
        model=tern.model, messages=MESSAGES, max_tokens=40, stop=[" "], temperature=0, stream=True
    )
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert streamed == completion.choices[0].message.content


def test_seed_reproducibility(client, tern):
    def sample(seed: int) -> str:
        completion = client.chat.completions.create(
            model=tern.model, messages=MESSAGES, max_tokens=20, temperature=0.9, seed=seed
        )
        return completion.choices[0].message.content

    assert sample(1234) == sample(1234)


def test_greedy_is_deterministic_between_stream_and_not(client, tern):
    plain = client.chat.completions.create(model=tern.model, messages=MESSAGES, max_tokens=12, temperature=0)
    stream = client.chat.completions.create(
        model=tern.model, messages=MESSAGES, max_tokens=12, temperature=0, stream=True
    )
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert streamed == plain.choices[0].message.content


def test_chat_logprobs(client, tern):
    completion = client.chat.completions.create(
        model=tern.model, messages=MESSAGES, max_tokens=8, logprobs=True, top_logprobs=3, temperature=0
    )
    entries = completion.choices[0].logprobs.content
    assert len(entries) == completion.usage.completion_tokens
    for entry in entries:
        assert entry.logprob <= 0
        assert len(entry.top_logprobs) == 3
        assert entry.top_logprobs[0].logprob >= entry.top_logprobs[-1].logprob
        assert bytes(entry.bytes).decode("utf-8", errors="replace") == entry.token
        # Greedy: the chosen token is the most likely one.
        assert entry.logprob == pytest.approx(entry.top_logprobs[0].logprob, abs=1e-4)


def test_text_completion(client, tern):
    completion = client.completions.create(model=tern.model, prompt="The capital of France is", max_tokens=8, seed=3)
    assert completion.id.startswith("cmpl-")
    assert completion.object == "text_completion"
    choice = completion.choices[0]
    assert choice.finish_reason in ("stop", "length")
    assert choice.seed == 3
    assert len(choice.tokens) == completion.usage.completion_tokens


def test_text_completion_stream_and_logprobs(client, tern):
    stream = client.completions.create(
        model=tern.model, prompt="Once upon a time", max_tokens=8, stream=True, logprobs=2, temperature=0
    )
    chunks = list(stream)
    text = "".join(chunk.choices[0].text for chunk in chunks if chunk.choices)
    plain = client.completions.create(model=tern.model, prompt="Once upon a time", max_tokens=8, temperature=0)
    assert text == plain.choices[0].text
    tokens = [token for chunk in chunks if chunk.choices and chunk.choices[0].logprobs for token in chunk.choices[0].logprobs.tokens]
    assert len(tokens) == plain.usage.completion_tokens


def test_models_list(client, tern):
    models = client.models.list()
    assert tern.model in [model.id for model in models.data]


def test_error_statuses(client, tern):
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=str(client.base_url), api_key="flp_wrong", max_retries=0).chat.completions.create(
            model=tern.model, messages=MESSAGES
        )
    with pytest.raises(openai.NotFoundError) as not_found:
        client.chat.completions.create(model="no-such-model", messages=MESSAGES)
    body = not_found.value.response.json()
    assert body["message"] and body["error"]["message"] == body["message"]
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model=tern.model, messages=MESSAGES, temperature=5)
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model=tern.model, messages=[])
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=tern.model, messages=MESSAGES, extra_body={"max_tokens": "many"})
    # The server is still fine afterwards.
    assert client.chat.completions.create(model=tern.model, messages=MESSAGES, max_tokens=2).choices
