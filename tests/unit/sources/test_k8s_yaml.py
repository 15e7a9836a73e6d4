"""Each way PyYAML's YAML 1.1 resolver disagrees with what Kubernetes stores, one row each.

A row holds the YAML text, what PyYAML's CSafeLoader gives (or `PYYAML_FAILS`) and the value
the API server stores: go-yaml v2 decoding, sigs.k8s.io/yaml's JSON conversion, then JSON
numbers read back as int64 when they parse as one. Both sides are checked, so a row whose
difference disappears (or whose Kubernetes value is wrong) fails. Values are compared by
`repr`, which tells 1 from 1.0 from True and keeps key order.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import yaml

from kcompat.sources.k8s_yaml import load_document, resolve_plain
from kcompat.sources.yaml_stream import ParseProblem, parse_stream

PYYAML_FAILS = object()

ROWS: list[Any] = [
    # resolve.go: a first character outside the resolve table (`=`, `<`) makes a plain string.
    pytest.param("v: =", PYYAML_FAILS, {"v": "="}, id="bare-equals"),
    pytest.param("v: <<", PYYAML_FAILS, {"v": "<<"}, id="merge-word-as-value"),
    # resolve.go: "Base 60 floats are a bad idea ... purposefully unsupported".
    pytest.param("v: 1:30", {"v": 90}, {"v": "1:30"}, id="sexagesimal-int"),
    pytest.param("v: -1:30", {"v": -90}, {"v": "-1:30"}, id="negative-sexagesimal-int"),
    pytest.param("v: 1:30.5", {"v": 90.5}, {"v": "1:30.5"}, id="sexagesimal-float"),
    # resolve.go resolveMapList: y/Y/n/N are booleans.
    pytest.param("v: y", {"v": "y"}, {"v": True}, id="y"),
    pytest.param("v: Y", {"v": "Y"}, {"v": True}, id="Y"),
    pytest.param("v: n", {"v": "n"}, {"v": False}, id="n"),
    pytest.param("v: N", {"v": "N"}, {"v": False}, id="N"),
    # strconv.ParseInt(s, 0, 64): 0o octal and upper-case prefixes.
    pytest.param("v: 0o17", {"v": "0o17"}, {"v": 15}, id="0o-octal"),
    pytest.param("v: 0O17", {"v": "0O17"}, {"v": 15}, id="0O-octal"),
    pytest.param("v: 0X1F", {"v": "0X1F"}, {"v": 31}, id="0X-hex"),
    pytest.param("v: 0B101", {"v": "0B101"}, {"v": 5}, id="0B-binary"),
    # resolve.go yamlStyleFloat: no dot or exponent sign needed; leading zeros allowed. An
    # integral float64 is written to JSON without a fraction and stored as an integer.
    pytest.param("v: 08", {"v": "08"}, {"v": 8}, id="leading-zero-not-octal"),
    pytest.param("v: 1e3", {"v": "1e3"}, {"v": 1000}, id="exponent-without-dot"),
    pytest.param("v: 1.5e3", {"v": "1.5e3"}, {"v": 1500}, id="exponent-without-sign"),
    pytest.param("v: 1E-3", {"v": "1E-3"}, {"v": 0.001}, id="exponent-negative"),
    pytest.param("v: +.5", {"v": "+.5"}, {"v": 0.5}, id="signed-dot-float"),
    pytest.param("v: -.5", {"v": "-.5"}, {"v": -0.5}, id="negative-dot-float"),
    pytest.param("v: 1.0", {"v": 1.0}, {"v": 1}, id="integral-float-stored-as-int"),
    pytest.param("v: !!float 1", {"v": 1.0}, {"v": 1}, id="explicit-float-tag"),
    pytest.param("v: 1.0e+400", {"v": float("inf")}, {"v": "1.0e+400"}, id="float-overflow-is-string"),
    # Beyond int64: ParseUint (uint64, which apimachinery reads back as float64), then
    # yamlStyleFloat for decimals; hex beyond uint64 stays a string.
    pytest.param("v: 9223372036854775808", {"v": 9223372036854775808}, {"v": 9.223372036854776e18},
                 id="above-int64"),
    pytest.param("v: 18446744073709551615", {"v": 18446744073709551615}, {"v": 1.8446744073709552e19},
                 id="uint64-max"),
    pytest.param("v: -9223372036854775809", {"v": -9223372036854775809}, {"v": -9223372036854775808},
                 id="below-int64-rounds-to-int64-min"),
    pytest.param("v: 123456789012345678901234567890", {"v": 123456789012345678901234567890},
                 {"v": 1.2345678901234568e29}, id="huge-decimal"),
    pytest.param("v: 0x10000000000000000", {"v": 18446744073709551616}, {"v": "0x10000000000000000"},
                 id="huge-hex-is-string"),
    # decode.go: timestamps decoded into interface{} stay strings.
    pytest.param("v: 2001-12-14", {"v": dt.date(2001, 12, 14)}, {"v": "2001-12-14"}, id="date"),
    pytest.param("v: 2001-12-14t21:59:43.10-05:00",
                 {"v": dt.datetime(2001, 12, 14, 21, 59, 43, 100000,
                                   tzinfo=dt.timezone(dt.timedelta(hours=-5)))},
                 {"v": "2001-12-14t21:59:43.10-05:00"}, id="timestamp"),
    # decode.go: !!binary is base64-decoded into a Go string; encoding/json replaces each
    # byte that is not UTF-8 with U+FFFD.
    pytest.param("v: !!binary aGVsbG8=", {"v": b"hello"}, {"v": "hello"}, id="binary"),
    pytest.param("v: !!binary 4oL/", {"v": b"\xe2\x82\xff"}, {"v": "\ufffd\ufffd\ufffd"}, id="binary-not-utf8"),
    # resolve.go resolvableTag: unknown tags are ignored, on scalars and on collections.
    pytest.param("v: !thing bar", PYYAML_FAILS, {"v": "bar"}, id="custom-scalar-tag"),
    pytest.param("v: !thing {a: 1}", PYYAML_FAILS, {"v": {"a": 1}}, id="custom-mapping-tag"),
    pytest.param("v: !!set {a, b}", {"v": {"a", "b"}}, {"v": {"a": None, "b": None}}, id="set"),
    pytest.param("v: !!omap [{a: 1}]", {"v": [("a", 1)]}, {"v": [{"a": 1}]}, id="omap"),
    # decode.go merge: merged entries replace keys given before `<<`.
    pytest.param("{a: 1, <<: {a: 2, b: 3}, b: 4}", {"a": 1, "b": 4}, {"a": 2, "b": 4}, id="merge-order"),
    pytest.param("{<<: [{a: 1}, {a: 2, c: 3}], c: 4}", {"a": 1, "c": 4}, {"a": 1, "c": 4},
                 id="merge-sequence-earlier-wins"),
    # sigs.k8s.io/yaml convertToJSONableObject: keys become strings (floats through float32 'g').
    pytest.param("{1: a}", {1: "a"}, {"1": "a"}, id="int-key"),
    pytest.param("{0x1F: a}", {31: "a"}, {"31": "a"}, id="hex-key"),
    pytest.param("{true: a, no: b}", {True: "a", False: "b"}, {"true": "a", "false": "b"}, id="bool-keys"),
    pytest.param("{1: a, true: b}", {1: "b"}, {"1": "a", "true": "b"}, id="int-and-bool-keys-differ"),
    pytest.param("{y: a}", {"y": "a"}, {"true": "a"}, id="y-key"),
    pytest.param("{1.5: a}", {1.5: "a"}, {"1.5": "a"}, id="float-key"),
    pytest.param("{1e6: a}", {"1e6": "a"}, {"1e+06": "a"}, id="exponent-key"),
    pytest.param("{3.14159265358979: a}", {3.14159265358979: "a"}, {"3.1415927": "a"}, id="float32-key"),
    pytest.param("{0.00001: a}", {0.00001: "a"}, {"1e-05": "a"}, id="small-float-key"),
    pytest.param("{.inf: a}", {float("inf"): "a"}, {".inf": "a"}, id="inf-key"),
    pytest.param("{2001-12-14: a}", {dt.date(2001, 12, 14): "a"}, {"2001-12-14": "a"}, id="date-key"),
]


@pytest.mark.parametrize(("text", "pyyaml", "kubernetes"), ROWS)
def test_kubernetes_value_differs_from_pyyaml(text: str, pyyaml: Any, kubernetes: Any) -> None:
    if pyyaml is PYYAML_FAILS:
        with pytest.raises(yaml.YAMLError):
            yaml.load(text, Loader=yaml.CSafeLoader)
    else:
        assert repr(yaml.load(text, Loader=yaml.CSafeLoader)) == repr(pyyaml)
    assert repr(load_document(text)) == repr(kubernetes)


ERRORS = [
    # encoding/json has no form for NaN or infinities: sigs.k8s.io/yaml fails.
    pytest.param("v: .inf", "has no JSON form", id="inf-value"),
    pytest.param("v: -.Inf", "has no JSON form", id="negative-inf-value"),
    pytest.param("v: .NaN", "has no JSON form", id="nan-value"),
    # convertToJSONableObject: null and uint64 keys are unsupported.
    pytest.param("{~: a}", "type null", id="null-key"),
    pytest.param("?\n: a\n", "type null", id="empty-key"),
    pytest.param("{18446744073709551615: a}", "type uint64", id="uint64-key"),
    # resolve.go: an explicit tag must match what the text resolves to.
    pytest.param("v: !!int 1.5", "cannot decode !!float `1.5` as a !!int", id="int-tag-on-float"),
    pytest.param("v: !!bool 1", "cannot decode !!int `1` as a !!bool", id="bool-tag-on-int"),
    pytest.param("v: !!binary '#'", "invalid base64", id="bad-base64"),
    pytest.param("<<: 1", "map merge requires map or sequence of maps", id="merge-of-scalar"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_documents_kubernetes_cannot_read_are_errors(text: str, message: str) -> None:
    with pytest.raises(yaml.MarkedYAMLError, match=re.escape(message)):
        load_document(text)


def test_an_error_is_a_parse_problem_at_its_line() -> None:
    (problem,) = parse_stream("apiVersion: v1\nkind: ConfigMap\ndata:\n  ratio: .inf\n", "cm.yaml")
    assert isinstance(problem, ParseProblem)
    assert (problem.origin.line, problem.origin.column) == (4, 10)
    assert "`.inf`" in problem.message


SAME = [
    # What both agree on stays so (a guard against over-eager changes).
    ("true", True), ("Off", False), ("~", None), ("", None), ("null", None), ("0x1f", 31), ("017", 15),
    ("0b11", 3), ("-12", -12), ("+12", 12), ("1_000", 1000), ("1.5", 1.5), (".5", 0.5), ("oN", "oN"),
    ("yEs", "yEs"), ("0_7", 7), ("12:30:00Z", "12:30:00Z"), ("1e400", "1e400"), ("-x", "-x"),
]


@pytest.mark.parametrize(("text", "value"), SAME)
def test_values_both_read_alike(text: str, value: Any) -> None:
    assert repr(load_document(f"v: {text}")) == repr({"v": value})
    assert repr(yaml.load(f"v: {text}", Loader=yaml.CSafeLoader)) == repr({"v": value})


def test_quoted_scalars_are_always_strings() -> None:
    assert load_document("[\"1:30\", '0o17', 'y', \"=\"]") == ["1:30", "0o17", "y", "="]


def test_resolution_of_plain_scalars_keeps_go_int_ranges() -> None:
    # resolve.go returns uint64 above int64; JSON conversion happens later.
    assert resolve_plain("18446744073709551615") == ("tag:yaml.org,2002:int", 18446744073709551615)
    assert resolve_plain("+18446744073709551615") == ("tag:yaml.org,2002:float", 1.8446744073709552e19)
    assert resolve_plain("18446744073709551616") == ("tag:yaml.org,2002:float", 1.8446744073709552e19)


def test_aliases_share_and_recursion_is_refused() -> None:
    assert load_document("a: &x [1, y]\nb: *x\n") == {"a": [1, True], "b": [1, True]}
    with pytest.raises(yaml.MarkedYAMLError, match="recursive"):
        load_document("a: &x [*x]\n")


def test_fast_paths_give_what_the_general_path_gives() -> None:
    """The resolver's and builder's shortcuts (constant words, string values taken in place, in
    mappings and in sequences) against resolve_plain / resolve_tagged + json_value, for every word
    of the constant table and some that only look like one, plain, quoted and explicitly tagged."""
    from yaml.nodes import ScalarNode

    from kcompat.sources.k8s_yaml import _CONSTANTS, KubernetesLoader, _scalar, json_value, resolve_tagged

    words = [*_CONSTANTS, "yEs", "nil", "Nope", "onion", "t", "f", "o", "~x", "<<", "<", "0", "1e3", "-", "+1", ".5"]
    loader = KubernetesLoader("")
    for word in words:
        tag = loader.resolve(ScalarNode, word, (True, False))
        assert tag == resolve_plain(word)[0] or (word == "<<" and tag.endswith(":merge"))
        assert loader.resolve(ScalarNode, word, (False, True)).endswith(":str")
        for explicit in ("bool", "null", "str", "int"):
            node = ScalarNode(f"tag:yaml.org,2002:{explicit}", word, None, None)
            try:
                expected: Any = json_value(resolve_tagged(node.tag, word, node), node)
            except yaml.YAMLError as error:
                expected = str(error)
            try:
                got: Any = _scalar(node)
            except yaml.YAMLError as error:
                got = str(error)
            assert repr(got) == repr(expected), (explicit, word)
    text = "m: {a: yes, b: 'no', c: ~, d: !!str true, e: [on, 'off', x, !!bool 'y', null]}\nl: [a, 1, [b]]"
    assert repr(load_document(text)) == repr(
        {"m": {"a": True, "b": "no", "c": None, "d": "true", "e": [True, "off", "x", True, None]},
         "l": ["a", 1, ["b"]]})


@pytest.mark.parametrize("text", [
    "a: [1, {b: yes, c: [x, ~]}]\nd: {<<: {e: 1}, f: 2}", "- [a, b]\n- {? [k]: v}", "{1: a, 1.5: b, true: c}"])
def test_the_builder_without_alias_bookkeeping_builds_the_same(text: str) -> None:
    """Texts without `&` are built without recording shared nodes (construct_checked anchors=False)."""
    from kcompat.sources.k8s_yaml import KubernetesLoader

    def built(anchors: bool) -> str:
        loader = KubernetesLoader(text)
        try:
            return repr(loader.construct_checked(loader.get_single_node(), anchors))
        except yaml.YAMLError as error:
            return str(error)
        finally:
            loader.dispose()

    assert built(False) == built(True)
