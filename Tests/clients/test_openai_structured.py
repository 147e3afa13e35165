"""Structured outputs and tool calls with the official OpenAI Python SDK against `tern serve`.

The model is tiny, so the tests check what the server guarantees (every answer that finishes
normally parses and validates; calls arrive in the OpenAI shape, streamed or not), never the
quality of the content.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal

import openai
import pydantic
import pytest


class Pet(pydantic.BaseModel):
    name: str = pydantic.Field(max_length=16)
    species: Literal["cat", "dog", "bird"]
    age: int = pydantic.Field(ge=0, le=30)
    toys: list[Annotated[str, pydantic.StringConstraints(max_length=12)]] = pydantic.Field(max_length=2)


class Point(pydantic.BaseModel):
    x: int = pydantic.Field(ge=-9, le=9)
    y: int = pydantic.Field(ge=-9, le=9)


class Segment(pydantic.BaseModel):
    start: Point
    end: Point
    label: str | None = pydantic.Field(max_length=12)


class GetWeather(pydantic.BaseModel):
    """Current weather in a city."""

    city: str = pydantic.Field(max_length=24)
    unit: Literal["celsius", "fahrenheit"]


class Add(pydantic.BaseModel):
    """Add two integers."""

    a: int = pydantic.Field(ge=-1000, le=1000)
    b: int = pydantic.Field(ge=-1000, le=1000)


TOOLS = [openai.pydantic_function_tool(GetWeather), openai.pydantic_function_tool(Add)]
ARGUMENTS = {"GetWeather": GetWeather, "Add": Add}


@pytest.fixture(params=["openai_base", "serverless_base"])
def client(request, tern) -> openai.OpenAI:
    return openai.OpenAI(base_url=getattr(tern, request.param), api_key=tern.token, max_retries=0, timeout=120)


def parse_method(client: openai.OpenAI):
    """`chat.completions.parse` (current SDKs) or `beta.chat.completions.parse` (older ones)."""
    return getattr(client.chat.completions, "parse", None) or client.beta.chat.completions.parse


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def parse(client: openai.OpenAI, tern, prompt: str, response_format):
    """One greedy `parse` call with the SDK's pydantic response format."""
    return parse_method(client)(
        model=tern.model, messages=user(prompt), response_format=response_format, max_tokens=160, temperature=0)


def test_parse_with_a_pydantic_model(client, tern):
    completion = parse(client, tern, "Describe a pet as JSON.", Pet)
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert isinstance(choice.message.parsed, Pet)
    assert Pet.model_validate_json(choice.message.content) == choice.message.parsed


def test_parse_nested_models_with_refs_and_null(client, tern):
    completion = parse(client, tern, "Give a line segment as JSON.", Segment)
    assert isinstance(completion.choices[0].message.parsed, Segment)


def test_json_schema_response_format_for_every_choice(client, tern):
    schema = Pet.model_json_schema()
    completion = client.chat.completions.create(
        model=tern.model,
        messages=user("Describe a pet as JSON."),
        response_format={"type": "json_schema", "json_schema": {"name": "pet", "schema": schema, "strict": True}},
        n=3,
        seed=4,
        temperature=0.9,
        max_tokens=160,
    )
    finished = [choice for choice in completion.choices if choice.finish_reason == "stop"]
    assert finished, "at least one answer should be complete"
    for choice in finished:
        Pet.model_validate_json(choice.message.content)


def test_streamed_json_object(client, tern):
    stream = client.chat.completions.create(
        model=tern.model,
        messages=user("Give me a JSON object describing the moon."),
        response_format={"type": "json_object"},
        stream=True,
        temperature=0,
        max_tokens=120,
    )
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    finish = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason]
    assert len(finish) == 1
    if finish[0] == "stop":
        assert isinstance(json.loads(text), dict)


def test_regex_response_format(client, tern):
    pattern = r"(yes|no)\. [A-Z][a-z]{2,12}( [a-z]{2,12}){0,4}\."
    completion = client.chat.completions.create(
        model=tern.model,
        messages=user("Is water wet? Answer yes or no, then one short sentence."),
        response_format={"type": "regex", "schema": pattern},
        n=2,
        seed=9,
        max_tokens=60,
    )
    for choice in completion.choices:
        if choice.finish_reason == "stop":
            assert re.fullmatch(pattern, choice.message.content), choice.message.content


def test_unsupported_schema_keywords_are_422_naming_them(client, tern):
    schema = {"type": "object", "properties": {"a": {"type": "string", "not": {"const": "x"}}}}
    with pytest.raises(openai.UnprocessableEntityError) as refused:
        client.chat.completions.create(
            model=tern.model,
            messages=user("hi"),
            response_format={"type": "json_schema", "json_schema": {"name": "s", "schema": schema}},
        )
    assert "'not'" in str(refused.value)
    assert "#/properties/a/not" in str(refused.value)
    assert refused.value.body["param"] == "response_format.json_schema.schema"


def check_calls(calls, *, named: str | None = None):
    assert calls
    for call in calls:
        assert call.type == "function"
        assert call.id.startswith("call_")
        assert call.function.name in ARGUMENTS
        if named:
            assert call.function.name == named
        ARGUMENTS[call.function.name].model_validate_json(call.function.arguments)


def test_required_tool_calls(client, tern):
    completion = client.chat.completions.create(
        model=tern.model,
        messages=user("What is the weather in Paris?"),
        tools=TOOLS,
        tool_choice="required",
        n=2,
        seed=3,
        temperature=0.8,
        max_tokens=120,
    )
    for choice in completion.choices:
        if choice.finish_reason == "length":
            continue
        assert choice.finish_reason == "tool_calls"
        assert choice.message.content is None
        check_calls(choice.message.tool_calls)


def test_named_tool_call_streamed_deltas(client, tern):
    stream = client.chat.completions.create(
        model=tern.model,
        messages=user("Add 2 and 40."),
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "Add"}},
        stream=True,
        temperature=0,
        max_tokens=80,
    )
    calls: dict[int, dict] = {}
    finish = []
    content = ""
    for chunk in stream:
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        content += delta.content or ""
        for part in delta.tool_calls or []:
            if part.id is not None:
                assert part.index not in calls
                assert part.type == "function" and part.function.name and part.function.arguments == ""
                calls[part.index] = {"id": part.id, "name": part.function.name, "arguments": ""}
            else:
                assert part.function.name is None
                calls[part.index]["arguments"] += part.function.arguments
        if chunk.choices[0].finish_reason:
            finish.append(chunk.choices[0].finish_reason)
    assert finish == ["tool_calls"]
    assert content == ""
    assert list(calls) == [0]
    assert calls[0]["name"] == "Add" and calls[0]["id"].startswith("call_")
    Add.model_validate_json(calls[0]["arguments"])


def test_stream_helper_parses_tool_arguments(client, tern):
    with client.chat.completions.stream(
        model=tern.model,
        messages=user("What is the weather in Oslo, in celsius?"),
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "GetWeather"}},
        temperature=0,
        max_tokens=80,
    ) as stream:
        final = stream.get_final_completion()
    call = final.choices[0].message.tool_calls[0]
    assert call.function.name == "GetWeather"
    assert isinstance(call.function.parsed_arguments, GetWeather)


def test_auto_answers_and_tool_results_round_trip(client, tern):
    first = client.chat.completions.create(
        model=tern.model,
        messages=user("Use the Add tool to add 19 and 23."),
        tools=TOOLS,
        seed=1,
        temperature=0.7,
        max_tokens=100,
    )
    message = first.choices[0].message
    assert "<tool_call>" not in (message.content or "")
    if first.choices[0].finish_reason != "tool_calls":
        return
    check_calls(message.tool_calls)
    follow_up = user("Use the Add tool to add 19 and 23.") + [
        message.model_dump(exclude_none=True),
        *({"role": "tool", "tool_call_id": call.id, "content": "42"} for call in message.tool_calls),
    ]
    second = client.chat.completions.create(
        model=tern.model, messages=follow_up, tools=TOOLS, tool_choice="none", max_tokens=30, temperature=0
    )
    assert second.choices[0].message.tool_calls is None
    assert isinstance(second.choices[0].message.content, str)
