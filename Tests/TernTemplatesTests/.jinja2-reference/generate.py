#!/usr/bin/env python3
"""Regenerates the expected renderings the Swift tests compare against.

The reference is Python jinja2 configured exactly as Hugging Face transformers'
`_compile_jinja_template` configures it:

    ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                  extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    filters["tojson"]  = json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)
    globals["raise_exception"] raises jinja2.exceptions.TemplateError(message)
    globals["strftime_now"]    = datetime.now().strftime(format)   (fixed to FIXED_NOW here)

and chat templates are rendered with the variables `apply_chat_template` passes
(messages, tools, documents, add_generation_prompt, bos_token, eos_token, extras).

Run from this directory (needs Jinja2 3.1.x):  python3 generate.py
It writes ../Generated/*.swift. The directory is hidden so SwiftPM ignores it.

corpus.json holds 31 more real chat templates (Zephyr, Mixtral, Phi-4, Gemma 2/4, SmolLM3, DeepSeek,
Qwen 1.5/2-VL, ...) as collected by huggingface/swift-jinja's integration tests
(Tests/JinjaTests/IntegrationTests.swift at e095395); they are only data here.
"""

import copy
import datetime
import json
import os
import sys

import jinja2
import jinja2.ext
from jinja2.exceptions import TemplateAssertionError, TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cases import CONFORMANCE_CASES
from chats import CHAT_CASES, TEMPLATES

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Generated")
FIXED_NOW = datetime.datetime(2024, 7, 26, 13, 5, 9)


class Raised(Exception):
    """What raise_exception throws, kept apart from jinja2's own errors."""


def make_environment():
    class Generation(jinja2.ext.Extension):
        # transformers' AssistantTracker: {% generation %} renders its body unchanged.
        tags = {"generation"}

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
            return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

        def _render(self, caller):
            return caller()

    def raise_exception(message):
        raise Raised(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return FIXED_NOW.strftime(format)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[Generation, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


ENV = make_environment()


def render(template, context):
    """Returns ("output", text) | ("raised", message) | ("syntax", line) | ("runtime", description)."""
    try:
        compiled = ENV.from_string(template)
    except TemplateAssertionError as error:
        # Unknown filters and tests: jinja2 reports them at compile time outside `if` blocks and
        # at run time inside them; Tern always reports them when reached.
        return ("runtime", f"{type(error).__name__}: {error}")
    except TemplateSyntaxError as error:
        return ("syntax", error.lineno)
    except SyntaxError:  # jinja2 lets Python reject e.g. `break` outside a loop; line 0: not checked
        return ("syntax", 0)
    except TemplateError as error:  # e.g. unknown filter found at compile time
        return ("runtime", f"{type(error).__name__}: {error}")
    try:
        # A deep copy, since some jinja2 filters mutate their input (`indent` on a list extends it).
        return ("output", compiled.render(**copy.deepcopy(context)))
    except Raised as error:
        return ("raised", str(error))
    except TemplateSyntaxError as error:
        return ("syntax", error.lineno)
    except Exception as error:  # UndefinedError, TypeError, SecurityError, ...
        return ("runtime", f"{type(error).__name__}: {error}")


def swift_string(text):
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or ch in "\u2028\u2029":
            out.append("\\u{%x}" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def swift_expected(result):
    kind, value = result
    if kind == "output":
        return f".output({swift_string(value)})"
    if kind == "raised":
        return f".raised({swift_string(value)})"
    if kind == "syntax":
        return f".syntaxError(line: {value})"
    return f".runtimeError({swift_string(value)})"


HEADER = """// Generated by .jinja2-reference/generate.py with Python jinja2 {version}, configured as
// transformers configures it. Do not edit by hand: change the cases and run the generator.
// swift-format-ignore-file
"""


def json_text(value):
    return json.dumps(value, ensure_ascii=False)


def write(name, body):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as handle:
        handle.write(HEADER.format(version=jinja2.__version__))
        handle.write(body)


def generate_conformance():
    lines = ["extension ConformanceCase {", "    static let all: [ConformanceCase] = ["]
    for category, template, context in CONFORMANCE_CASES:
        result = render(template, context)
        lines.append(
            f"        ConformanceCase(category: .{category}, template: {swift_string(template)}, "
            f"context: {swift_string(json_text(context))}, expected: {swift_expected(result)}),"
        )
    lines += ["    ]", "}", ""]
    write("ConformanceCases.swift", "\n".join(lines))


def generate_chats():
    lines = ["extension ChatTemplateSource {"]
    for key, filename in TEMPLATES.items():
        with open(os.path.join(HERE, "templates", filename), encoding="utf-8") as handle:
            source = handle.read()
        lines.append(f"    /// models/templates/{filename}")
        lines.append(f"    static let {key} = ChatTemplateSource(name: {swift_string(key)}, source: {swift_string(source)})")
    lines += ["}", "", "extension ChatCase {", "    static let all: [ChatCase] = ["]
    for case in CHAT_CASES:
        with open(os.path.join(HERE, "templates", TEMPLATES[case["template"]]), encoding="utf-8") as handle:
            source = handle.read()
        context = {
            "messages": case["messages"],
            "tools": case.get("tools"),
            "documents": None,
            "add_generation_prompt": case["add_generation_prompt"],
            "bos_token": case["bos"],
            "eos_token": case["eos"],
        }
        context.update(case.get("extra", {}))
        result = render(source, context)
        if "fixture" in case:
            with open(case["fixture"], encoding="utf-8") as handle:
                fixture = json.load(handle)
            if result != ("output", fixture["cases"][0]["prompt"]):
                sys.exit(f"chat case {case['name']} disagrees with {case['fixture']}")
        if result[0] == "runtime" or result[0] == "syntax":
            sys.exit(f"chat case {case['name']} failed in jinja2: {result}")
        tools = "nil" if case.get("tools") is None else swift_string(json_text(case["tools"]))
        lines.append(
            f"        ChatCase(name: {swift_string(case['name'])}, template: .{case['template']}, "
            f"bos: {swift_string(case['bos'])}, eos: {swift_string(case['eos'])},\n"
            f"                 messages: {swift_string(json_text(case['messages']))},\n"
            f"                 tools: {tools}, addGenerationPrompt: {'true' if case['add_generation_prompt'] else 'false'}, "
            f"extra: {swift_string(json_text(case.get('extra', {})))},\n"
            f"                 expected: {swift_expected(result)}),"
        )
    lines += ["    ]", "}", ""]
    write("ChatCases.swift", "\n".join(lines))


def generate_corpus():
    """Every template of corpus.json with three conversations: plain, with a system prompt, with tools."""
    import chats

    with open(os.path.join(HERE, "corpus.json"), encoding="utf-8") as handle:
        corpus = json.load(handle)
    conversations = [
        ("plain", [chats.USER, chats.ASSISTANT, chats.USER2], None, True),
        ("system", [chats.SYSTEM, chats.USER, chats.ASSISTANT, chats.USER2], None, False),
        ("tools", [chats.SYSTEM, chats.USER_WEATHER, chats.CALL, chats.RESULT, chats.FINAL], chats.TOOLS, True),
    ]
    lines = ["extension CorpusCase {", "    static let sources: [String] = ["]
    lines += [f"        {swift_string(source)}," for _, source in corpus]
    lines += ["    ]", "", "    static let all: [CorpusCase] = ["]
    count = 0
    for index, (name, source) in enumerate(corpus):
        for label, messages, tools, prompt in conversations:
            context = {"messages": messages, "tools": tools, "documents": None, "add_generation_prompt": prompt,
                       "bos_token": "<s>", "eos_token": "</s>"}
            result = render(source, context)
            if result[0] in ("runtime", "syntax"):
                continue  # the template does not accept this conversation in jinja2 either
            count += 1
            tools_text = "nil" if tools is None else swift_string(json_text(tools))
            lines.append(
                f"        CorpusCase(name: {swift_string(name + ': ' + label)}, source: {index},\n"
                f"                   messages: {swift_string(json_text(messages))}, tools: {tools_text}, "
                f"addGenerationPrompt: {'true' if prompt else 'false'}, expected: {swift_expected(result)}),"
            )
    lines += ["    ]", "}", ""]
    write("CorpusCases.swift", "\n".join(lines))
    return count


# Differential cases per generated file, so each file stays under the house limit of 600 lines.
FUZZ_CASES_PER_FILE = 550


def generate_fuzz():
    """The fuzz cases, one set of files per expected outcome (output, runtime error, raised,
    syntax error), each split into files of at most FUZZ_CASES_PER_FILE cases; the main file holds
    the shared context and `all`, the concatenation of the parts."""
    import glob

    import fuzz

    cases = fuzz.fuzz_cases(render)
    for stale in glob.glob(os.path.join(OUT, "DifferentialCases+*.swift")):
        os.remove(stale)
    parts = []
    for kind, title in (("output", "Output"), ("runtime", "RuntimeError"), ("raised", "Raised"),
                        ("syntax", "SyntaxError")):
        group = [case for case in cases if case[1][0] == kind]
        if not group:
            continue
        files = -(-len(group) // FUZZ_CASES_PER_FILE)
        size = -(-len(group) // files)
        for index in range(files):
            suffix = str(index + 1) if files > 1 else ""
            name = title[0].lower() + title[1:] + "Cases" + suffix
            parts.append(name)
            lines = ["extension DifferentialCase {", f"    static let {name}: [DifferentialCase] = ["]
            for template, result in group[index * size:(index + 1) * size]:
                lines.append(
                    f"        DifferentialCase(template: {swift_string(template)}, expected: {swift_expected(result)}),")
            lines += ["    ]", "}", ""]
            write(f"DifferentialCases+{title}{suffix}.swift", "\n".join(lines))
    lines = ["extension DifferentialCase {", f"    static let context = {swift_string(json_text(fuzz.CONTEXT))}", "",
             f"    static let all: [DifferentialCase] = {' + '.join(parts)}", "}", ""]
    write("DifferentialCases.swift", "\n".join(lines))
    return len(cases)


if __name__ == "__main__":
    fuzz_count = generate_fuzz()
    generate_conformance()
    generate_chats()
    corpus_count = generate_corpus()
    print(f"wrote {len(CONFORMANCE_CASES)} conformance cases, {len(CHAT_CASES)} chat cases, "
          f"{corpus_count} corpus renderings and {fuzz_count} differential cases to {os.path.normpath(OUT)}")
