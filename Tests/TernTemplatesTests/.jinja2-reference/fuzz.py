"""Randomly composed templates (fixed seeds, so the output is reproducible) for differential testing
against jinja2: expressions mixing operators, filters, tests and methods, and statement nests mixing
whitespace control, trim_blocks and lstrip_blocks.

and nests of macros, namespaces and set/filter/with blocks with break and continue.

Left out on purpose, because Python prints them with memory addresses or types Tern does not model:
lazy filter results used without |list, Markup values (escape/safe), LoopContext as a value, `**`
(jinja2's code generator turns `-1 ** x` into `-(1 ** x)`, and floats can go complex).
"""

import random

CONTEXT = {
    "x": 3, "y": -2.5, "s": "Hello World", "e": "", "l": [3, 1, 2], "d": {"b": 1, "a": [1, 2], "c": {"k": "v"}},
    "ms": [{"role": "user", "content": " hi "},
           {"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "f", "arguments": {"q": 1}}}]}],
    "t": True, "n": None, "f": 0.1, "big": 10 ** 15, "uni": "é😀ß", "xs": [1, 2, 3],
}

ATOMS = ["x", "y", "s", "e", "l", "d", "ms", "t", "n", "f", "big", "uni", "u", "0", "1", "-1", "2", "3.5", "1e3", "'a'",
         "'ab c'", "\"q'\"", "[]", "[1, 'a']", "{}", "{'k': 1}", "(1, 2)", "none", "true", "false", "d.a", "d['c']",
         "ms[0]", "ms[-1].tool_calls", "l[1:]", "s[::-1]", "s[2:5]", "ms[0].content"]
FILTERS = ["trim", "upper", "lower", "title", "capitalize", "length", "first", "last", "list", "string", "int", "float",
           "abs", "round", "unique|list", "reverse|list", "sort", "sum", "tojson", "join", "join(', ')", "default('D')",
           "default('D', true)", "replace('l', 'L')", "indent(2)", "wordcount", "items|list", "dictsort", "min", "max",
           "batch(2)|list", "map('string')|list", "select('odd')|list", "reject('none')|list",
           "selectattr('role', 'equalto', 'user')|list", "map(attribute='role')|list", "tojson(indent=2)", "center(9)",
           "truncate(5, true, '', 0)", "count", "d", "format(1)"]
TESTS = ["defined", "undefined", "none", "string", "number", "integer", "float", "mapping", "sequence", "iterable",
         "boolean", "true", "false", "even", "odd", "divisibleby 2", "eq 3", "in [1, 3]", "lower", "upper", "callable",
         "sameas none", "gt 1", "ne 'a'"]
METHODS = ["strip()", "upper()", "lower()", "split()", "split('l')", "startswith('H')", "endswith('d')",
           "replace('o', '0')", "find('o')", "count('l')", "title()", "capitalize()", "items()", "keys()", "values()",
           "get('a')", "get('z', 9)", "index(1)", "lstrip('H')", "rsplit(' ', 1)", "splitlines()", "isdigit()",
           "format(1, 2)", "join(['a', 'b'])"]
OPERATORS = ["+", "-", "*", "/", "//", "%", "~", "==", "!=", "<", ">", "<=", ">=", "in", "not in", "and", "or"]
UNMATCHABLE = ("object at 0x", "Markup(", "<generator", "dict_keys", "dict_values", "dict_items", "built-in")


def expression(rng, depth=0):
    roll = rng.random()
    if depth > 2 or roll < 0.3:
        return rng.choice(ATOMS)
    if roll < 0.5:
        return f"{expression(rng, depth + 1)} {rng.choice(OPERATORS)} {expression(rng, depth + 1)}"
    if roll < 0.65:
        return f"({expression(rng, depth + 1)})|{rng.choice(FILTERS)}"
    if roll < 0.75:
        return f"({expression(rng, depth + 1)}) is {rng.choice(['', 'not '])}{rng.choice(TESTS)}"
    if roll < 0.85:
        return f"({expression(rng, depth + 1)}).{rng.choice(METHODS)}"
    if roll < 0.92:
        return f"{expression(rng, depth + 1)} if {expression(rng, depth + 1)} else {expression(rng, depth + 1)}"
    return f"not {expression(rng, depth + 1)}"


SPACES = ["", " ", "  ", "\n", "\n\n", "  \n", "\n  ", "\t", " \n \n"]


def statements(rng, depth=0):
    def mark():
        return rng.choice(["", "", "-", "+"])

    def space():
        return rng.choice(SPACES)

    parts = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.3 or depth > 2:
            parts.append(rng.choice(["text", "a b", "", "x", "—é"]) + space())
        elif roll < 0.5:
            value = rng.choice(["x", "i", "loop.index", "s", "s|trim", "d.a", "'lit'", "xs|length", "m.role", "u",
                                "1 + 2", "xs|join(',')"])
            parts.append("{{" + rng.choice(["", "", "-"]) + f" {value} " + rng.choice(["", "", "-"]) + "}}" + space())
        elif roll < 0.6:
            parts.append("{#" + mark() + " c " + mark() + "#}" + space())
        elif roll < 0.75:
            condition = rng.choice(["t", "f", "loop.first", "x > 1", "x is defined", "not t", "i is odd",
                                    "m.role == 'user'", "xs", "d.b"])
            otherwise = ("{%" + mark() + " else " + mark() + "%}" + space() + statements(rng, depth + 1)
                         if rng.random() < 0.4 else "")
            parts.append(space() + "{%" + mark() + f" if {condition} " + mark() + "%}" + space()
                         + statements(rng, depth + 1) + space() + otherwise + "{%" + mark() + " endif " + mark() + "%}"
                         + space())
        elif roll < 0.9:
            name = rng.choice(["i", "x", "m"])
            sequence = "ms" if name == "m" else "xs"
            parts.append(space() + "{%" + mark() + f" for {name} in {sequence} " + mark() + "%}" + space()
                         + statements(rng, depth + 1) + space() + "{%" + mark() + " endfor " + mark() + "%}" + space())
        else:
            value = rng.choice(["2", "xs|length", "'s'", "i"])
            parts.append(space() + "{%" + mark() + f" set x = {value} " + mark() + "%}" + space())
    return "".join(parts)


def blocks(rng, depth=0, in_loop=False):
    """Nests of macros, namespaces, set/filter/with blocks, break and continue."""

    def space():
        return rng.choice(["", " ", "\n", "\n  ", "  "])

    def tag(body):
        return "{%" + rng.choice(["", "", "-", "+"]) + " " + body + " " + rng.choice(["", "", "-", "+"]) + "%}"

    out = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.2 or depth > 2:
            out.append(rng.choice(["t", "x:", "{{ x }}", "{{ ns.v }}", "{{ i }}", "{{ m.role }}", "{{ y }}",
                                   "{{ loop.index }}"]) + space())
        elif roll < 0.3:
            out.append("{{ " + expression(rng, 1) + " }}" + space())
        elif roll < 0.4:
            out.append(tag("set ns.v = ns.v ~ " + rng.choice(["'a'", "i", "x", "loop.index"])) + space())
        elif roll < 0.48:
            out.append(tag("set " + rng.choice(["x", "y", "z"]) + " = "
                           + rng.choice(["1", "x ~ 'b'", "i", "[1, 2]", "ns.v"])) + space())
        elif roll < 0.55 and in_loop:
            out.append(tag(rng.choice(["if loop.index > 1", "if i is even", "if true"]))
                       + tag(rng.choice(["break", "continue"])) + tag("endif") + space())
        elif roll < 0.65:
            name = rng.choice(["i", "m"])
            sequence = "ms" if name == "m" else rng.choice(["xs", "range(3)", "l|sort", "xs|select('odd')"])
            out.append(tag(f"for {name} in {sequence}") + space() + blocks(rng, depth + 1, True) + tag("endfor")
                       + space())
        elif roll < 0.72:
            out.append(tag("if " + rng.choice(["t", "x", "y is defined", "i is odd", "ns.v"])) + space()
                       + blocks(rng, depth + 1, in_loop) + tag("else") + blocks(rng, depth + 1, in_loop)
                       + tag("endif") + space())
        elif roll < 0.8:
            out.append(tag("macro mac(a, b='d')") + space() + "{{ a }}{{ b }}"
                       + rng.choice(["{{ x }}", "{{ y }}", "{{ caller() if caller is defined else '' }}", ""])
                       + tag("endmacro") + "{{ mac(" + rng.choice(["1", "x", "'q', b=2", "i"]) + ") }}" + space())
        elif roll < 0.86:
            out.append(tag("set blk") + space() + blocks(rng, depth + 1, False) + tag("endset") + "[{{ blk }}]"
                       + space())
        elif roll < 0.92:
            out.append(tag("filter " + rng.choice(["upper", "trim", "replace('a', 'b')", "indent(2)"])) + space()
                       + blocks(rng, depth + 1, in_loop) + tag("endfilter") + space())
        else:
            out.append(tag("with y = " + rng.choice(["1", "x", "'w'"])) + space() + blocks(rng, depth + 1, in_loop)
                       + tag("endwith") + space())
    return "".join(out)


def fuzz_cases(render):
    """(template, result) pairs: 800 expressions, 600 whitespace nests and 600 block nests."""
    cases = []
    seen = set()
    rng = random.Random(20240726)
    while len(cases) < 800:
        template = "{{ " + expression(rng) + " }}"
        if rng.random() < 0.2:
            template = "{% for m in ms %}" + template + "|{% endfor %}"
        if template in seen:
            continue
        seen.add(template)
        result = render(template, CONTEXT)
        if result[0] == "output" and any(marker in result[1] for marker in UNMATCHABLE):
            continue
        cases.append((template, result))
    rng = random.Random(1337)
    while len(cases) < 1400:
        template = ("{% set ns = namespace(v=1) %}" if rng.random() < 0.3 else "") + statements(rng)
        if template in seen:
            continue
        seen.add(template)
        cases.append((template, render(template, CONTEXT)))
    rng = random.Random(4242)
    while len(cases) < 2000:
        template = "{% set ns = namespace(v='') %}" + blocks(rng)
        result = render(template, CONTEXT)
        if template in seen or result[0] == "syntax":
            continue  # `break` outside a loop body is a Python SyntaxError in jinja2, not a location
        if result[0] == "output" and any(marker in result[1] for marker in UNMATCHABLE):
            continue
        seen.add(template)
        cases.append((template, result))
    return cases
