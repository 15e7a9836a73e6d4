"""CEL validation rules of CRDs (kcompat.schema.cel): the Kubernetes libraries, wording, bounds, cache."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml

from conftest import FIXTURES
from kcompat.core.model import Origin
from kcompat.schema import cel
from kcompat.schema.cel import Violation, compile_rules, comprehension_depth, evaluate, normalise_field_path
from kcompat.schema.crds import parse_crd
from kcompat.schema.defaults import apply_defaults

CEL = FIXTURES / "realworld" / "cel"


def run(rule: str, value: Any, node: dict[str, Any] | None = None, minor: int = 35,
        **extra: Any) -> list[Violation]:
    """Evaluate one rule on the value of field x."""
    schema_x = dict(node or {"x-kubernetes-preserve-unknown-fields": True})
    schema_x["x-kubernetes-validations"] = [{"rule": rule, **extra}]
    schema = {"type": "object", "properties": {"x": schema_x}}
    compiled = compile_rules(schema)
    assert compiled.problems == [], compiled.problems
    return evaluate(compiled, {"x": value}, minor).violations


def holds(rule: str, value: Any = None, node: dict[str, Any] | None = None) -> bool:
    violations = run(rule, {} if value is None else value, node)
    assert all(v.kind == "invalid" for v in violations), [v.message for v in violations]
    return not violations


def fails_to_evaluate(rule: str, value: Any = None) -> str:
    (violation,) = run(rule, {} if value is None else value)
    assert violation.kind == "error", violation
    return violation.message


# ------------------------------------------------------------------ CEL core, macros, self binding


@pytest.mark.parametrize(("rule", "value", "expected"), [
    ("self.replicas > 0", {"replicas": 1}, True),
    ("self.replicas > 0", {"replicas": 0}, False),
    ("has(self.spec)", {"spec": {}}, True),
    ("has(self.spec)", {}, False),
    ("self.l.all(x, x > 0)", {"l": [1, 2]}, True),
    ("self.l.all(x, x > 0)", {"l": [1, 0]}, False),
    ("self.l.exists(x, x == 2)", {"l": [1, 2]}, True),
    ("self.l.exists_one(x, x > 0)", {"l": [1, 2]}, False),
    ("self.l.exists_one(x, x > 1)", {"l": [1, 2]}, True),
    ("self.l.map(x, x * 2) == [2, 4]", {"l": [1, 2]}, True),
    ("self.l.filter(x, x > 1).size() == 1", {"l": [1, 2]}, True),
    ("self.m.all(k, self.m[k] != '')", {"m": {"a": "1", "b": ""}}, False),
    ("self.?spec.?replicas.orValue(1) == 1", {}, True),
    ("self.?spec.?replicas.orValue(1) == 1", {"spec": {"replicas": 3}}, False),
    ("cel.bind(n, self.l.size(), n >= 1 && n <= 2)", {"l": [1]}, True),
    ("cel.bind(n, self.l.size(), n >= 1 && n <= 2)", {"l": [1, 2, 3]}, False),
])
def test_core_language_and_macros(rule: str, value: Any, expected: bool) -> None:
    assert holds(rule, value) is expected


def test_integer_overflow_and_missing_keys_are_evaluation_errors_in_the_servers_words() -> None:
    assert fails_to_evaluate("self.n + 1 > 0", {"n": 2**63 - 1}) == \
        "x: Invalid value: \"\": integer overflow evaluating rule: self.n + 1 > 0"
    assert fails_to_evaluate("self.spec.replicas > 0") == \
        "x: Invalid value: \"\": no such key: spec evaluating rule: self.spec.replicas > 0"
    assert "division by zero" in fails_to_evaluate("self.a / self.b == 1", {"a": 1, "b": 0})
    assert "index out of bounds: 3" in fails_to_evaluate("self.l[3] == 1", {"l": [1]})
    message = fails_to_evaluate("self.s + 1 == 2", {"s": "x"})
    assert message.startswith("x: Invalid value: \"\": 'no such overload")
    assert message.endswith("call arguments did not match a supported operator, function or macro signature "
                            "for rule: self.s + 1 == 2")


def test_self_is_typed_by_the_schema_format_and_numbers_are_doubles() -> None:
    duration = {"type": "string", "format": "duration"}
    assert holds("self > duration('1m')", "1h30m", duration)
    assert not holds("self > duration('1m')", "30s", duration)
    stamp = {"type": "string", "format": "date-time"}
    assert holds("self.getFullYear() == 2024", "2024-03-01T10:00:00Z", stamp)
    assert holds("self == 3.0", 3, {"type": "number"})
    assert holds("self.size() == 2", "aGk=", {"type": "string", "format": "byte"})  # bytes "hi"


# ------------------------------------------------------------------ Kubernetes libraries


@pytest.mark.parametrize(("rule", "expected"), [
    # strings extension
    ("'HeLLo'.lowerAscii() == 'hello'", True),
    ("'ÀB'.lowerAscii() == 'Àb'", True),  # ASCII only
    ("'abc'.upperAscii() == 'ABC'", True),
    ("'a,b,c'.split(',') == ['a', 'b', 'c']", True),
    ("'a,b,c'.split(',', 2) == ['a', 'b,c']", True),
    ("'a,b,c'.split(',', 0) == []", True),
    ("['a', 'b'].join() == 'ab' && ['a', 'b'].join('-') == 'a-b'", True),
    ("'hello'.indexOf('l') == 2 && 'hello'.indexOf('z') == -1 && 'hello'.indexOf('l', 3) == 3", True),
    ("'hello'.lastIndexOf('l') == 3", True),
    ("'hello'.substring(1) == 'ello' && 'hello'.substring(1, 3) == 'el' && 'hello'.substring(5) == ''", True),
    ("'hello'.charAt(4) == 'o' && 'hello'.charAt(5) == ''", True),
    ("'  x '.trim() == 'x' && 'a-a'.replace('a', 'b') == 'b-b' && 'a-a'.replace('a', 'b', 1) == 'b-a'", True),
    ("strings.quote('a\"b') == '\"a\\\\\"b\"'", True),
    ("'héllo'.size() == 5", True),
    # Kubernetes lists library
    ("[1, 2, 2].isSorted() && !['b', 'a'].isSorted() && [].isSorted()", True),
    ("[1, 2, 3].sum() == 6 && [1, 5, 3].max() == 5 && [4, 2].min() == 2 && [].sum() == 0", True),
    ("[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && ['a'].indexOf('b') == -1", True),
    # sets extension
    ("sets.contains([1, 2, 3], [3, 1]) && !sets.contains([1], [2])", True),
    ("sets.equivalent([1, 2], [2, 1, 1]) && !sets.equivalent([1], [1, 2])", True),
    ("sets.intersects([1, 2], [2, 3]) && !sets.intersects([1], [])", True),
    # regex library (RE2)
    ("'abc123def'.find('[0-9]+') == '123' && 'abc'.find('[0-9]+') == ''", True),
    ("'a1b22c333'.findAll('[0-9]+') == ['1', '22', '333']", True),
    ("'a1b22c333'.findAll('[0-9]+', 2) == ['1', '22']", True),
    ("'ABC'.matches('(?i)^abc$') && !'abcd'.matches('^abc$')", True),
    # url library
    ("isURL('https://example.com:8443/p?a=1&a=2') && !isURL('relative/path') && isURL('/abs/path')", True),
    ("url('https://user@example.com:8443/p/q?a=1').getHost() == 'example.com:8443'", True),
    ("url('https://example.com:8443/p').getHostname() == 'example.com'", True),
    ("url('https://[::1]:80/').getHostname() == '::1' && url('https://[::1]:80/').getPort() == '80'", True),
    ("url('https://example.com/p').getPort() == '' && url('http://x/a%20b').getEscapedPath() == '/a%20b'", True),
    ("url('https://x/?a=1&a=2&b=').getQuery() == {'a': ['1', '2'], 'b': ['']}", True),
    ("url('https://x/').getScheme() == 'https'", True),
    # quantity library
    ("quantity('1Gi') == quantity('1024Mi') && quantity('1Gi').isGreaterThan(quantity('1G'))", True),
    ("quantity('500m').isLessThan(quantity('1')) && quantity('1.5').compareTo(quantity('1500m')) == 0", True),
    ("quantity('2k').asInteger() == 2000 && quantity('1e3').isInteger() && !quantity('500m').isInteger()", True),
    ("quantity('500m').asApproximateFloat() == 0.5 && quantity('-1').sign() == -1", True),
    ("quantity('1Gi').add(quantity('1Gi')) == quantity('2Gi') && quantity('2').sub(1) == quantity('1')", True),
    ("isQuantity('100Mi') && !isQuantity('1Gx') && !isQuantity('1 core')", True),
    # ip and cidr libraries
    ("isIP('10.0.0.1') && isIP('fd00::1') && !isIP('10.0.0.01') && !isIP('::ffff:10.0.0.1') && !isIP('fe80::1%eth0')",
     True),
    ("ip('10.0.0.1').family() == 4 && ip('::1').family() == 6 && ip('::1').isLoopback()", True),
    ("ip('0.0.0.0').isUnspecified() && ip('169.254.1.1').isLinkLocalUnicast()", True),
    ("ip('224.0.0.1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast()", True),
    ("ip('8.8.8.8').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()", True),
    ("ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')", True),
    ("cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))", True),
    ("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))", True),
    ("cidr('10.1.2.3/8').ip() == ip('10.1.2.3') && cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8')", True),
    ("cidr('fd00::/64').prefixLength() == 64 && isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0')",
     True),
])
def test_kubernetes_library_functions(rule: str, expected: bool) -> None:
    assert holds(rule) is expected


@pytest.mark.parametrize(("name", "good", "bad"), [
    ("dns1123Label", "my-name", "My_Name"),
    ("dns1123Label", "a" * 63, "a" * 64),
    ("dns1123Subdomain", "a.b-c.example", "a..b"),
    ("dns1035Label", "abc-1", "1abc"),
    ("dns1123LabelPrefix", "gen-", "-gen"),
    ("qualifiedName", "example.com/My_Name", "example.com/"),
    ("labelValue", "", "-x"),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567"),
    ("uri", "https://example.com/x", "not a uri"),
    ("byte", "aGk=", "a"),
    ("date", "2024-02-29", "2023-02-29"),
    ("datetime", "2024-01-01T10:00:00Z", "2024-01-01 10:00"),
])
def test_format_library(name: str, good: str, bad: str) -> None:
    rule = f"!format.{name}().validate(self.v).hasValue()"
    assert holds(rule, {"v": good})
    assert not holds(rule, {"v": bad})
    assert holds(f"format.{name}().validate(self.v).value().size() >= 1", {"v": bad})


@pytest.mark.parametrize(("rule", "error"), [
    ("'abc'.substring(4) == ''", "index out of range: 4"),
    ("'abc'.charAt(-1) == ''", "index out of range: -1"),
    ("[1].sum() + 9223372036854775807 > 0", "integer overflow"),
    ("[self.n, self.m].sum() > 0", "integer overflow"),
    ("[].min() == 0", "min called on empty list"),
    ("'aa'.find('(a)\\\\1') == ''", "invalid regular expression"),  # RE2 has no backreferences
    ("'aa'.matches('(a)\\\\1')", "invalid regular expression"),
    ("url('not a url').getHost() == ''", "URL"),
    ("quantity('1Gx').sign() == 1", "quantities must match the regular expression"),
    ("quantity('500m').asInteger() == 0", "cannot convert value to integer"),
    ("ip('10.0.0.256').family() == 4", "parse error"),
    ("ip('::ffff:10.0.0.1').family() == 6", "IPv4-mapped IPv6 address is not allowed"),
    ("cidr('10.0.0.0/33').prefixLength() == 33", "network address parse error"),
])
def test_library_functions_reject_bad_arguments(rule: str, error: str) -> None:
    message = fails_to_evaluate(rule, {"n": 2**62, "m": 2**62})
    assert error in message, message


def test_sum_overflow_boundary() -> None:
    assert holds("[self.a, self.b].sum() == 9223372036854775807", {"a": 2**62, "b": 2**62 - 1})
    assert "integer overflow" in fails_to_evaluate("[self.a, self.b].sum() > 0", {"a": 2**62, "b": 2**62})


# ------------------------------------------------------------------ wording, paths, message options


OBJ = {"type": "object", "properties": {"a": {"type": "integer"}}}


def test_wording_follows_the_target_version() -> None:
    node = {"type": "integer"}
    assert run("self > 0", -3, node, minor=31)[0].message == 'x: Invalid value: "integer": failed rule: self > 0'
    assert run("self > 0", -3, node, minor=35)[0].message == "x: Invalid value: -3: failed rule: self > 0"
    assert run("self > 0", -3, node, minor=35, message=" Must be positive ")[0].message == \
        "x: Invalid value: -3: Must be positive"
    assert run("self.a > 0", {"a": 0}, OBJ, minor=34)[0].message == \
        'x: Invalid value: "object": failed rule: self.a > 0'
    assert run("self.a > 0", {"a": 0}, OBJ, minor=35)[0].message == "x: Invalid value: failed rule: self.a > 0"
    assert run("self != 'b'", "b", {"type": "string"})[0].message == 'x: Invalid value: "b": failed rule: self != \'b\''


def test_message_expression_reason_and_field_path() -> None:
    (found,) = run("self.a > 0", {"a": -2}, OBJ, messageExpression="'a is ' + string(self.a)")
    assert found.message == "x: Invalid value: a is -2"
    (found,) = run("self.a > 0", {"a": -2}, OBJ, messageExpression="'a\\nb'", message="fallback")
    assert found.message == "x: Invalid value: fallback"  # a message with a line break is not used
    (found,) = run("self.a > 0", {"a": 0}, OBJ, message="a must be positive", reason="FieldValueForbidden",
                   fieldPath=".a")
    assert (found.message, found.field, found.path, found.reason) == \
        ("x.a: Forbidden: a must be positive", "x.a", ("x", "a"), "FieldValueForbidden")
    (found,) = run("has(self.a)", {}, OBJ, message="a is needed", reason="FieldValueRequired")
    assert found.message == "x: Required value: a is needed"


def test_rules_on_list_items_and_map_values_have_the_servers_paths() -> None:
    schema = {"type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "string", "x-kubernetes-validations": [
            {"rule": "self.startsWith('/')", "message": "must be absolute"}]}},
        "labels": {"type": "object", "additionalProperties": {"type": "string", "x-kubernetes-validations": [
            {"rule": "self.size() <= 3", "message": "too long"}]}}}}
    compiled = compile_rules(schema)
    violations = evaluate(compiled, {"items": ["/a", "b"], "labels": {"k.io/x": "abcd", "y": "ab"},
                                     "other": None}).violations
    assert [(v.field, v.path, v.message) for v in violations] == [
        ("items[1]", ("items", 1), 'items[1]: Invalid value: "b": must be absolute'),
        ("labels[k.io/x]", ("labels", "k.io/x"), 'labels[k.io/x]: Invalid value: "abcd": too long')]


def test_root_rules_see_name_but_not_the_rest_of_metadata() -> None:
    schema = {"type": "object", "x-kubernetes-validations": [
        {"rule": "self.metadata.name.startsWith('a')"}, {"rule": "!has(self.metadata.labels)"}]}
    compiled = compile_rules(schema)
    obj = {"apiVersion": "x/v1", "kind": "X", "metadata": {"name": "bad", "labels": {"a": "b"}}}
    (found,) = evaluate(compiled, obj, 35).violations
    assert found.message == "<nil>: Invalid value: failed rule: self.metadata.name.startsWith('a')"
    assert found.field == "<nil>"


def test_null_values_are_not_validated() -> None:
    assert run("self.size() > 5", None, {"type": "string", "nullable": True}) == []


def test_field_path_must_name_a_field() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "object", "additionalProperties": {"type": "string"}},
                                               "b.c": {"type": "string"}}}
    assert normalise_field_path(".a['x.y']", schema) == ("a[x.y]", ("a", "x.y"))
    assert normalise_field_path("['b.c']", schema) == ("b.c", ("b.c",))
    with pytest.raises(ValueError, match="does not refer to a valid field"):
        normalise_field_path(".nope", schema)


def test_defaults_are_applied_before_rules_run() -> None:
    schema = {"type": "object", "properties": {"spec": {
        "type": "object", "properties": {"mode": {"type": "string", "default": "A"}},
        "x-kubernetes-validations": [{"rule": "self.mode == 'A'"}]}}}
    obj = {"spec": {}}
    assert evaluate(compile_rules(schema), apply_defaults(schema, obj)).violations == []
    assert obj == {"spec": {}}  # not modified
    assert evaluate(compile_rules(schema), {"spec": {"mode": "B"}}).violations != []


# ------------------------------------------------------------------ compile failures, transition rules


def test_rules_that_do_not_compile_are_crd_problems() -> None:
    schema = {"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-validations": [
        {"rule": "self.a >"}, {"rule": "self.size()  + 'x'"}, {"rule": "'a' + 'b'"},
        {"rule": "true", "messageExpression": "1 +"}, {"rule": "true", "fieldPath": ".nope"},
        {"rule": "true", "reason": "Bogus"}, {"rule": "true"}]}}}
    compiled = compile_rules(schema)
    problems = {p.path[-2:]: p.message for p in compiled.problems}
    assert "compilation failed: ERROR: <input>:1:9: Syntax error" in problems[(0, "rule")]
    assert "found no matching overload for '_+_'" in problems[(1, "rule")]
    assert "must evaluate to a bool" in problems[(2, "rule")]
    assert "messageExpression compilation failed" in problems[(3, "messageExpression")]
    assert "does not refer to a valid field" in problems[(4, "fieldPath")]
    assert "Unsupported value" in problems[(5, "reason")]
    assert len(problems) == 6
    assert compiled.problems[0].path[:3] == ("properties", "spec", "x-kubernetes-validations")
    # the rules that compile still run; the others are skipped (the server would reject the CRD)
    assert evaluate(compiled, {"spec": {"a": 1}}).violations == []


def test_crd_with_a_rule_that_does_not_compile_is_invalid_at_the_rule() -> None:
    crd = yaml.safe_load((CEL / "kubectl-validate" / "crd-cel_basic.yaml").read_text())
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["value"]["x-kubernetes-validations"][0][
        "rule"] = "self >> 0"
    _crd, problems = parse_crd(crd, "apiextensions.k8s.io/v1", Origin("crd.yaml"))
    (problem,) = problems
    assert problem.path == ("spec", "versions", 0, "schema", "openAPIV3Schema", "properties", "value",
                            "x-kubernetes-validations", 0, "rule")
    assert "compilation failed" in problem.message


def test_transition_rules_are_skipped_on_create() -> None:
    schema = {"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-validations": [
        {"rule": "self == oldSelf", "message": "immutable"},
        {"rule": "'oldSelf' != self.a", "message": "a string mentioning oldSelf is no transition rule"}]}}}
    compiled = compile_rules(schema)
    assert compiled.transition_count == 1
    outcome = evaluate(compiled, {"spec": {"a": "oldSelf"}})
    assert outcome.skipped_transition == ["spec: self == oldSelf"]
    assert [v.message for v in outcome.violations] == [
        "spec: Invalid value: a string mentioning oldSelf is no transition rule"]


# ------------------------------------------------------------------ cost bound, cache


def test_comprehension_depth() -> None:
    assert comprehension_depth("self.a > 0") == 0
    assert comprehension_depth("self.l.all(x, x > 0) && self.m.exists(y, y)") == 1
    assert comprehension_depth("self.l.all(x, self.l.exists_one(y, y.map(z, z) == x))") == 3
    assert comprehension_depth("self.s == '.all(x, .all(y, 1))'") == 0
    assert comprehension_depth("cel.bind(a, self.s + self.s, cel.bind(b, a + a, b.size() > 0))") == 2


def test_runaway_rule_is_stopped_with_the_servers_wording() -> None:
    # 5,000 regular-expression scans of a 2 MB string: seconds of work, stopped after RULE_TIMEOUT
    rule = "self.l.all(x, !self.s.matches('a+b'))"
    start = time.perf_counter()
    violations = run(rule, {"l": list(range(5000)), "s": "a" * 2_000_000}, message="never false")
    elapsed = time.perf_counter() - start
    (found,) = violations
    assert found.kind == "cost"
    assert found.message == ("x: Invalid value: \"\": 'operation cancelled: actual cost limit exceeded': no further "
                             "validation rules will be run due to call cost exceeds limit for rule: never false")
    assert elapsed < cel.RULE_TIMEOUT + 1.0


def test_work_estimate_decides_where_a_rule_runs() -> None:
    assert cel.estimate_work({"l": [1, 2, 3]}, 0) == 5
    assert cel.estimate_work({"l": ["abcd", "ef"]}, 2) == 4 ** 2 * 4  # (map, list, 2 strings) ** 2 x longest
    assert cel.estimate_work({"l": list(range(1000))}, 3) == cel.ITERATION_BUDGET
    assert cel.estimate_work({"s": "a" * 2_000_000}, 0) > cel.PER_CALL_LIMIT


def test_large_rule_above_the_estimate_runs_to_its_answer_in_the_bounded_child() -> None:
    value = {"l": list(range(50)), "s": "x" * 50_000}  # estimate 2,500 x 50,000: above the limit
    assert cel.estimate_work(value, 2) > cel.PER_CALL_LIMIT
    assert holds("self.l.all(a, self.l.exists(b, a == b))", value)  # milliseconds of work: never stopped
    assert not holds("self.l.all(a, self.l.exists(b, a == b + 1))", value)


def test_rules_beyond_the_iteration_budget_are_not_evaluated_rather_than_failed() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                                                     "x-kubernetes-validations": [
        {"rule": "self.l.all(a, self.l.exists(b, a == b))"}, {"rule": "false", "message": "second"}]}}}
    outcome = evaluate(compile_rules(schema), {"x": {"l": list(range(200))}})  # 40,000 iterations
    assert outcome.skipped_budget == ["x: self.l.all(a, self.l.exists(b, a == b))"]
    assert [v.message for v in outcome.violations] == ["x: Invalid value: second"]
    small = evaluate(compile_rules(schema), {"x": {"l": list(range(99))}})  # 9,900 iterations
    assert small.skipped_budget == [] and len(small.violations) == 1


def test_no_rules_run_after_a_runaway_one() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                                                     "x-kubernetes-validations": [
        {"rule": "self.l.all(x, !self.s.matches('a+b'))"},
        {"rule": "false", "message": "second"}]}, "y": {"type": "string", "x-kubernetes-validations": [
            {"rule": "false", "message": "third"}]}}}
    value = {"x": {"l": list(range(5000)), "s": "a" * 2_000_000}, "y": "v"}
    violations = evaluate(compile_rules(schema), value).violations
    assert [v.kind for v in violations] == ["cost"]


def test_each_crd_version_is_compiled_once() -> None:
    crds = [d for d in yaml.safe_load_all((CEL / "gateway-api" / "crds" /
                                           "gateway.networking.k8s.io_httproutes.yaml").read_text()) if d]
    schema = crds[0]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    before = dict(cel.STATS)
    compiled = compile_rules(schema, "test-httproute-v1")
    rules = cel.STATS["compiled_rules"] - before["compiled_rules"]
    assert rules >= compiled.rule_count > 50
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
             "spec": {"parentRefs": [{"name": "gw"}],
                      "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/a"}}],
                                 "backendRefs": [{"name": "svc", "port": 80}]}]}}
    for _ in range(50):
        assert compile_rules(schema, "test-httproute-v1") is compiled
        assert evaluate(compiled, apply_defaults(schema, route)).violations == []
    assert cel.STATS["compiled_rules"] - before["compiled_rules"] == rules
    assert cel.STATS["compiled_schemas"] - before["compiled_schemas"] == 1


def test_properties_without_rules_below_them_get_no_node() -> None:
    """Leaves (and any property schema with no rules, properties, items, additionalProperties or
    allOf) are skipped without compiling a node; rules at every depth are still all found."""
    rule = [{"rule": "self.size() > 0", "message": "empty"}]
    schema = {"type": "object", "properties": {
        "leaf": {"type": "string", "description": "d", "maxLength": 3},
        "ruled": {"type": "string", "x-kubernetes-validations": rule},
        "list": {"type": "array", "items": {"type": "string", "x-kubernetes-validations": rule}},
        "map": {"type": "object", "additionalProperties": {"type": "string", "x-kubernetes-validations": rule}},
        "nested": {"type": "object", "properties": {"deep": {"type": "string", "x-kubernetes-validations": rule},
                                                    "plain": {"type": "integer"}}},
        "inactive": {"type": "object", "properties": {"plain": {"type": "integer"}}},
        "bad": {"type": "string", "x-kubernetes-validations": [{"rule": 3}]},
    }}
    compiled = compile_rules(schema, "test-properties-without-rules")
    assert compiled.root is not None
    assert sorted(compiled.root.properties) == ["list", "map", "nested", "ruled"]
    assert sorted(compiled.root.properties["nested"].properties) == ["deep"]
    assert compiled.rule_count == 4
    assert [problem.path for problem in compiled.problems] == [
        ("properties", "bad", "x-kubernetes-validations", 0, "rule")]
