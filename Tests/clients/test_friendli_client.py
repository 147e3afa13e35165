"""The official Friendli Python SDK (0.16.5) against `tern serve`.

`server_url` is the host root: the SDK appends `/serverless/v1/...` itself.
"""

from __future__ import annotations

import pytest
from friendli import SyncFriendli
from friendli.core.models import FriendliCoreError
from friendli.core.utils import BackoffStrategy, RetryConfig

MESSAGES = [{"role": "user", "content": "Say hello."}]
# The SDK retries 429/5xx for up to an hour by default; fail fast instead.
NO_RETRIES = RetryConfig("none", BackoffStrategy(1, 1, 1.0, 1), False)


@pytest.fixture
def friendli(tern) -> SyncFriendli:
    return SyncFriendli(token=tern.token, server_url=tern.root, retry_config=NO_RETRIES, timeout_ms=120_000)


def test_chat_complete(friendli, tern):
    result = friendli.serverless.chat.complete(model=tern.model, messages=MESSAGES, max_tokens=16)
    assert result.id.startswith("chatcmpl-")
    assert result.choices[0].message.role == "assistant"
    assert result.choices[0].message.content
    assert result.choices[0].finish_reason in ("stop", "length")
    assert result.usage.total_tokens == result.usage.prompt_tokens + result.usage.completion_tokens


def test_chat_stream(friendli, tern):
    stream = friendli.serverless.chat.complete(
        model=tern.model, messages=MESSAGES, max_tokens=16, stream=True, stream_options={"include_usage": True}
    )
    events = []
    with stream as events_stream:
        for event in events_stream:
            events.append(event.data)
    with_choices = [data for data in events if data.choices]
    assert with_choices[0].choices[0].delta.role == "assistant"
    assert "".join(data.choices[0].delta.content or "" for data in with_choices)
    assert with_choices[-1].choices[0].finish_reason in ("stop", "length")
    assert events[-1].choices == [] and events[-1].usage.completion_tokens > 0


def test_completions_complete(friendli, tern):
    result = friendli.serverless.completions.complete(
        serverless_completions_body={"model": tern.model, "prompt": "One, two, three,", "max_tokens": 8, "n": 2}
    )
    assert [choice.index for choice in result.choices] == [0, 1]
    for choice in result.choices:
        assert isinstance(choice.seed, int)
        assert choice.finish_reason in ("stop", "length")
    assert sum(len(choice.tokens) for choice in result.choices) == result.usage.completion_tokens


def test_completions_stream(friendli, tern):
    stream = friendli.serverless.completions.complete(
        serverless_completions_body={"model": tern.model, "prompt": "One, two, three,", "max_tokens": 8, "stream": True}
    )
    texts, finishes = [], []
    with stream as events:
        for event in events:
            for choice in event.data.choices:
                texts.append(choice.text)
                if choice.finish_reason:
                    finishes.append(choice.finish_reason)
    assert "".join(texts)
    assert len(finishes) == 1 and finishes[0] in ("stop", "length")


def test_tokenize_and_detokenize_round_trip(friendli, tern):
    text = "Hello, world! Tern speaks Friendli."
    tokens = friendli.serverless.token.tokenize(model=tern.model, prompt=text).tokens
    assert tokens and all(isinstance(token, int) for token in tokens)
    assert friendli.serverless.token.detokenize(model=tern.model, tokens=tokens).text == text


def test_chat_render(friendli, tern):
    text = friendli.serverless.chat_render.render(model=tern.model, messages=MESSAGES).text
    assert "Say hello." in text
    # The rendered prompt ends where the assistant's answer begins.
    assert not text.endswith("Say hello.")


def test_models(friendli, tern):
    listing = friendli.serverless.model.models()
    item = next(model for model in listing.data if model.id == tern.model)
    assert item.context_length > 0
    assert 0 < item.max_completion_tokens <= item.context_length
    assert "text" in item.input_modalities


def test_errors_are_sdk_errors_with_status(friendli, tern):
    with pytest.raises(FriendliCoreError) as unauthorized:
        SyncFriendli(token="flp_nope", server_url=tern.root, retry_config=NO_RETRIES).serverless.chat.complete(
            model=tern.model, messages=MESSAGES
        )
    assert unauthorized.value.status_code == 401
    with pytest.raises(FriendliCoreError) as not_found:
        friendli.serverless.chat.complete(model="no-such-model", messages=MESSAGES)
    assert not_found.value.status_code == 404
    with pytest.raises(FriendliCoreError) as invalid:
        friendli.serverless.chat.complete(model=tern.model, messages=MESSAGES, top_p=0)
    assert invalid.value.status_code == 422
    with pytest.raises(FriendliCoreError) as foreign_team:
        friendli.serverless.chat.complete(model=tern.model, messages=MESSAGES, x_friendli_team="not-my-team")
    assert foreign_team.value.status_code == 403
