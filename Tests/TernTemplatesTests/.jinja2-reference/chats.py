"""Real chat templates (see templates/README.md for where each comes from) and the
conversations rendered with them."""

TEMPLATES = {
    "smollm2": "smollm2-instruct.jinja",
    "llama31": "llama-3.1-8b-instruct.jinja",
    "llama32": "llama-3.2-3b-instruct.jinja",
    "qwen25": "qwen2.5-instruct.jinja",
    "mistral": "mistral-7b-instruct-v0.3.jinja",
    "gemma3": "gemma-3-it.jinja",
}

TOKENS = {
    "smollm2": ("<|im_start|>", "<|im_end|>"),
    "llama31": ("<|begin_of_text|>", "<|eot_id|>"),
    "llama32": ("<|begin_of_text|>", "<|eot_id|>"),
    "qwen25": ("", "<|im_end|>"),
    "mistral": ("<s>", "</s>"),
    "gemma3": ("<bos>", "<eos>"),
}

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city and country, e.g. Paris, France"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location"],
        },
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Current time in a time zone — «ISO 8601»",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": []},
    },
}
TOOLS = [WEATHER, TIME]

SYSTEM = {"role": "system", "content": "You are a concise assistant. Answer in one sentence."}
USER = {"role": "user", "content": "What is the capital of France?"}
ASSISTANT = {"role": "assistant", "content": "The capital of France is Paris."}
USER2 = {"role": "user", "content": "  And of Japan? Réponds en français 🇯🇵  "}

CALL = {
    "role": "assistant",
    "content": "",
    "tool_calls": [
        {"id": "call00001", "type": "function",
         "function": {"name": "get_current_weather", "arguments": {"location": "Paris, France", "unit": "celsius"}}}
    ],
}
TWO_CALLS = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {"id": "call00001", "type": "function",
         "function": {"name": "get_current_weather", "arguments": {"location": "Paris, France"}}},
        {"id": "call00002", "type": "function", "function": {"name": "get_time", "arguments": {"zone": "Europe/Paris"}}},
    ],
}
RESULT = {"role": "tool", "tool_call_id": "call00001", "name": "get_current_weather",
          "content": "{\"temperature\": 21, \"unit\": \"celsius\"}"}
RESULT2 = {"role": "tool", "tool_call_id": "call00002", "name": "get_time", "content": "14:05"}
FINAL = {"role": "assistant", "content": "It is 21 °C in Paris."}
USER_WEATHER = {"role": "user", "content": "What's the weather in Paris?"}

CHAT_CASES = []


def add(name, template, messages, add_generation_prompt=True, tools=None, extra=None):
    bos, eos = TOKENS[template]
    CHAT_CASES.append({
        "name": name, "template": template, "messages": messages, "tools": tools,
        "add_generation_prompt": add_generation_prompt, "extra": extra or {}, "bos": bos, "eos": eos,
    })


# Common conversations for every template.
for key in TEMPLATES:
    add(f"{key}: system and user", key, [SYSTEM, USER])
    add(f"{key}: system and user, no generation prompt", key, [SYSTEM, USER], add_generation_prompt=False)
    add(f"{key}: user only", key, [USER])
    add(f"{key}: multi-turn", key, [SYSTEM, USER, ASSISTANT, USER2])
    add(f"{key}: multi-turn ending with assistant", key, [USER, ASSISTANT], add_generation_prompt=False)

# SmolLM2: the conversation of the llama.cpp fixture.
add("smollm2: llama.cpp fixture", "smollm2", [
    {"role": "system", "content": "You are a concise assistant. Answer in one sentence."},
    {"role": "user", "content": "What is the capital of France?"},
])
# The generator checks that jinja2 gives exactly the prompt llama.cpp rendered for this conversation.
CHAT_CASES[-1]["fixture"] = "/work/shared/fixtures/smollm2-chat-template.json"

# Qwen2.5: tools in the system prompt, <tool_call> blocks, grouped <tool_response>s.
add("qwen25: tools declared", "qwen25", [SYSTEM, USER_WEATHER], tools=TOOLS)
add("qwen25: tools without system", "qwen25", [USER_WEATHER], tools=TOOLS)
add("qwen25: tool call and result", "qwen25", [USER_WEATHER, CALL, RESULT, FINAL], tools=TOOLS, add_generation_prompt=False)
add("qwen25: parallel calls and results", "qwen25", [SYSTEM, USER_WEATHER, TWO_CALLS, RESULT, RESULT2], tools=TOOLS)
add("qwen25: call with text", "qwen25", [USER_WEATHER, dict(CALL, content="Let me check."), RESULT], tools=TOOLS)

# Llama 3.1: tools in the first user message (default) or the system prompt; ipython results.
add("llama31: tools in user message", "llama31", [SYSTEM, USER_WEATHER], tools=TOOLS)
add("llama31: tools in system message", "llama31", [SYSTEM, USER_WEATHER], tools=TOOLS,
    extra={"tools_in_user_message": False})
add("llama31: tool call and result", "llama31", [SYSTEM, USER_WEATHER, CALL, RESULT, FINAL], tools=[WEATHER])
add("llama31: builtin tools", "llama31", [USER_WEATHER], extra={"builtin_tools": ["brave_search", "wolfram_alpha", "code_interpreter"]})
add("llama31: builtin tool call", "llama31", [
    USER_WEATHER,
    {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "brave_search", "arguments": {"query": "Paris weather"}}}]},
    {"role": "ipython", "content": {"result": "sunny"}},
], extra={"builtin_tools": ["brave_search"]})
add("llama31: custom date", "llama31", [SYSTEM, USER], extra={"date_string": "01 Jan 2025"})
add("llama31: parallel calls are rejected", "llama31", [USER_WEATHER, TWO_CALLS], tools=TOOLS)
add("llama31: tools but no user message", "llama31", [SYSTEM], tools=TOOLS)

# Llama 3.2: the date comes from strftime_now (fixed to 26 Jul 2024 13:05:09 in these tests).
add("llama32: tools and tool result", "llama32", [USER_WEATHER, CALL, RESULT], tools=[WEATHER])
add("llama32: tool result as mapping", "llama32", [USER_WEATHER, CALL, dict(RESULT, content={"temperature": 21})], tools=[WEATHER])

# Mistral v0.3: [AVAILABLE_TOOLS] before the last user turn, 9-character call ids.
add("mistral: tools on last user turn", "mistral", [SYSTEM, USER, ASSISTANT, USER_WEATHER], tools=TOOLS)
add("mistral: tool call and result", "mistral", [USER_WEATHER, CALL, RESULT, FINAL, USER2], tools=[WEATHER])
add("mistral: parallel calls", "mistral", [USER_WEATHER, TWO_CALLS, RESULT, RESULT2], tools=TOOLS)
add("mistral: roles must alternate", "mistral", [USER, USER2])
add("mistral: bad tool call id", "mistral", [USER_WEATHER, {"role": "assistant", "tool_calls": [
    {"id": "short", "type": "function", "function": {"name": "get_time", "arguments": {}}}]}], tools=[TIME])
add("mistral: unknown role", "mistral", [USER, {"role": "critic", "content": "no"}])

# Gemma 3: system text folded into the first user turn, "model" role, content parts.
add("gemma3: content parts", "gemma3", [
    {"role": "system", "content": [{"type": "text", "text": "Describe images briefly."}]},
    {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "  What is this?  "}]},
])
add("gemma3: roles must alternate", "gemma3", [USER, USER2])
add("gemma3: assistant first", "gemma3", [ASSISTANT, USER])
