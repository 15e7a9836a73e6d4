"""Kubernetes' CEL libraries for cel-expr-python: the functions the API server adds to CEL.

The API server evaluates `x-kubernetes-validations` with cel-go plus its own libraries (lists,
regex, url, quantity, ip, cidr) and cel-go's strings and sets extensions. cel-expr-python ships
cel-cpp's standard library, optional types and bindings; everything else is declared here as
Python functions. The strings extension is declared here too, not taken from cel-cpp, because a
function name may be declared only once and Kubernetes' lists library overloads `indexOf` and
`lastIndexOf`, which the strings extension also declares.

Values the server types as url, quantity, ip and cidr are carried as small maps tagged with
`_KIND` holding a canonical form, so `==` on two quantities compares their values (`1Gi` equals
`1024Mi`), as the server's types do. Errors are Python exceptions: cel-expr-python turns them into
CEL errors, which the caller reports as the server reports an evaluation error.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from urllib.parse import parse_qs, urlsplit

import re2
from cel_expr_python import cel

_KIND = "__kcompat_cel_type__"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

T = cel.Type
DYN, INT, UINT, DOUBLE, STRING, BOOL, BYTES = T.DYN, T.INT, T.UINT, T.DOUBLE, T.STRING, T.BOOL, T.BYTES
LIST = T.List(DYN)
MAP = T.Map(STRING, DYN)
ELEMENTS = (INT, UINT, DOUBLE, STRING, BOOL, BYTES, LIST, MAP)
"""Runtime dispatch in cel-expr-python needs concrete parameter types: generic overloads are
declared once per element type."""
ORDERED = (INT, UINT, DOUBLE, STRING, BOOL, BYTES)


class CelFunctionError(ValueError):
    """A Kubernetes library function rejected its arguments (evaluation error, as on the server)."""


def _int64(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise CelFunctionError("integer overflow")
    return value


# ------------------------------------------------------------------------------- strings


def _char_at(text: str, index: int) -> str:
    if index < 0 or index > len(text):
        raise CelFunctionError(f"index out of range: {index}")
    return text[index:index + 1]


def _index_of(text: str, sub: str, offset: int = 0) -> int:
    if offset < 0 or offset > len(text):
        raise CelFunctionError(f"index out of range: {offset}")
    return text.find(sub, offset)


def _last_index_of(text: str, sub: str, offset: int | None = None) -> int:
    if offset is None:
        return text.rfind(sub)
    if offset < 0 or offset >= max(len(text), 1):
        raise CelFunctionError(f"index out of range: {offset}")
    return text.rfind(sub, 0, offset + len(sub))


def _lower_ascii(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _upper_ascii(text: str) -> str:
    return "".join(c.upper() if c.isascii() else c for c in text)


def _replace(text: str, old: str, new: str, count: int = -1) -> str:
    return text.replace(old, new, count if count >= 0 else -1)


def _split(text: str, separator: str, limit: int = -1) -> list[str]:
    if limit == 0:
        return []
    if separator == "":
        parts = list(text)
        if limit > 0 and len(parts) > limit:
            parts = [*parts[:limit - 1], "".join(parts[limit - 1:])]
        return parts
    return text.split(separator, limit - 1 if limit > 0 else -1)


def _substring(text: str, start: int, end: int | None = None) -> str:
    stop = len(text) if end is None else end
    if start < 0 or start > len(text) or stop < start or stop > len(text):
        raise CelFunctionError(f"index out of range: {start if start < 0 or start > len(text) else stop}")
    return text[start:stop]


def _trim(text: str) -> str:
    return text.strip()


def _join(items: Sequence[Any], separator: str = "") -> str:
    if not all(isinstance(item, str) for item in items):
        raise CelFunctionError("join: list must contain only strings")
    return separator.join(items)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") \
        .replace("\t", "\\t").replace("\a", "\\a").replace("\b", "\\b").replace("\f", "\\f").replace("\v", "\\v")
    return f'"{escaped}"'


def _reverse(text: str) -> str:
    return text[::-1]


# ------------------------------------------------------------------------------- lists, sets


def _comparable(items: Sequence[Any]) -> list[Any]:
    values = list(items)
    kinds = {type(v) for v in values}
    if len(kinds) > 1 and not kinds <= {int, float}:
        raise CelFunctionError("no such overload: list elements are not comparable")
    if kinds & {dict, list}:
        raise CelFunctionError("no such overload: list elements are not comparable")
    return values


def _is_sorted(items: Sequence[Any]) -> bool:
    values = _comparable(items)
    return all(values[i] <= values[i + 1] for i in range(len(values) - 1))


def _sum(items: Sequence[Any]) -> Any:
    values = _comparable(items)
    if not values:
        return 0
    total = sum(values)
    return _int64(total) if isinstance(total, int) else total


def _min(items: Sequence[Any]) -> Any:
    values = _comparable(items)
    if not values:
        raise CelFunctionError("min called on empty list")
    return min(values)


def _max(items: Sequence[Any]) -> Any:
    values = _comparable(items)
    if not values:
        raise CelFunctionError("max called on empty list")
    return max(values)


def _same(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or (isinstance(a, int | float) and isinstance(b, int | float)
                                              and not isinstance(a, bool) and not isinstance(b, bool) and a == b)


def _list_index_of(items: Sequence[Any], item: Any) -> int:
    return next((i for i, v in enumerate(items) if _same(v, item)), -1)


def _list_last_index_of(items: Sequence[Any], item: Any) -> int:
    return next((i for i in range(len(items) - 1, -1, -1) if _same(items[i], item)), -1)


def _sets_contains(items: Sequence[Any], sub: Sequence[Any]) -> bool:
    return all(any(_same(v, s) for v in items) for s in sub)


def _sets_equivalent(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return _sets_contains(a, b) and _sets_contains(b, a)


def _sets_intersects(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return any(any(_same(v, s) for v in a) for s in b)


# ------------------------------------------------------------------------------- regex (RE2)

_REGEX: dict[str, Any] = {}
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # else RE2 writes every bad pattern to stderr


def _regex(pattern: str) -> Any:
    compiled = _REGEX.get(pattern)
    if compiled is None:
        try:
            compiled = re2.compile(pattern, _RE2_OPTIONS)
        except re2.error as error:
            detail = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) \
                else str(error)
            raise CelFunctionError(f"invalid regular expression: {detail}") from None
        if len(_REGEX) < 4096:
            _REGEX[pattern] = compiled
    return compiled


def _find(text: str, pattern: str) -> str:
    match = _regex(pattern).search(text)
    return match.group(0) if match else ""


def _find_all(text: str, pattern: str, limit: int = -1) -> list[str]:
    if limit == 0:
        return []
    found = [m.group(0) for m in _regex(pattern).finditer(text)]
    return found[:limit] if limit > 0 else found


# ------------------------------------------------------------------------------- opaque values


def _tagged(kind: str, value: Any) -> dict[str, Any]:
    return {_KIND: kind, "value": value}


def _untag(value: Any, kind: str) -> Any:
    if not isinstance(value, dict) or value.get(_KIND) != kind:
        raise CelFunctionError(f"no such overload: expected a {kind}")
    return value["value"]


def is_opaque(value: Any) -> bool:
    return isinstance(value, dict) and _KIND in value


def describe_opaque(value: Any) -> str:
    return f"{value[_KIND]}({value['value']!r})"


# ---- url: absolute URIs or absolute paths, as the server's url() accepts


def _parse_url(text: str) -> Any:
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError as error:
        raise CelFunctionError(f"URL parse error during conversion from string: {error}") from None
    if not (parts.scheme or text.startswith("/")) or any(c.isspace() for c in text):
        raise CelFunctionError(f"URL must be an absolute URI or an absolute path: {text}")
    return parts


def _url(text: str) -> dict[str, Any]:
    _parse_url(text)
    return _tagged("url", text)


def _is_url(text: str) -> bool:
    try:
        _parse_url(text)
    except CelFunctionError:
        return False
    return True


def _url_parts(value: Any) -> Any:
    return _parse_url(_untag(value, "url"))


def _get_scheme(value: Any) -> str:
    return str(_url_parts(value).scheme)


def _get_host(value: Any) -> str:
    return str(_url_parts(value).netloc.rpartition("@")[2])


def _get_hostname(value: Any) -> str:
    host = _get_host(value)
    if host.startswith("["):
        return host[1:host.index("]")]
    return host.partition(":")[0]


def _get_port(value: Any) -> str:
    host = _get_host(value)
    if host.startswith("["):
        rest = host[host.index("]") + 1:]
        return rest[1:] if rest.startswith(":") else ""
    return host.partition(":")[2]


def _get_escaped_path(value: Any) -> str:
    return str(_url_parts(value).path)


def _get_query(value: Any) -> dict[str, list[str]]:
    return {k: list(v) for k, v in parse_qs(_url_parts(value).query, keep_blank_values=True).items()}


# ---- quantity

_QUANTITY = re.compile(r"^([+-]?)(\d+\.?\d*|\.\d+)((?:[KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


def parse_quantity(text: str) -> Fraction:
    match = _QUANTITY.match(text)
    if match is None:
        raise CelFunctionError("quantities must match the regular expression "
                               "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    sign, digits, suffix = match.groups()
    try:
        number = Fraction(Decimal(digits))
    except InvalidOperation:
        raise CelFunctionError(f"invalid quantity {text!r}") from None
    if suffix in _BINARY:
        number *= _BINARY[suffix]
    elif suffix in _DECIMAL:
        number *= Fraction(10) ** _DECIMAL[suffix]
    elif suffix:
        exponent = int(suffix[1:])
        if abs(exponent) > 1000:
            raise CelFunctionError(f"quantity exponent out of range: {text!r}")
        number *= Fraction(10) ** exponent
    return -number if sign == "-" else number


def _quantity_value(number: Fraction) -> dict[str, Any]:
    return _tagged("quantity", f"{number.numerator}/{number.denominator}")


def _quantity_fraction(value: Any) -> Fraction:
    return Fraction(_untag(value, "quantity"))


def _quantity(text: str) -> dict[str, Any]:
    return _quantity_value(parse_quantity(text))


def _is_quantity(text: str) -> bool:
    try:
        parse_quantity(text)
    except CelFunctionError:
        return False
    return True


def _q_sign(value: Any) -> int:
    number = _quantity_fraction(value)
    return (number > 0) - (number < 0)


def _q_is_integer(value: Any) -> bool:
    number = _quantity_fraction(value)
    return number.denominator == 1 and INT64_MIN <= number.numerator <= INT64_MAX


def _q_as_integer(value: Any) -> int:
    number = _quantity_fraction(value)
    if number.denominator != 1 or not INT64_MIN <= number.numerator <= INT64_MAX:
        raise CelFunctionError("cannot convert value to integer")
    return number.numerator


def _q_as_float(value: Any) -> float:
    return float(_quantity_fraction(value))


def _q_other(other: Any) -> Fraction:
    return Fraction(other) if isinstance(other, int) else _quantity_fraction(other)


def _q_add(value: Any, other: Any) -> dict[str, Any]:
    return _quantity_value(_quantity_fraction(value) + _q_other(other))


def _q_sub(value: Any, other: Any) -> dict[str, Any]:
    return _quantity_value(_quantity_fraction(value) - _q_other(other))


def _q_compare(value: Any, other: Any) -> int:
    a, b = _quantity_fraction(value), _quantity_fraction(other)
    return (a > b) - (a < b)


def _q_less(value: Any, other: Any) -> bool:
    return _q_compare(value, other) < 0


def _q_greater(value: Any, other: Any) -> bool:
    return _q_compare(value, other) > 0


# ---- ip and cidr


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if "%" in text:
        raise CelFunctionError(f"IP address with zone value is not allowed: {text}")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise CelFunctionError(f"IP Address {text!r} parse error during conversion from string") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        raise CelFunctionError(f"IPv4-mapped IPv6 address is not allowed: {text}")
    return address


def _ip(text: str) -> dict[str, Any]:
    return _tagged("ip", str(_parse_ip(text)))


def _is_ip(text: str) -> bool:
    try:
        _parse_ip(text)
    except CelFunctionError:
        return False
    return True


def _ip_is_canonical(text: str) -> bool:
    return str(_parse_ip(text)) == text


def _address(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(_untag(value, "ip"))


def _family(value: Any) -> int:
    return _address(value).version


def _is_unspecified(value: Any) -> bool:
    return _address(value).is_unspecified


def _is_loopback(value: Any) -> bool:
    return _address(value).is_loopback


def _is_link_local_multicast(value: Any) -> bool:
    address = _address(value)
    if address.version == 4:
        return address in ipaddress.ip_network("224.0.0.0/24")
    return address in ipaddress.ip_network("ff02::/16")


def _is_link_local_unicast(value: Any) -> bool:
    address = _address(value)
    if address.version == 4:
        return address in ipaddress.ip_network("169.254.0.0/16")
    return address in ipaddress.ip_network("fe80::/10")


def _is_global_unicast(value: Any) -> bool:
    """As Go's net.IP.IsGlobalUnicast: not unspecified, loopback, multicast, link-local or broadcast."""
    address = _address(value)
    if address.version == 4 and address == ipaddress.IPv4Address("255.255.255.255"):
        return False
    return not (address.is_unspecified or address.is_loopback or address.is_multicast
                or _is_link_local_unicast(value))


def _parse_cidr(text: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    address_text, slash, prefix_text = text.partition("/")
    if not slash or not prefix_text.isdigit():
        raise CelFunctionError(f"network address parse error during conversion from string: {text}")
    address = _parse_ip(address_text)
    prefix = int(prefix_text)
    if prefix > address.max_prefixlen or (len(prefix_text) > 1 and prefix_text.startswith("0")):
        raise CelFunctionError(f"network address parse error during conversion from string: {text}")
    return address, prefix


def _cidr(text: str) -> dict[str, Any]:
    address, prefix = _parse_cidr(text)
    return _tagged("cidr", f"{address}/{prefix}")


def _is_cidr(text: str) -> bool:
    try:
        _parse_cidr(text)
    except CelFunctionError:
        return False
    return True


def _network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(_untag(value, "cidr"), strict=False)


def _cidr_ip(value: Any) -> dict[str, Any]:
    return _tagged("ip", _untag(value, "cidr").partition("/")[0])


def _cidr_masked(value: Any) -> dict[str, Any]:
    return _tagged("cidr", str(_network(value)))


def _prefix_length(value: Any) -> int:
    return _network(value).prefixlen


def _contains_ip(value: Any, other: Any) -> bool:
    address = _parse_ip(other) if isinstance(other, str) else _address(other)
    network = _network(value)
    return address.version == network.version and address in network


def _contains_cidr(value: Any, other: Any) -> bool:
    inner = _network(_cidr(other) if isinstance(other, str) else other)
    network = _network(value)
    return inner.version == network.version and inner.subnet_of(network)  # type: ignore[arg-type]


# ---- format library (format.<name>().validate(value) -> optional list of errors)

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_FORMAT_PATTERNS = {
    "dns1123Label": (63, _LABEL, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                     "or '-', and must start and end with an alphanumeric character"),
    "dns1123Subdomain": (253, rf"{_LABEL}(\.{_LABEL})*", "a lowercase RFC 1123 subdomain must consist of lower case "
                         "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"),
    "dns1035Label": (63, r"[a-z]([-a-z0-9]*[a-z0-9])?", "a DNS-1035 label must consist of lower case alphanumeric "
                     "characters or '-', start with an alphabetic character, and end with an alphanumeric character"),
    "labelValue": (63, r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", "a valid label must be an empty string or "
                   "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                   "character"),
}
_QUALIFIED = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
FORMATS = frozenset({*_FORMAT_PATTERNS, "dns1123LabelPrefix", "dns1123SubdomainPrefix", "dns1035LabelPrefix",
                     "qualifiedName", "uri", "uuid", "byte", "date", "datetime"})


def _pattern_errors(name: str, value: str) -> list[str]:
    limit, pattern, text = _FORMAT_PATTERNS[name]
    errors = []
    if len(value) > limit:
        errors.append(f"must be no more than {limit} characters")
    if re.fullmatch(pattern, value) is None:
        errors.append(f"{text} (regex used for validation is '{pattern}')")
    return errors


def format_errors(name: str, value: str) -> list[str]:
    """What Kubernetes' format library reports for value (empty: valid)."""
    if name.endswith("Prefix"):  # a generateName prefix may end with '-'
        masked = value[:-1] + "a" if len(value) > 1 and value.endswith("-") else value
        return _pattern_errors(name[:-len("Prefix")], masked)
    if name in _FORMAT_PATTERNS:
        return _pattern_errors(name, value)
    if name == "qualifiedName":
        prefix, slash, local = value.rpartition("/")
        errors = []
        if slash and (not prefix or _pattern_errors("dns1123Subdomain", prefix)):
            errors.append("prefix part must be a lowercase RFC 1123 subdomain")
        if not local or len(local) > 63 or _QUALIFIED.fullmatch(local) is None:
            errors.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
                          "end with an alphanumeric character, at most 63 characters")
        return errors
    if name == "uri":
        return [] if value.startswith("/") or (urlsplit(value).scheme and not any(c.isspace() for c in value)) \
            else ["invalid URI"]
    if name == "uuid":
        return [] if _UUID.fullmatch(value) else ["does not match the UUID format"]
    if name == "byte":
        import base64
        import binascii

        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return ["invalid base64"]
        return []
    if name in ("date", "datetime"):
        import datetime

        shape = r"\d{4}-\d{2}-\d{2}" if name == "date" else \
            r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
        try:
            if re.fullmatch(shape, value) is None:
                raise ValueError(value)
            if name == "date":
                datetime.date.fromisoformat(value)
            else:
                datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            return [f"invalid {name}"]
        return []
    raise CelFunctionError(f"unknown format {name}")


# ------------------------------------------------------------------------------- declarations

Impl = Callable[..., Any]


def _overload(name: str, result: Any, params: Sequence[Any], impl: Impl, member: bool) -> Any:
    signature = "_".join(p.name().replace("(", "_").replace(")", "").replace(", ", "_") for p in params)
    return cel.Overload(f"kcompat_{name}_{'m' if member else 'g'}_{signature}", result, list(params),
                        is_member=member, impl=impl)


def declarations() -> list[Any]:
    """Every function declaration kcompat adds to the CEL environment."""
    table: dict[str, list[Any]] = {}

    def add(name: str, result: Any, params: Sequence[Any], impl: Impl, member: bool = True) -> None:
        table.setdefault(name, []).append(_overload(name, result, params, impl, member))

    # strings extension (cel-go ext.Strings, as Kubernetes enables it)
    add("charAt", STRING, [STRING, INT], _char_at)
    add("indexOf", INT, [STRING, STRING], _index_of)
    add("indexOf", INT, [STRING, STRING, INT], _index_of)
    add("lastIndexOf", INT, [STRING, STRING], _last_index_of)
    add("lastIndexOf", INT, [STRING, STRING, INT], _last_index_of)
    add("lowerAscii", STRING, [STRING], _lower_ascii)
    add("upperAscii", STRING, [STRING], _upper_ascii)
    add("replace", STRING, [STRING, STRING, STRING], _replace)
    add("replace", STRING, [STRING, STRING, STRING, INT], _replace)
    add("split", T.List(STRING), [STRING, STRING], _split)
    add("split", T.List(STRING), [STRING, STRING, INT], _split)
    add("substring", STRING, [STRING, INT], _substring)
    add("substring", STRING, [STRING, INT, INT], _substring)
    add("trim", STRING, [STRING], _trim)
    add("join", STRING, [LIST], _join)
    add("join", STRING, [LIST, STRING], _join)
    add("reverse", STRING, [STRING], _reverse)
    add("strings.quote", STRING, [STRING], _quote, member=False)
    # Kubernetes lists library
    add("isSorted", BOOL, [LIST], _is_sorted)
    add("sum", DYN, [LIST], _sum)
    add("min", DYN, [LIST], _min)
    add("max", DYN, [LIST], _max)
    for element in ELEMENTS:
        add("indexOf", INT, [LIST, element], _list_index_of)
        add("lastIndexOf", INT, [LIST, element], _list_last_index_of)
    # cel-go sets extension
    add("sets.contains", BOOL, [LIST, LIST], _sets_contains, member=False)
    add("sets.equivalent", BOOL, [LIST, LIST], _sets_equivalent, member=False)
    add("sets.intersects", BOOL, [LIST, LIST], _sets_intersects, member=False)
    # Kubernetes regex library
    add("find", STRING, [STRING, STRING], _find)
    add("findAll", T.List(STRING), [STRING, STRING], _find_all)
    add("findAll", T.List(STRING), [STRING, STRING, INT], _find_all)
    # Kubernetes URL library
    add("url", MAP, [STRING], _url, member=False)
    add("isURL", BOOL, [STRING], _is_url, member=False)
    add("getScheme", STRING, [MAP], _get_scheme)
    add("getHost", STRING, [MAP], _get_host)
    add("getHostname", STRING, [MAP], _get_hostname)
    add("getPort", STRING, [MAP], _get_port)
    add("getEscapedPath", STRING, [MAP], _get_escaped_path)
    add("getQuery", T.Map(STRING, T.List(STRING)), [MAP], _get_query)
    # Kubernetes quantity library
    add("quantity", MAP, [STRING], _quantity, member=False)
    add("isQuantity", BOOL, [STRING], _is_quantity, member=False)
    add("sign", INT, [MAP], _q_sign)
    add("isInteger", BOOL, [MAP], _q_is_integer)
    add("asInteger", INT, [MAP], _q_as_integer)
    add("asApproximateFloat", DOUBLE, [MAP], _q_as_float)
    add("add", MAP, [MAP, MAP], _q_add)
    add("add", MAP, [MAP, INT], _q_add)
    add("sub", MAP, [MAP, MAP], _q_sub)
    add("sub", MAP, [MAP, INT], _q_sub)
    add("isLessThan", BOOL, [MAP, MAP], _q_less)
    add("isGreaterThan", BOOL, [MAP, MAP], _q_greater)
    add("compareTo", INT, [MAP, MAP], _q_compare)
    # Kubernetes IP and CIDR libraries
    add("ip", MAP, [STRING], _ip, member=False)
    add("isIP", BOOL, [STRING], _is_ip, member=False)
    add("ip.isCanonical", BOOL, [STRING], _ip_is_canonical, member=False)
    add("family", INT, [MAP], _family)
    add("isUnspecified", BOOL, [MAP], _is_unspecified)
    add("isLoopback", BOOL, [MAP], _is_loopback)
    add("isLinkLocalMulticast", BOOL, [MAP], _is_link_local_multicast)
    add("isLinkLocalUnicast", BOOL, [MAP], _is_link_local_unicast)
    add("isGlobalUnicast", BOOL, [MAP], _is_global_unicast)
    add("cidr", MAP, [STRING], _cidr, member=False)
    add("isCIDR", BOOL, [STRING], _is_cidr, member=False)
    add("ip", MAP, [MAP], _cidr_ip)
    add("masked", MAP, [MAP], _cidr_masked)
    add("prefixLength", INT, [MAP], _prefix_length)
    add("containsIP", BOOL, [MAP, MAP], _contains_ip)
    add("containsIP", BOOL, [MAP, STRING], _contains_ip)
    add("containsCIDR", BOOL, [MAP, MAP], _contains_cidr)
    add("containsCIDR", BOOL, [MAP, STRING], _contains_cidr)
    # Kubernetes format library: the source is rewritten to call this (see cel.rewrite_formats)
    add("kcompat.formatErrors", T.List(STRING), [STRING, STRING], format_errors, member=False)
    return [cel.FunctionDecl(name, overloads) for name, overloads in table.items()]
