"""Value syntaxes the Kubernetes API server checks, as small pure functions.

Each `is_*` function returns the list of problems the server would report for a value (empty
when valid), worded as upstream words them, so a finding reads like `kubectl apply` output.
Upstream: k8s.io/apimachinery pkg/util/validation/validation.go (IsDNS1123Label,
IsDNS1123Subdomain, IsDNS1035Label, IsValidPortName, IsValidPortNum, IsConfigMapKey, RegexError),
pkg/api/validate/content/kube.go (IsLabelKey a.k.a. IsQualifiedName, IsLabelValue),
pkg/api/validation/generic.go (NameIsDNSSubdomain & co, prefix masking for generateName),
pkg/api/validation/path/name.go (IsValidPathSegmentName), pkg/api/resource (Quantity) and
github.com/robfig/cron/v3 parser.go (ParseStandard, used by the CronJob validation).
Regexes are compiled on first use (kcompat.core.patterns).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from kcompat.core.patterns import LazyPattern

# -- regex errors -----------------------------------------------------------------------------


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """validation.RegexError: the message, the examples and the regex, as the server joins them."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def range_error(low: int, high: int) -> str:
    return f"must be between {low} and {high}, inclusive"


# -- DNS names --------------------------------------------------------------------------------

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL = LazyPattern(f"^{_DNS1123_LABEL_FMT}$")
_DNS1123_SUBDOMAIN = LazyPattern(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_DNS1035_LABEL = LazyPattern(f"^{_DNS1035_LABEL_FMT}$")
_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
              "and must start and end with an alphanumeric character")
_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                  "'-' or '.', and must start and end with an alphanumeric character")
_DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                "alphabetic character, and end with an alphanumeric character")


def is_dns1123_label(value: str) -> list[str]:
    if len(value) <= 63 and _DNS1123_LABEL.match(value):
        return []
    errors = [max_len_error(63)] if len(value) > 63 else []
    if not _DNS1123_LABEL.match(value):
        if _DNS1123_SUBDOMAIN.match(value):
            errors.append("must not contain dots")
        else:
            errors.append(regex_error(_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errors


def is_dns1123_subdomain(value: str) -> list[str]:
    if len(value) <= 253 and _DNS1123_SUBDOMAIN.match(value):
        return []
    errors = [max_len_error(253)] if len(value) > 253 else []
    if not _DNS1123_SUBDOMAIN.match(value):
        errors.append(regex_error(_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


_WILDCARD_FMT = "\\*\\." + _DNS1123_SUBDOMAIN_FMT
_WILDCARD = LazyPattern(f"^{_WILDCARD_FMT}$")
_WILDCARD_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which "
                 "must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric "
                 "character")


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    errors = [max_len_error(253)] if len(value) > 253 else []
    if not _WILDCARD.match(value):
        errors.append(regex_error(_WILDCARD_MSG, _WILDCARD_FMT, "*.example.com"))
    return errors


def is_dns1035_label(value: str) -> list[str]:
    if len(value) <= 63 and _DNS1035_LABEL.match(value):
        return []
    errors = [max_len_error(63)] if len(value) > 63 else []
    if not _DNS1035_LABEL.match(value):
        errors.append(regex_error(_DNS1035_MSG, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errors


def is_path_segment_name(value: str, prefix: bool = False) -> list[str]:
    """path.IsValidPathSegmentName (RBAC object names); a generateName prefix skips '.' and '..'."""
    if not prefix and value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in value]


NameCheck = Callable[[str, bool], list[str]]


def _mask_trailing_dash(name: str, prefix: bool) -> str:
    """generic.go maskTrailingDash: a generateName prefix may end with '-'."""
    if prefix and len(name) > 1 and name.endswith("-"):
        return name[:-1] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name, prefix))


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name, prefix))


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name, prefix))


def name_is_path_segment(name: str, prefix: bool) -> list[str]:
    return is_path_segment_name(name, prefix)


# -- labels, annotations, config keys ---------------------------------------------------------

_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY = LazyPattern(f"^{_LABEL_KEY_FMT}$")
_LABEL_VALUE_FMT = f"({_LABEL_KEY_FMT})?"
_LABEL_VALUE = LazyPattern(f"^{_LABEL_VALUE_FMT}$")
_LABEL_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                  "alphanumeric character")
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
                    "'.', and must start and end with an alphanumeric character")
_PLAIN_LABEL_KEY = LazyPattern(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")


def is_qualified_name(value: str) -> list[str]:
    """content.IsLabelKey (IsQualifiedName): [prefix/]name, prefix a DNS subdomain."""
    if _PLAIN_LABEL_KEY.match(value):
        return []  # the common case, decided by one regex
    errors: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + message for message in is_dns1123_subdomain(prefix))
    else:
        return ["a valid label key " + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part " + max_len_error(63))
    if not _LABEL_KEY.match(name):
        errors.append("name part " + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc"))
    return errors


def is_label_value(value: str) -> list[str]:
    if len(value) <= 63 and _LABEL_VALUE.match(value):
        return []
    errors = [max_len_error(63)] if len(value) > 63 else []
    if not _LABEL_VALUE.match(value):
        errors.append(regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errors


_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY = LazyPattern(f"^{_CONFIG_KEY_FMT}$")
_CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"


def is_config_map_key(value: str) -> list[str]:
    if len(value) <= 253 and _CONFIG_KEY.match(value) and value != "." and not value.startswith(".."):
        return []
    errors = [max_len_error(253)] if len(value) > 253 else []
    if not _CONFIG_KEY.match(value):
        errors.append(regex_error(_CONFIG_KEY_MSG, _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errors.append("must not be '.'")
    elif value == "..":
        errors.append("must not be '..'")
    elif value.startswith(".."):
        errors.append("must not start with '..'")
    return errors


# -- environment variable names ---------------------------------------------------------------

_ENV_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_NAME = LazyPattern(f"^{_ENV_NAME_FMT}$")
_ENV_NAME_MSG = ("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or "
                 "'.', and must not start with a digit")
_RELAXED_ENV_NAME = LazyPattern("^[\x21-\x3c\x3e-\x7e ]+$")


def _chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_env_var_name(value: str) -> list[str]:
    """IsEnvVarName (before RelaxedEnvironmentVariableValidation)."""
    errors = [] if _ENV_NAME.match(value) else [
        regex_error(_ENV_NAME_MSG, _ENV_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1")]
    return errors + _chdir_prefix(value)


def is_relaxed_env_var_name(value: str) -> list[str]:
    """IsRelaxedEnvVarName: printable ASCII other than '='."""
    if not value:
        return ["environment variable name must be non-empty"]
    if _RELAXED_ENV_NAME.match(value):
        return []
    return ["a valid environment variable name must consist only of printable ASCII characters other than '='"]


# -- ports ------------------------------------------------------------------------------------

_PORT_NAME_CHARS = LazyPattern("^[-a-z0-9]+$")
_PORT_NAME_LETTER = LazyPattern("[a-z]")
_PORT_NAME_FAST = LazyPattern("^(?=.*[a-z])[a-z0-9](-?[a-z0-9])*$")


def is_valid_port_name(value: str) -> list[str]:
    """IsValidPortName: an IANA_SVC_NAME, at most 15 characters."""
    if len(value) <= 15 and _PORT_NAME_FAST.match(value):
        return []
    errors = [max_len_error(15)] if len(value) > 15 else []
    if not _PORT_NAME_CHARS.match(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def is_valid_port_num(value: int) -> list[str]:
    return [] if 1 <= value <= 65535 else [range_error(1, 65535)]


# -- resource quantities ----------------------------------------------------------------------

_QUANTITY = LazyPattern(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exponent: suffix for suffix, exponent in _DECIMAL.items()}
MAX_QUANTITY_DIGITS = 400
"""Significant digits kept of a quantity's number (beyond them it is rounded up, away from zero)."""
_SANE_MAGNITUDE = 40
"""Quantities of 10**40 or more are compared exactly but shown as written, never expanded."""


class Quantity:
    """A parsed resource.Quantity, exact: sign * digits * 10**exponent * 2**binary, with the format
    its canonical text uses. Integers, not fractions.Fraction: comparing two quantities never
    expands a power of ten (a hostile "1e999999999" would take minutes), and the one-file check
    does not import fractions and decimal (BENCHMARKS.md, start-up)."""

    __slots__ = ("binary", "digits", "exponent", "format", "negative", "written")

    def __init__(self, negative: bool, digits: int, exponent: int, binary: int, format: str, written: str) -> None:
        self.negative = negative and digits != 0
        self.digits = digits
        self.exponent = exponent
        self.binary = binary
        self.format = format  # "binary", "decimal" or "exponent"
        self.written = written

    def _magnitude(self) -> int:
        """The smallest m with |value| < 10**m (the 2**binary factor adds at most 19 digits)."""
        return len(str(self.digits)) + self.exponent

    def compare(self, other: Quantity) -> int:
        """-1, 0 or 1 as Quantity.Cmp orders the exact values."""
        if self.negative != other.negative or self.digits == 0 or other.digits == 0:
            mine = 0 if self.digits == 0 else (-1 if self.negative else 1)
            theirs = 0 if other.digits == 0 else (-1 if other.negative else 1)
            return (mine > theirs) - (mine < theirs)
        order = _compare_magnitudes(self, other)
        return -order if self.negative else order

    def text(self) -> str:
        """Quantity.String(): the canonical form the server prints ("1000m" -> "1", "1024Mi" -> "1Gi")."""
        if self.digits == 0:
            return "0"
        sign = "-" if self.negative else ""
        if self._magnitude() >= _SANE_MAGNITUDE:
            return self.written  # an absurd size: shown as written rather than as a 40-digit expansion
        if self.format == "binary":
            down: int = 10 ** -self.exponent if self.exponent < 0 else 1
            number, remainder = divmod(self.digits << self.binary, down)
            if remainder == 0:  # a whole number of bytes: shown with the largest binary suffix that divides it
                if number < 1024:
                    return f"{sign}{number}"
                power = 0
                while power < 60 and number % (1 << (power + 10)) == 0:
                    power += 10
                suffix = {0: ""} | {bits: name for name, bits in _BINARY.items()}
                return f"{sign}{number >> power}{suffix[power]}"
        scaled = self._nanos()
        exponent = -9
        while exponent < 18 and scaled % 1000 == 0:
            scaled //= 1000
            exponent += 3
        if self.format == "exponent":
            return f"{sign}{scaled}e{exponent}" if exponent else f"{sign}{scaled}"
        return f"{sign}{scaled}{_DECIMAL_SUFFIX[exponent]}"

    def _nanos(self) -> int:
        """|value| in nanos, rounded up (away from zero) to a whole nano, as ParseQuantity rounds it."""
        shift = self.exponent + 9
        if self._magnitude() + 9 <= -19:
            return 1  # far below a nano: rounds up to one
        number = self.digits << self.binary
        if shift >= 0:
            up: int = 10 ** shift
            return number * up
        down: int = 10 ** -shift
        whole, remainder = divmod(number, down)
        return whole + (remainder != 0)


def _compare_magnitudes(a: Quantity, b: Quantity) -> int:
    """Order |a| and |b| (both non-zero) without expanding large powers of ten."""
    ma, mb = a._magnitude(), b._magnitude()
    if ma - 1 >= mb + 19:
        return 1
    if mb - 1 >= ma + 19:
        return -1
    low = min(a.exponent, b.exponent)  # the exponents now differ by at most 19 + MAX_QUANTITY_DIGITS
    scale_a: int = 10 ** (a.exponent - low)
    scale_b: int = 10 ** (b.exponent - low)
    first, second = (a.digits << a.binary) * scale_a, (b.digits << b.binary) * scale_b
    return (first > second) - (first < second)


def _decompose(sign: str, whole: str, fraction: str) -> tuple[bool, int, int]:
    """(negative, digits, exponent) of a decimal number, at most MAX_QUANTITY_DIGITS digits kept."""
    text = (whole + fraction).lstrip("0")
    exponent = -len(fraction)
    if len(text) > MAX_QUANTITY_DIGITS:
        dropped = text[MAX_QUANTITY_DIGITS:]
        text = text[:MAX_QUANTITY_DIGITS]
        exponent += len(dropped)
        digits = int(text) + (dropped.strip("0") != "")
    else:
        digits = int(text) if text else 0
    return sign == "-", digits, exponent


@lru_cache(maxsize=512)
def parse_quantity(text: str) -> Quantity | None:
    """resource.ParseQuantity, or None for text the server cannot decode (schema/decoding reports it)."""
    written = text.strip()
    match = _QUANTITY.match(written)
    if match is None or not (match.group(2) or match.group(3)):
        return None
    negative, digits, exponent = _decompose(match.group(1), match.group(2), match.group(3) or "")
    suffix = match.group(4) or ""
    if suffix in _BINARY:
        return Quantity(negative, digits, exponent, _BINARY[suffix], "binary", written)
    if suffix in _DECIMAL:
        return Quantity(negative, digits, exponent + _DECIMAL[suffix], 0, "decimal", written)
    return Quantity(negative, digits, exponent + int(suffix[1:]), 0, "exponent", written)


def quantity_of(raw: object) -> Quantity | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        negative, digits, exponent = _decompose("-" if raw < 0 else "", str(abs(raw)), "")
        return Quantity(negative, digits, exponent, 0, "decimal", str(raw))
    if isinstance(raw, float):
        parsed = parse_quantity(repr(raw).replace("e+", "e"))
        if parsed is None:
            return None  # inf, nan
        return Quantity(parsed.negative, parsed.digits, parsed.exponent, 0, "decimal", parsed.written)
    if isinstance(raw, str):
        return parse_quantity(raw)
    return None


@lru_cache(maxsize=1024)
def compare_quantities(first: str | int | float, second: str | int | float) -> int | None:
    """-1, 0 or 1 as Quantity.Cmp orders two raw quantities; None when either does not parse."""
    a, b = quantity_of(first), quantity_of(second)
    if a is None or b is None:
        return None
    return a.compare(b)


# -- cron schedules (robfig/cron v3 ParseStandard) ---------------------------------------------

_MONTHS = {name: index + 1 for index, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_DAYS = {name: index for index, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_CRON_FIELDS: tuple[tuple[int, int, dict[str, int] | None], ...] = (
    (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DAYS))
_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_GO_INT = LazyPattern(r"^[+-]?[0-9]+$")
_GO_DURATION = LazyPattern(r"^[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$|^0$")


class CronError(ValueError):
    pass


def _go_atoi(text: str) -> int:
    if not _GO_INT.match(text):
        raise CronError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number


def _cron_value(text: str, names: dict[str, int] | None) -> int:
    if names is not None and text.lower() in names:
        return names[text.lower()]
    return _go_atoi(text)


def _cron_range(expr: str, low: int, high: int, names: dict[str, int] | None) -> None:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    if low_and_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = _cron_value(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _cron_value(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _go_atoi(range_and_step[1])
        if single:
            end = high
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < low:
        raise CronError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise CronError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


@lru_cache(maxsize=256)
def cron_schedule_error(spec: str) -> str | None:
    """The error cron.ParseStandard gives for a schedule, or None when it parses."""
    try:
        _parse_cron(spec)
    except CronError as error:
        return str(error)
    return None


def _parse_cron(spec: str) -> None:
    spec = spec.strip()
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        zone, _, rest = spec.partition(" ")
        name = zone.split("=", 1)[1]
        if time_zone_error(name) is not None:
            raise CronError(f"provided bad location {name}: unknown time zone {name}")
        spec = rest.strip()
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return
        if spec.startswith("@every "):
            duration = spec[len("@every "):]
            if not _GO_DURATION.match(duration):
                raise CronError(f'failed to parse duration {spec}: time: invalid duration "{duration}"')
            return
        raise CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for field, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for expr in field.split(","):
            _cron_range(expr, low, high, names)


# -- time zones -------------------------------------------------------------------------------

_TZ_PART = LazyPattern(r"^[A-Za-z.\-_0-9+]{1,14}$")


@lru_cache(maxsize=64)
def time_zone_error(name: str) -> str | None:
    """Why time.LoadLocation rejects a zone name (the cluster's tzdata assumed to be the IANA set)."""
    for part in name.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return f"unknown time zone {name}"
    if name == "UTC" or name in _zones():
        return None
    return f"unknown time zone {name}"


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())
