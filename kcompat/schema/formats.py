"""String formats that the API server checks, as plain predicates.

Built-in types are decoded into Go values, so their formats are strict (RFC 3339 times,
standard base64 for []byte, Kubernetes quantities). CRD schemas use the OpenAPI formats that
the apiextensions server validates; formats it does not know are ignored, as it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

# CRDs: kube-openapi's strfmt.IsDateTime lower-cases the value and splits it at "t", so `t`
# and `z` pass; a space does not, nor second 60.
_DATE_TIME = (
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")
# Built-in kinds: metav1.Time decodes with Go's time.Parse(time.RFC3339, s): a literal `T` and
# `Z`, seconds below 60, and (Go's parser allows it) a fraction after `.` or `,`.
_GO_RFC3339 = (
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([.,]\d+)?(Z|[+-]\d{2}:\d{2})\Z")
_GO_RFC3339_MICRO = (
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([.,]\d{6})(Z|[+-]\d{2}:\d{2})\Z")
_DATE = r"^(\d{4})-(\d{2})-(\d{2})$"
_BASE64 = r"^[A-Za-z0-9+/]*={0,2}$"
# resource.Quantity: a signed decimal number with a binary (Ki..Ei), decimal (n..E) or
# exponent (e3, E-2) suffix; apimachinery's parser accepts nothing else.
_QUANTITY = (
    r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$")
_UUID = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
_MAC = r"^(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$|^(?:[0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$"
_DURATION = r"^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h|d|w))+$|^0$"
_HOSTNAME = (
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_EMAIL = r"^[^@\s]+@[^@\s]+$"
_URI = r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$"


@cache
def _pattern(text: str) -> re.Pattern[str]:
    """Compiled on first use: importing this module stays cheap."""
    return re.compile(text)


INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def _valid_date(year: str, month: str, day: str) -> bool:
    import calendar

    y, m, d = int(year), int(month), int(day)
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y or 2000, m)[1]


def is_date_time(text: str) -> bool:
    """format date-time of a CRD (kube-openapi's strfmt)."""
    return _date_time(_DATE_TIME, text)


def is_go_rfc3339(text: str) -> bool:
    """format date-time of a built-in kind (metav1.Time: Go's time.RFC3339)."""
    return _date_time(_GO_RFC3339, text)


def is_go_rfc3339_micro(text: str) -> bool:
    """A built-in MicroTime (Lease acquireTime/renewTime, Event eventTime): Go's time.Parse with
    metav1.RFC3339Micro, which needs exactly six fractional digits."""
    return _date_time(_GO_RFC3339_MICRO, text)


def _date_time(pattern: str, text: str) -> bool:
    match = _pattern(pattern).match(text)
    if not match:
        return False
    hour, minute, second = int(match.group(4)), int(match.group(5)), int(match.group(6))
    return _valid_date(*match.group(1, 2, 3)) and hour < 24 and minute < 60 and second < 60


def is_date(text: str) -> bool:
    match = _pattern(_DATE).match(text)
    return match is not None and _valid_date(*match.group(1, 2, 3))


def is_base64(text: str) -> bool:
    """Go's base64.StdEncoding as encoding/json uses it: padded; CR and LF are ignored."""
    compact = text.replace("\n", "").replace("\r", "")
    return len(compact) % 4 == 0 and _pattern(_BASE64).match(compact) is not None


def is_quantity(text: str) -> bool:
    """resource.Quantity's UnmarshalJSON trims spaces, then parses."""
    return _pattern(_QUANTITY).match(text.strip()) is not None


def _is_ip(text: str, version: int) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


def _is_cidr(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return "/" in text


# What each format means, for messages: "format date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)".
EXAMPLES = {
    "date-time": "RFC 3339, e.g. 2024-01-31T12:00:00Z",
    "datetime": "RFC 3339, e.g. 2024-01-31T12:00:00Z",
    "date-time-micro": "RFC 3339 with microseconds, e.g. 2024-01-31T12:00:00.000000Z",
    "date": "e.g. 2024-01-31",
    "byte": "base64",
    "quantity": "a quantity such as 500m, 0.5, 1Gi or 128974848",
    "ipv4": "e.g. 10.0.0.1",
    "ipv6": "e.g. fd00::1",
    "cidr": "e.g. 10.0.0.0/16",
    "uuid": "e.g. 123e4567-e89b-12d3-a456-426614174000",
    "duration": "e.g. 30s, 5m, 1h30m",
}

# Formats of string values. Built-in schemas use date-time, byte and quantity; CRDs may use
# any of the others (k8s.io/kube-openapi's strfmt registry); unknown formats are ignored.
STRING_FORMATS: dict[str, Callable[[str], bool]] = {
    "date-time": is_date_time,
    "datetime": is_date_time,
    "date": is_date,
    "byte": is_base64,
    "ipv4": lambda text: _is_ip(text, 4),
    "ipv6": lambda text: _is_ip(text, 6),
    "cidr": _is_cidr,
    "uuid": lambda text: _pattern(_UUID).match(text) is not None,
    "uuid3": lambda text: _pattern(_UUID).match(text) is not None,
    "uuid4": lambda text: _pattern(_UUID).match(text) is not None,
    "uuid5": lambda text: _pattern(_UUID).match(text) is not None,
    "mac": lambda text: _pattern(_MAC).match(text) is not None,
    "duration": lambda text: _pattern(_DURATION).match(text) is not None,
    "hostname": lambda text: _pattern(_HOSTNAME).match(text) is not None,
    "email": lambda text: _pattern(_EMAIL).match(text) is not None,
    "uri": lambda text: _pattern(_URI).match(text) is not None,
}

# The formats built-in kinds check (Go types decode them), with Go's rules.
# "date-time-micro" is kcompat's name for metav1.MicroTime's date-time (kcompat.schema.builtin).
BUILTIN_STRING_FORMATS: dict[str, Callable[[str], bool]] = {
    "date-time": is_go_rfc3339, "date-time-micro": is_go_rfc3339_micro, "byte": is_base64}
BUILTIN_FORMATS = frozenset(BUILTIN_STRING_FORMATS)
