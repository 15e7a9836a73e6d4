"""Compare the Python CEL libraries on what CRD validation rules need: correctness, custom
functions, compile-once/evaluate-many speed. The figures in docs/cel.md come from this script.

Run from the repository root, with the candidates installed in the same environment:
    pip install cel-expr-python common-expression-language cel-python
    python benchmarks/cel_libraries.py

Each library runs the same cases with the extensions it ships (cel-expr-python: strings,
optional, bindings; common-expression-language: its Python stdlib; cel-python: none) plus one
custom member function (isSorted) registered through its own API. A case passes when the
result equals the expected value, or when an error was expected and the library raised or
returned one. Kubernetes' own libraries (url, quantity, ip, cidr, format, lists) are not in
any of them: they are registered by kcompat itself, so only "can a custom function be
registered" is measured for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

ERROR = object()

# (expression, self, expected)
CASES: list[tuple[str, Any, Any]] = [
    # self binding, has(), comprehension macros
    ("self.replicas > 0", {"replicas": 2}, True),
    ("has(self.spec)", {"x": 1}, False),
    ("has(self.spec) && has(self.spec.a)", {"spec": {"a": 1}}, True),
    ("self.l.all(x, x > 0)", {"l": [1, 2]}, True),
    ("self.l.exists(x, x > 1)", {"l": [1, 2]}, True),
    ("self.l.exists_one(x, x > 0)", {"l": [1, 2]}, False),
    ("self.l.map(x, x * 2) == [2, 4]", {"l": [1, 2]}, True),
    ("self.l.filter(x, x > 1) == [2]", {"l": [1, 2]}, True),
    ("self.m.all(k, k.startsWith('a'))", {"m": {"ab": 1, "ac": 2}}, True),
    ("self.l.map(x, x.name).size() == 2", {"l": [{"name": "a"}, {"name": "b"}]}, True),
    ("size(self.s) == 3", {"s": "abc"}, True),
    ("self.missing == 1", {}, ERROR),
    # errors the server reports
    ("9223372036854775807 + 1 > 0", {}, ERROR),
    ("-9223372036854775808 - 1 < 0", {}, ERROR),
    ("1 / 0 == 0", {}, ERROR),
    ("self.l[5] == 1", {"l": [1]}, ERROR),
    # strings extension
    ("'ABC'.lowerAscii() == 'abc'", {}, True),
    ("'abc'.upperAscii() == 'ABC'", {}, True),
    ("'a,b,c'.split(',') == ['a', 'b', 'c']", {}, True),
    ("'a,b,c'.split(',', 2) == ['a', 'b,c']", {}, True),
    ("['a', 'b'].join('-') == 'a-b'", {}, True),
    ("'hello'.indexOf('l') == 2", {}, True),
    ("'hello'.lastIndexOf('l') == 3", {}, True),
    ("'hello'.substring(1, 3) == 'el'", {}, True),
    ("'  x '.trim() == 'x'", {}, True),
    ("'aXa'.replace('a', 'b') == 'bXb'", {}, True),
    ("'abc'.charAt(1) == 'b'", {}, True),
    ("'héllo'.size() == 5", {}, True),
    # regular expressions with RE2 semantics
    ("'abc'.matches('^a.c$')", {}, True),
    ("'ABC'.matches('(?i)abc')", {}, True),
    ("'aa'.matches('(a)\\\\1')", {}, ERROR),  # backreferences do not exist in RE2
    ("'a(?=b)'.matches('a(?=b)')", {}, ERROR),  # nor lookahead
    # optional types
    ("self.?spec.?x.orValue(5) == 5", {}, True),
    ("self.?spec.?x.orValue(5) == 1", {"spec": {"x": 1}}, True),
    ("optional.of(1).hasValue()", {}, True),
    ("self.?l[?0].orValue(9) == 9", {"l": []}, True),
    # sets / lists extensions (cel-go)
    ("sets.contains([1, 2, 3], [1, 2])", {}, True),
    ("sets.intersects([1, 2], [2, 3])", {}, True),
    ("sets.equivalent([1, 2], [2, 1, 1])", {}, True),
    # bindings
    ("cel.bind(x, self.a, x + x == 4)", {"a": 2}, True),
    # timestamps and durations
    ("duration('1h') > duration('59m')", {}, True),
    ("timestamp('2024-01-01T00:00:00Z') < timestamp('2024-01-02T00:00:00Z')", {}, True),
    # custom member function registered by the harness
    ("[1, 2, 3].isSorted() && ![3, 1].isSorted()", {}, True),
]


def _is_sorted(items: Any) -> bool:
    values = list(items)
    return all(values[i] <= values[i + 1] for i in range(len(values) - 1))


# ------------------------------------------------------------------ adapters: compile(src) -> run(self)


def cel_expr_python() -> Callable[[str], Callable[[Any], Any]]:
    from cel_expr_python import cel
    from cel_expr_python.ext import ext_bindings, ext_optional, ext_strings

    decl = cel.FunctionDecl("isSorted", [cel.Overload("list_is_sorted", cel.Type.BOOL, [cel.Type.List(cel.Type.DYN)],
                                                      is_member=True, impl=_is_sorted)])
    env = cel.NewEnv(variables={"self": cel.Type.DYN}, functions=[decl],
                     extensions=[ext_strings.ExtStrings(), ext_optional.ExtOptional(), ext_bindings.ExtBindings()])

    def compile_(src: str) -> Callable[[Any], Any]:
        expression = env.compile(src)

        def run(value: Any) -> Any:
            result = expression.eval(data={"self": value})
            if result.type() == cel.Type.ERROR:
                raise RuntimeError(result.value())
            return result.plain_value()
        return run
    return compile_


def common_expression_language() -> Callable[[str], Callable[[Any], Any]]:
    import cel
    from cel import stdlib

    context = cel.Context({"self": None})
    stdlib.add_stdlib_to_context(context)
    context.add_function("isSorted", _is_sorted)

    def compile_(src: str) -> Callable[[Any], Any]:
        program = cel.compile(src)

        def run(value: Any) -> Any:
            context.add_variable("self", value)
            return program.execute(context)
        return run
    return compile_


def cel_python() -> Callable[[str], Callable[[Any], Any]]:
    import celpy

    env = celpy.Environment()

    def compile_(src: str) -> Callable[[Any], Any]:
        program = env.program(env.compile(src), functions={"isSorted": _is_sorted})

        def run(value: Any) -> Any:
            result = program.evaluate({"self": celpy.json_to_cel(value)})
            if isinstance(result, celpy.CELEvalError):
                raise RuntimeError(result)
            return result
        return run
    return compile_


LIBRARIES = {"cel-expr-python": cel_expr_python, "common-expression-language": common_expression_language,
             "cel-python": cel_python}

TIMED_RULE = "self.rules.all(r, !has(r.matches) || r.matches.all(m, !has(m.path) || m.path.value.startsWith('/')))"
TIMED_SELF = {"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": f"/p{i}"}} for i in range(4)]}
                        for i in range(4)]}


def correctness(name: str, compile_: Callable[[str], Callable[[Any], Any]]) -> list[str]:
    failures: list[str] = []
    for src, value, expected in CASES:
        try:
            got: Any = compile_(src)(value)
        except Exception as error:  # any failure is an error result here
            got = ERROR if expected is ERROR else f"error: {str(error).splitlines()[0][:80]}"
        if expected is ERROR and got is not ERROR:
            got = f"no error ({got!r})"
        if got is not expected and got != expected:
            failures.append(f"{src}  ->  {got}")
    return failures


def timing(compile_: Callable[[str], Callable[[Any], Any]]) -> tuple[float, float]:
    """Microseconds to compile TIMED_RULE, and to evaluate it once on TIMED_SELF."""
    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        run = compile_(TIMED_RULE)
    compile_us = (time.perf_counter() - start) / rounds * 1e6
    assert run(TIMED_SELF) == True  # noqa: E712 - celpy answers BoolType
    rounds = 2000
    start = time.perf_counter()
    for _ in range(rounds):
        run(TIMED_SELF)
    return compile_us, (time.perf_counter() - start) / rounds * 1e6


def main() -> None:
    for name, factory in LIBRARIES.items():
        start = time.perf_counter()
        try:
            compile_ = factory()
        except ImportError as error:
            print(f"{name}: not installed ({error})")
            continue
        setup_ms = (time.perf_counter() - start) * 1e3
        failures = correctness(name, compile_)
        compile_us, eval_us = timing(compile_)
        print(f"{name}: {len(CASES) - len(failures)}/{len(CASES)} cases; import+setup {setup_ms:.0f} ms; "
              f"compile {compile_us:.0f} us; evaluate {eval_us:.1f} us")
        for failure in failures:
            print(f"    FAIL {failure}")


if __name__ == "__main__":
    main()
