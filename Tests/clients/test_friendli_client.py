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


def _chat_text(friendli, tern, **fields) -> str:
    return friendli.serverless.chat.complete(model=tern.model, messages=MESSAGES, **fields).choices[0].message.content


def _streamed_text(friendli, tern, **fields) -> str:
    with friendli.serverless.chat.complete(model=tern.model, messages=MESSAGES, stream=True, **fields) as events:
        return "".join(event.data.choices[0].delta.content or "" for event in events if event.data.choices)


def test_chat_n_choices(friendli, tern):
    result = friendli.serverless.chat.complete(
        model=tern.model, messages=MESSAGES, max_tokens=8, n=2, temperature=1.0, seed=11
    )
    assert [choice.index for choice in result.choices] == [0, 1]
    assert all(choice.message.content for choice in result.choices)
    assert all(choice.finish_reason in ("stop", "length") for choice in result.choices)
    assert result.usage.completion_tokens <= 16


def test_chat_stop_string_never_appears(friendli, tern):
    text = _chat_text(friendli, tern, max_tokens=40, stop=[" "], temperature=0)
    assert text and " " not in text
    assert _streamed_text(friendli, tern, max_tokens=40, stop=[" "], temperature=0) == text


def test_chat_seed_reproducibility(friendli, tern):
    first = _chat_text(friendli, tern, max_tokens=20, temperature=0.9, seed=1234)
    assert _chat_text(friendli, tern, max_tokens=20, temperature=0.9, seed=1234) == first
    # A list gives each of the n choices its own seed; the same list gives the same choices.
    def pair() -> list[str]:
        result = friendli.serverless.chat.complete(
            model=tern.model, messages=MESSAGES, max_tokens=12, temperature=0.9, n=2, seed=[5, 6]
        )
        return [choice.message.content for choice in result.choices]

    assert pair() == pair()


def test_chat_logprobs(friendli, tern):
    result = friendli.serverless.chat.complete(
        model=tern.model, messages=MESSAGES, max_tokens=8, logprobs=True, top_logprobs=3, temperature=0
    )
    entries = result.choices[0].logprobs.content
    assert len(entries) == result.usage.completion_tokens
    for entry in entries:
        assert entry.logprob <= 0
        assert len(entry.top_logprobs) == 3
        assert entry.top_logprobs[0].logprob >= entry.top_logprobs[-1].logprob
        assert bytes(entry.bytes_).decode("utf-8", errors="replace") == entry.token
        # Greedy: the chosen token is the most likely one.
        assert entry.logprob == pytest.approx(entry.top_logprobs[0].logprob, abs=1e-4)


def test_completions_logprobs(friendli, tern):
    result = friendli.serverless.completions.complete(
        serverless_completions_body={
            "model": tern.model, "prompt": "Once upon a time", "max_tokens": 6, "logprobs": 2, "temperature": 0
        }
    )
    choice = result.choices[0]
    assert len(choice.logprobs.tokens) == len(choice.tokens) == result.usage.completion_tokens
    assert all(logprob <= 0 for logprob in choice.logprobs.token_logprobs)
    assert all(len(alternatives) == 2 for alternatives in choice.logprobs.top_logprobs)
    assert "".join(choice.logprobs.tokens) == choice.text


def test_completions_complete(friendli, tern):
    result = friendli.serverless.completions.complete(
        serverless_completions_body={"model": tern.model, "prompt": "One, two, three,", "max_tokens": 8, "n": 2}
    )
    assert [choice.index for choice in result.choices] == [0, 1]
    for choice in result.choices:
        assert isinstance(choice.seed, int)
        assert choice.finish_reason in ("stop", "length")
    assert sum(len(choice.tokens) for choice in result.choices) == result.usage.completion_tokens


def test_completions_token_controls(friendli, tern):
    def complete(**fields):
        body = {"model": tern.model, "prompt": "One, two, three,", "max_tokens": 12, "temperature": 0, **fields}
        return friendli.serverless.completions.complete(serverless_completions_body=body).choices[0]

    tokens = complete().tokens
    assert tokens[0] not in complete(bad_word_tokens=[{"tokens": [tokens[0]]}]).tokens
    # Stop at the first token that did not occur before it: the output is what came before.
    cut = next(index for index in range(1, len(tokens)) if tokens[index] not in tokens[:index])
    stopped = complete(stop_tokens=[{"tokens": [tokens[cut]]}])
    assert stopped.tokens == tokens[:cut] and stopped.finish_reason == "stop"
    # No token of the output completes a bigram seen before in prompt plus output (the plain
    # greedy output of this prompt does repeat itself).
    def repeats(prompt: str, **fields) -> int:
        ids = friendli.serverless.token.tokenize(model=tern.model, prompt=prompt).tokens
        sequence = ids + complete(prompt=prompt, max_tokens=24, **fields).tokens
        seen, count = set(), 0
        for index in range(1, len(sequence)):
            bigram = (sequence[index - 1], sequence[index])
            count += index >= len(ids) and bigram in seen
            seen.add(bigram)
        return count

    assert repeats("la la la la la") > 0
    assert repeats("la la la la la", no_repeat_ngram=2) == 0


def test_chat_xtc_is_reproducible_with_a_seed(friendli, tern):
    fields = {"max_tokens": 16, "temperature": 1.0, "seed": 3, "xtc_threshold": 0.1, "xtc_probability": 1.0}
    assert _chat_text(friendli, tern, **fields) == _chat_text(friendli, tern, **fields)


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
