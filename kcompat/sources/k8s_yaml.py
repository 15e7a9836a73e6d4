"""Read YAML the way Kubernetes does, keeping PyYAML's fast C parser and composer.

kubectl and the API machinery read manifests with sigs.k8s.io/yaml: go-yaml v2 decodes
the text into Go values (`resolve.go`, `decode.go`), `convertToJSONableObject` (yaml.go)
turns map keys into strings, `json.Marshal` writes JSON, and the object is stored from
that JSON. PyYAML's YAML 1.1 resolver differs in many small ways (`=` is an error,
`1:30` is 90, `y` is a string, `0o17` is a string, `1e3` is a string, timestamps become
datetimes, `<<` merge precedence, ...). Only the Python side of PyYAML is replaced here:
the resolver that picks a tag for each scalar and the constructor that builds values.

Every decision below names its upstream source: go-yaml v2 (branch v2, resolve.go and
decode.go), sigs.k8s.io/yaml yaml.go, Go's strconv and encoding/json, and
k8s.io/apimachinery's JSON decoding (numbers become int64 when they parse as one,
float64 otherwise).

Known differences that remain: libyaml reports `! 12` (the non-specific tag) to the resolver
exactly like a plain `12`, so it becomes 12 where go-yaml keeps the string "12"; PyYAML's own
`!!python/...` tags are refused instead of ignored; an explicit `!!timestamp` is checked
against a close approximation of Go's time layouts.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import math
import re
import struct

from yaml.constructor import BaseConstructor, ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PREFIX = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_PREFIX + name for name in ("str", "int", "float", "bool", "null"))
MERGE, TIMESTAMP, BINARY = (_PREFIX + name for name in ("merge", "timestamp", "binary"))
SEQ, MAP = _PREFIX + "seq", _PREFIX + "map"
_PYTHON_TAG = _PREFIX + "python/"

_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1

# resolve.go resolveMapList: the only words that resolve to a constant. Note y/Y/n/N are
# booleans in yaml.v2 (not in PyYAML), and there is no other spelling (`yEs` is a string).
_CONSTANTS: dict[str, tuple[str, Any]] = {}
for _words, _tag, _value in (
        ("y Y yes Yes YES true True TRUE on On ON", BOOL, True),
        ("n N no No NO false False FALSE off Off OFF", BOOL, False),
        ("~ null Null NULL", NULL, None),
        (".nan .NaN .NAN", FLOAT, math.nan),
        (".inf .Inf .INF +.inf +.Inf +.INF", FLOAT, math.inf),
        ("-.inf -.Inf -.INF", FLOAT, -math.inf)):
    for _word in _words.split():
        _CONSTANTS[_word] = (_tag, _value)
_CONSTANTS[""] = (NULL, None)

# resolve.go resolveTable: the first character decides what a plain scalar may be. Any
# other first character (`=`, `<`, letters outside the map, ...) makes a plain string.
_HINTS: dict[str, str] = {"": "N", "+": "S", "-": "S", ".": "."}
_HINTS.update(dict.fromkeys("0123456789", "D"))
_HINTS.update(dict.fromkeys("yYnNtTfFoO~", "M"))

# Go's strconv.ParseInt(s, 0, 64) syntax once yaml.v2 has removed every `_`: optional sign,
# then 0x/0o/0b (either case), a leading-0 octal, or decimal.
_GO_INT = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
# resolve.go yamlStyleFloat: exponent forms such as `1e3` and leading zeros (`08`) are floats.
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
# strconv.ParseFloat for what starts with `.` (the '.' hint gets no underscore removal):
# digits may be separated by single underscores (strconv underscoreOK).
_DOT_FLOAT = re.compile(r"\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?\Z")
# resolve.go parseTimestamp: only values starting YYYY- can be timestamps.
_TIMESTAMP_START = re.compile(r"[0-9]{4}-")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})"
    r"| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?)?\Z")


def resolve_plain(text: str) -> tuple[str, Any]:
    """go-yaml v2 `resolve("", text)` for an untagged plain scalar: its tag and Go value.

    Ints are Python ints in int64 range, or above it up to the uint64 maximum (Go's uint64).
    """
    hint = _HINTS.get(text[:1])
    if hint is None:
        return STR, text
    constant = _CONSTANTS.get(text)
    if constant is not None:
        return constant
    if hint == ".":
        if _DOT_FLOAT.match(text):
            return FLOAT, float(text.replace("_", ""))  # overflow impossible: no integer part
        return STR, text
    if hint != "D" and hint != "S":
        return STR, text
    if _TIMESTAMP_START.match(text):
        # A timestamp (or anything else starting YYYY-) is never a number; decode.go keeps
        # timestamps decoded into interface{} as their original string.
        return STR, text
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None:
        return INT, number
    if _YAML_STYLE_FLOAT.match(plain):
        value = float(plain)
        if not math.isinf(value):  # strconv.ParseFloat fails with ErrRange: stays a string
            return FLOAT, value
    return STR, text


def _go_int(plain: str) -> int | None:
    """strconv.ParseInt(plain, 0, 64), else strconv.ParseUint (which takes no sign)."""
    match = _GO_INT.match(plain)
    if match is None:
        return None
    sign, body = match.groups()
    if len(body) > 2 and body[1] in "xXoObB":
        digits, base = body[2:], {"x": 16, "o": 8, "b": 2}[body[1].lower()]
    elif body.startswith("0"):
        digits, base = body[1:] or "0", 8
    else:
        digits, base = body, 10
    if len(digits.lstrip("0")) > 64:  # far outside uint64; also keeps int() cheap
        return None
    value = int(digits, base)
    if sign == "-":
        value = -value
    if _INT64_MIN <= value <= _INT64_MAX or (not sign and value <= _UINT64_MAX):
        return value
    return None


def resolve_tagged(tag: str, text: str, node: Node) -> Any:
    """go-yaml v2 decode of a scalar into interface{} (decode.go scalar, resolve.go resolve)."""
    if tag in (STR, MERGE):
        return text
    if tag == BINARY:
        return _binary(text, node)
    if tag not in (INT, FLOAT, BOOL, NULL, TIMESTAMP):
        # resolvableTag is false for custom and other tags: the text is kept as a string.
        _refuse_python_tag(tag, node)
        return text
    if tag == TIMESTAMP:
        if _TIMESTAMP.match(text):
            return text  # decode.go: timestamps decoded into interface{} stay strings
        raise ConstructorError(None, None, f"cannot decode `{text}` as a !!timestamp", node.start_mark)
    resolved_tag, value = resolve_plain(text)
    if resolved_tag == tag:
        return value
    if tag == FLOAT and resolved_tag == INT and _INT64_MIN <= value <= _INT64_MAX:
        return float(value)  # resolve.go: an int given as !!float becomes float64
    raise ConstructorError(None, None, f"cannot decode !!{resolved_tag[len(_PREFIX):]} `{text}` "
                           f"as a !!{tag[len(_PREFIX):]}", node.start_mark)


def _refuse_python_tag(tag: str, node: Node) -> None:
    # A deliberate difference from go-yaml v2, which ignores unknown tags: PyYAML's
    # `!!python/...` tags never belong in a manifest and mark a payload aimed at Python tools.
    if tag.startswith(_PYTHON_TAG):
        raise ConstructorError(None, None, f"the tag {tag!r} is refused", node.start_mark)


def _replace_each_byte(error: UnicodeError) -> tuple[str, int]:
    # encoding/json writes U+FFFD for every byte that is not valid UTF-8.
    assert isinstance(error, UnicodeDecodeError)
    return "\ufffd", error.start + 1


codecs.register_error("kcompat-go-json", _replace_each_byte)


def _binary(text: str, node: Node) -> str:
    # decode.go: base64.StdEncoding (which skips \r and \n), then used as a Go string; JSON
    # then carries it as text.
    try:
        data = base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        raise ConstructorError(None, None, "!!binary value contains invalid base64 data",
                               node.start_mark) from None
    return data.decode("utf-8", "kcompat-go-json")


def json_value(value: Any, node: Node) -> Any:
    """A Go scalar as the API server stores it after JSON (encoding/json, then apimachinery)."""
    if value.__class__ is int:
        # uint64 (and larger) numbers are written exactly but read back as float64.
        return value if _INT64_MIN <= value <= _INT64_MAX else float(value)
    if value.__class__ is float:
        if math.isnan(value) or math.isinf(value):
            text = node.value if isinstance(node, ScalarNode) else str(value)
            raise ConstructorError(None, None, f"`{text}` ({value}) has no JSON form, so Kubernetes "
                                   "cannot read this document (json: unsupported value)", node.start_mark)
        # encoding/json writes integral float64 below 1e21 without a fraction ("1000"), which
        # apimachinery then reads as int64.
        if value.is_integer() and _INT64_MIN <= value <= _INT64_MAX:
            return int(value)
    return value


def json_key(value: Any, node: Node) -> str:
    """sigs.k8s.io/yaml convertToJSONableObject: how a decoded map key becomes a JSON key."""
    if value.__class__ is str:
        return str(value)
    if value is True or value is False:
        return "true" if value else "false"
    if value.__class__ is int and _INT64_MIN <= value <= _INT64_MAX:
        return str(value)
    if value.__class__ is float:
        return _go_float32_g(value)
    kind = "uint64" if value.__class__ is int else "null" if value is None else "a collection"
    raise ConstructorError(None, None, f"map key of type {kind} cannot be converted to JSON, "
                           "so Kubernetes cannot read this document", node.start_mark)


def _go_float32_g(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 32) with yaml.go's names for infinities and NaN."""
    if math.isnan(value):
        return ".nan"
    try:
        single = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        single = math.copysign(math.inf, value)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    if single == 0:
        return "-0" if math.copysign(1.0, single) < 0 else "0"
    for precision in range(1, 10):  # the shortest decimal that reads back as the same float32
        text = f"{single:.{precision - 1}e}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == single:
            break
    mantissa, exponent_text = text.split("e")
    negative = mantissa.startswith("-")
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    exponent = int(exponent_text)
    sign = "-" if negative else ""
    if exponent < -4 or exponent >= 6:  # 'g' with shortest precision switches to %e here
        fraction = f".{digits[1:]}" if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{fraction}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    point = exponent + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


_NO_PATH_RESOLVERS: dict[Any, Any] = {}
"""Stays empty: its bound `get` and `clear` are the resolver's per-node no-ops (see below)."""


class KubernetesResolver(BaseResolver):
    """Tags plain scalars by go-yaml v2's rules; quoted scalars are strings (decode.go)."""

    # No path resolvers are registered, so the composer's two calls for every node can do nothing.
    # They are built-in methods of an empty dict (a built-in is not bound to the loader, so
    # `loader.descend_resolver(node, index)` is `{}.get(node, index)`): no Python frame for each of
    # the ~870k nodes of the real benchmark corpus (BENCHMARKS.md).
    descend_resolver = _NO_PATH_RESOLVERS.get  # type: ignore[assignment]
    ascend_resolver = _NO_PATH_RESOLVERS.clear

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return STR
            hint = _HINTS.get(value[:1])
            if hint is None:
                return MERGE if value == "<<" else STR  # decode.go isMerge: a plain `<<` key
            if hint == "M":  # resolve_plain's answer for these first characters, without the call
                constant = _CONSTANTS.get(value)
                return STR if constant is None else constant[0]
            return resolve_plain(value)[0]
        return SEQ if kind is SequenceNode else MAP


class KubernetesConstructor(BaseConstructor):
    """Builds the JSON-shaped value Kubernetes stores from a composed node tree."""

    def construct_document(self, node: Node) -> Any:
        return _SharedBuilder().build(node)

    def construct_checked(self, node: Node, anchors: bool = True) -> tuple[Any, bool]:
        """The value and whether every mapping key of the tree is a string scalar given once (then
        no key can be a duplicate, and the duplicate-key walk of schema_rules has nothing to find).
        anchors=False when the text holds no `&` at all: then no node can be an alias of another,
        and nothing is recorded to share or refuse one (a tenth of the building time)."""
        builder = _SharedBuilder() if anchors else _Builder()
        return builder.build(node), builder.unique_keys


def _scalar(node: Node) -> Any:
    tag = node.tag
    if tag == STR:
        return node.value
    if tag in (BOOL, NULL):
        constant = _CONSTANTS.get(node.value)
        if constant is not None and constant[0] == tag:
            return constant[1]  # what resolve_tagged and json_value give for these words
    return json_value(resolve_tagged(tag, node.value, node), node)


class _Builder:
    """Builds a tree in which every node is reached once (a text without anchors)."""

    def __init__(self) -> None:
        self.unique_keys = True

    def build(self, node: Node) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            return _scalar(node)
        return self._collection(node, cls)

    def _collection(self, node: Node, cls: type) -> Any:
        if node.tag != MAP and node.tag != SEQ:
            _refuse_python_tag(node.tag, node)  # other tags on collections are ignored (decode.go)
        if isinstance(node, MappingNode):
            return self._mapping(node)
        if cls is SequenceNode:
            build = self.build
            return [item.value if item.__class__ is ScalarNode and item.tag == STR else build(item)
                    for item in node.value]
        raise ConstructorError(None, None, f"unexpected node {cls.__name__}", node.start_mark)

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        build = self.build
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode:
                tag = key_node.tag
                if tag == STR:
                    # Most values are strings: taken here without a call of build.
                    if value_node.__class__ is ScalarNode and value_node.tag == STR:
                        out[key_node.value] = value_node.value
                    else:
                        out[key_node.value] = build(value_node)
                    continue
                if tag == MERGE and key_node.value == "<<":
                    self.unique_keys = False
                    self._merge(value_node, out)
                    continue
                key = json_key(resolve_tagged(tag, key_node.value, key_node), key_node)
            else:
                raise ConstructorError(None, None, "a mapping or sequence cannot be a map key",
                                       key_node.start_mark)
            self.unique_keys = False  # a key that is not a plain string: its text may differ from the key
            out[key] = build(value_node)
        if len(out) != len(node.value):
            self.unique_keys = False
        return out

    def _merge(self, value: Node, out: dict[str, Any]) -> None:
        # decode.go merge: merged entries are set at the place of `<<`, so they replace keys
        # given before it and are replaced by keys after it (PyYAML lets explicit keys win
        # wherever they are); in a sequence, earlier maps win.
        if value.__class__ is MappingNode:
            out.update(self.build(value))
            return
        if value.__class__ is SequenceNode:
            for item in reversed(value.value):
                if item.__class__ is not MappingNode:
                    break
                out.update(self.build(item))
            else:
                return
        raise ConstructorError(None, None, "map merge requires map or sequence of maps as the value",
                               value.start_mark)


class _SharedBuilder(_Builder):
    """Also for texts with anchors: an aliased node is built once and its value shared (as go-yaml
    shares it), and a node that contains itself is refused."""

    def __init__(self) -> None:
        super().__init__()
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()

    def build(self, node: Node) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            return _scalar(node)
        key = id(node)
        built = self.done.get(key)
        if built is not None:
            return built
        if key in self.active:
            raise ConstructorError(None, None, "recursive YAML alias (a node that contains itself)",
                                   node.start_mark)
        self.active.add(key)
        built = self._collection(node, cls)
        self.active.discard(key)
        self.done[key] = built
        return built


try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml: pure-Python parsing
    from yaml.loader import BaseLoader as _BaseLoader

    class _Parser(_BaseLoader):  # type: ignore[no-redef]
        """Reader, scanner, parser and composer of PyYAML's pure-Python BaseLoader."""


class KubernetesLoader(_Parser, KubernetesConstructor, KubernetesResolver):
    """libyaml parsing and composing, Kubernetes resolution and construction."""

    def __init__(self, stream: str | bytes) -> None:
        _Parser.__init__(self, stream)
        KubernetesConstructor.__init__(self)
        KubernetesResolver.__init__(self)


def load_document(text: str) -> Any:
    """The single document in text (None if there is none), as Kubernetes stores it."""
    loader = KubernetesLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def load_documents(text: str) -> list[Any]:
    """Every document in text, as Kubernetes stores them."""
    loader = KubernetesLoader(text)
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(loader.construct_document(node))
        return documents
    finally:
        loader.dispose()
