"""Find service addresses in configuration strings (env values, args, ConfigMap data).

Pure string work, no graph: a value becomes zero or more `Address`es, each a list of DNS labels
plus an optional port and path. Whether an address names a Service is decided by the graph
builder, which knows the Services and namespaces in the input.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_PORT = re.compile(rf"^(?P<host>{_LABEL}(?:\.{_LABEL})*)\.?(?::(?P<port>\d{{1,5}}))?(?P<path>/\S*)?$")
_SCHEME = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")
_SPLIT = re.compile(r"[\s,;\"'()\[\]{}<>]+")
_VERSION = re.compile(r"^v(?P<major>\d+)(?:(?P<stage>alpha|beta)(?P<minor>\d+))?$")
_VERSIONED_NAME = re.compile(r"^(?P<base>.+?)-(?P<version>v\d+(?:(?:alpha|beta)\d+)?)$")
# The last word of an env var or flag name that says its value is a host name.
_HOST_WORDS = frozenset({"HOST", "ADDR", "ADDRESS", "ENDPOINT", "SERVER", "URL", "URI", "UPSTREAM",
                         "BACKEND", "BROKER", "BROKERS", "DSN", "SERVERS", "HOSTS"})
_NOT_HOSTS = frozenset({"localhost", "true", "false", "null", "none", "yes", "no"})
_IGNORED_SCHEMES = frozenset({"file", "unix", "data"})


@dataclass(frozen=True)
class Address:
    labels: tuple[str, ...]
    """Lower-case DNS labels of the host."""
    port: int | None
    path: str
    definite: bool
    """True when the text is unmistakably an address (scheme, port or a `.svc` name); a bare
    word is an address only because the variable's name says so."""

    @property
    def host(self) -> str:
        return ".".join(self.labels)


def host_like_key(key: str | None) -> bool:
    """Whether a variable or flag name ends in a host word: DATABASE_HOST, redis-url, --db-addr."""
    if not key:
        return False
    words = [w for w in re.split(r"[^A-Za-z0-9]+", key) if w]
    return bool(words) and words[-1].upper() in _HOST_WORDS


def find_addresses(value: str, key: str | None = None) -> list[Address]:
    """Every address-like token in value; key is the env var (or flag) name the value belongs to."""
    found: list[Address] = []
    for token in _SPLIT.split(value):
        if not token:
            continue
        token_key = key
        scheme = _SCHEME.search(token)
        if scheme is None and "=" in token:
            token_key, _, token = token.partition("=")
            token_key = token_key.lstrip("-")
        address = _parse_token(token, token_key, scheme is not None)
        found.extend(address)
    return found


def _parse_token(token: str, key: str | None, has_scheme: bool) -> list[Address]:
    if has_scheme:
        match = _SCHEME.search(token)
        assert match is not None
        if match.group("scheme").lower() in _IGNORED_SCHEMES:
            return []
        rest = token[match.end():]
        netloc, slash, path = rest.partition("/")
        netloc = netloc.rpartition("@")[2].split("?")[0].split("#")[0]
        result = []
        for hostport in netloc.split(","):
            parsed = _HOST_PORT.match(hostport)
            if parsed and not parsed.group("path"):
                address = _make(parsed.group("host"), parsed.group("port"), slash + path, True)
                if address:
                    result.append(address)
        return result
    parsed = _HOST_PORT.match(token)
    if not parsed:
        return []
    host, port, path = parsed.group("host"), parsed.group("port"), parsed.group("path") or ""
    labels = host.lower().split(".")
    definite = port is not None or "svc" in labels[1:]
    if not definite and len(labels) == 1 and not host_like_key(key):
        return []
    if not definite and len(labels) > 1 and path:
        return []  # example.com/x without a scheme or port: a path-like reference, not an address
    address = _make(host, port, path, definite)
    return [address] if address else []


def _make(host: str, port: str | None, path: str, definite: bool) -> Address | None:
    labels = tuple(host.lower().rstrip(".").split("."))
    if labels[0] in _NOT_HOSTS or labels[-1].isdigit() or _is_ip(host):
        return None
    if port is not None and not 0 < int(port) < 65536:
        return None
    return Address(labels, int(port) if port else None, path, definite)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def path_version(path: str) -> str | None:
    """The API version named by a URL path segment: /api/v2/orders -> v2 (the last one wins)."""
    versions = [segment for segment in path.split("/") if _VERSION.match(segment)]
    return versions[-1] if versions else None


def is_version(text: str) -> bool:
    return _VERSION.match(text) is not None


def split_versioned_name(name: str) -> tuple[str, str | None]:
    """reviews-v2 -> (reviews, v2); orders -> (orders, None)."""
    match = _VERSIONED_NAME.match(name)
    if match:
        return match.group("base"), match.group("version")
    return name, None


def version_key(version: str) -> tuple[int, int, int]:
    """Kubernetes version priority: v2 > v2beta1 > v2alpha1 > v1; unknown strings sort first."""
    match = _VERSION.match(version)
    if not match:
        return (-1, 0, 0)
    stage = {"alpha": 0, "beta": 1, None: 2}[match.group("stage")]
    return (int(match.group("major")), stage, int(match.group("minor") or 0))


def parse_api_list(text: str) -> list[tuple[str, str]]:
    """The `kcompat.io/serves` / `consumes` annotation: "orders/v1, orders/v2" -> pairs."""
    result = []
    for item in re.split(r"[\s,]+", text):
        name, slash, version = item.strip().rpartition("/")
        if slash and name and is_version(version):
            result.append((name, version))
    return result


# -- redaction ------------------------------------------------------------------------------
# Graph evidence quotes configuration; credentials in it must not reach a report or a PR comment.

REDACTED = "[redacted]"
_URL_CREDENTIALS = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?(?P<userinfo>[^\s/@:=,;\"'()<>]+:[^\s/@,;\"'()<>]*)@")
_SECRET_WORDS = ("PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "SECRET", "CREDENTIAL")
_KEY_WORDS = frozenset({"KEY", "APIKEY", "ACCESSKEY", "PRIVATEKEY", "AUTHKEY", "SIGNINGKEY", "LICENSEKEY"})
_NAMED_VALUE = re.compile(r"(?P<name>--?[A-Za-z][\w.-]*|\b[A-Za-z_][\w.-]*)(?P<sep>=)(?P<value>[^\s,;\"']+)")


def secret_name(name: str | None) -> bool:
    """An env var, key or flag whose value is a credential: *PASSWORD*, *TOKEN*, *SECRET*, *KEY*
    (KEY as a word or a word's end: API_KEY, apiKey, ACCESSKEY; not KEYCLOAK_URL or MONKEY_HOST)."""
    if not name:
        return False
    upper = name.upper()
    if any(word in upper for word in _SECRET_WORDS):
        return True
    words = {word.upper() for word in re.split(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", name) if word}
    return bool(words & _KEY_WORDS)


def redact(text: str) -> str:
    """text with the credentials of URLs (`admin:admin@grafana`) and the values of secret-named
    `NAME=value` / `--flag=value` pairs replaced by [redacted]."""
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group('scheme') or ''}{REDACTED}@", text)
    return _NAMED_VALUE.sub(lambda m: f"{m.group('name')}={REDACTED}" if secret_name(m.group("name"))
                            else m.group(0), text)
