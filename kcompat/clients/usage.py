"""The values `kcompat clients` collects: who used which deprecated API, from which source, how sure."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from kcompat.catalog.lifecycle import ApiLifecycle, Catalog, minor_text
from kcompat.core.versions import KubeVersion, VersionError

FORMAT_VERSION = 1
SCHEMA = "kcompat.clients/v1"

# Sources of evidence, and how far each one proves which API version a client used.
AUDIT_LOG = "audit-log"
METRICS = "metrics"
HELM_RELEASE = "helm-release"
LAST_APPLIED = "last-applied"
MANAGED_FIELDS = "managed-fields"
DISCOVERY = "discovery"

RELIABILITY = {
    AUDIT_LOG: "high: the API server recorded each request with the group/version the client used, "
               "who sent it and when",
    METRICS: "medium: the API server saw a request to this API since it started, but the metric does not "
             "say who sent it, how often or when, and it stays set until the API server restarts",
    HELM_RELEASE: "high for Helm: the release manifest stored in the cluster is what Helm compares "
                  "against on the next upgrade; a removed API in it breaks `helm upgrade` even after "
                  "the chart is fixed",
    LAST_APPLIED: "medium: the apiVersion of the last client-side `kubectl apply` of this object; "
                  "later edits by other means are not recorded",
    MANAGED_FIELDS: "medium: the apiVersion a field manager last wrote this object with; reads are "
                    "not recorded",
    DISCOVERY: "none about clients: the server serves this version; listing objects through it proves "
               "nothing, because the API server converts every object to any served version",
}

SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
MAX_GROUPS = 16
MAX_OBJECTS = 20


@dataclass(frozen=True)
class Identity:
    """Who a client is. `type` is service-account, node, user, helm-release, field-manager or kubectl."""

    type: str
    name: str
    namespace: str | None = None
    username: str | None = None
    user_agent: str | None = None

    @classmethod
    def of_user(cls, username: str, user_agent: str | None) -> Identity:
        if username.startswith(SERVICE_ACCOUNT_PREFIX):
            namespace, _, name = username[len(SERVICE_ACCOUNT_PREFIX):].partition(":")
            if namespace and name:
                return cls("service-account", name, namespace, username, user_agent)
        if username.startswith("system:node:"):
            return cls("node", username[len("system:node:"):], None, username, user_agent)
        return cls("user", username, None, username, user_agent)

    def describe(self) -> str:
        if self.type == "service-account":
            return f"service account {self.namespace}/{self.name}"
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.type.replace('-', ' ')} {where}{self.name}"


@dataclass
class ApiUsage:
    """One client's use of one group/version, aggregated over its requests or objects."""

    api_version: str
    status: str
    """removed (not served at the target version) or deprecated."""
    removed_release: str | None
    deprecated_release: str | None
    replacement: str | None
    kinds: set[str] = field(default_factory=set)
    resources: set[str] = field(default_factory=set)
    verbs: set[str] = field(default_factory=set)
    objects: list[str] = field(default_factory=list)
    reasons: set[str] = field(default_factory=set)
    count: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None

    def seen(self, when: dt.datetime | None) -> None:
        self.count += 1
        if when is None:
            return
        if self.first_seen is None or when < self.first_seen:
            self.first_seen = when
        if self.last_seen is None or when > self.last_seen:
            self.last_seen = when

    def add_object(self, text: str) -> None:
        if len(self.objects) < MAX_OBJECTS and text not in self.objects:
            self.objects.append(text)


MAX_AGENTS = 8


@dataclass
class Client:
    source: str
    identity: Identity
    groups: set[str] = field(default_factory=set)
    impersonated: set[str] = field(default_factory=set)
    apis: dict[str, ApiUsage] = field(default_factory=dict)
    user_agents: list[str] = field(default_factory=list)
    """Every user agent the identity sent requests with, first seen first (at most MAX_AGENTS)."""

    @property
    def reliability(self) -> str:
        return RELIABILITY[self.source]

    def usage(self, api_version: str, kind: str | None, verdict: Verdict) -> ApiUsage:
        """The usage of one API (group/version and kind) by this client, created on first use."""
        key = f"{api_version} {kind or ''}"
        usage = self.apis.get(key)
        if usage is None:
            usage = self.apis[key] = ApiUsage(
                api_version, verdict.status, verdict.removed_release, verdict.deprecated_release,
                verdict.replacement)
        elif verdict.status == "removed":
            usage.status = "removed"
        usage.removed_release = usage.removed_release or verdict.removed_release
        usage.reasons.update(verdict.reasons)
        if kind:
            usage.kinds.add(kind)
        return usage


@dataclass(frozen=True)
class Verdict:
    """Why one API counts as deprecated or removed at the target."""

    status: str
    removed_release: str | None
    deprecated_release: str | None
    replacement: str | None
    reasons: tuple[str, ...]


def _release(text: str | None) -> KubeVersion | None:
    if not text:
        return None
    try:
        return KubeVersion.parse(text)
    except VersionError:
        return None


def flagged(api: ApiLifecycle, target: KubeVersion) -> bool:
    """The catalog says this API is deprecated or removed at target."""
    return api.deprecated_at(target) or (api.removed_in is not None and target.minor >= api.removed_in)


def judge(api: ApiLifecycle | None, target: KubeVersion, catalog: Catalog, *, annotated: bool = False,
          removed_release: str | None = None) -> Verdict | None:
    """Deprecated or removed at target, by the server's own annotation or by kcompat's catalog; else None."""
    reasons: list[str] = []
    if annotated or removed_release:
        reasons.append("api-server-annotation")
    if api is not None and flagged(api, target):
        reasons.append("catalog")
    if not reasons:
        return None
    # a removed-release that is not a version (say 5,000 digits) is not kept or shown
    server_removed = removed_release if _release(removed_release) is not None else None
    removed = server_removed or (minor_text(api.removed_in) if api is not None and api.removed_in else None)
    removed_version = _release(removed)
    is_removed = removed_version is not None and removed_version <= target
    deprecated = minor_text(api.deprecated_in) if api is not None and api.deprecated_in else None
    replacement = catalog.replacement_at(api, target) if api is not None else None
    return Verdict("removed" if is_removed else "deprecated", removed, deprecated, replacement, tuple(reasons))


@dataclass
class InputStats:
    """What reading one input gave: counts, the first malformed lines, truncation, a fatal error."""

    path: str
    kind: str
    compressed: bool = False
    lines: int = 0
    parsed: int = 0
    skipped: int = 0
    """Lines the pre-filter proved cannot concern a deprecated API (not parsed)."""
    other_stages: int = 0
    """Events of stages other than ResponseComplete/Panic (not counted, so a request counts once)."""
    matched: int = 0
    malformed: int = 0
    malformed_examples: list[tuple[int, str]] = field(default_factory=list)
    truncated: bool = False
    error: str | None = None

    def bad_line(self, line: int, reason: str, keep: int = 5) -> None:
        self.malformed += 1
        if len(self.malformed_examples) < keep:
            self.malformed_examples.append((line, reason))


@dataclass
class MetricApi:
    """One deprecated API the apiserver_requested_deprecated_apis metric says was requested."""

    group: str
    version: str
    resource: str
    subresource: str
    removed_release: str | None
    kind: str | None
    status: str
    replacement: str | None
    sources: list[str] = field(default_factory=list)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


@dataclass
class ClientsReport:
    target: KubeVersion
    current: KubeVersion | None = None
    clients: dict[tuple[str, Identity], Client] = field(default_factory=dict)
    metrics: dict[tuple[str, str, str, str], MetricApi] = field(default_factory=dict)
    inputs: list[InputStats] = field(default_factory=list)
    served_deprecated: list[str] = field(default_factory=list)
    server_version: str | None = None
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def client(self, source: str, identity: Identity) -> Client:
        """The client of this identity (service account, user, node...): one per identity, whatever user
        agents it sent requests with (they are listed on it); its identity keeps the first agent."""
        key = (source, dataclasses.replace(identity, user_agent=None))
        found = self.clients.get(key)
        if found is None:
            found = self.clients[key] = Client(source, identity)
        agent = identity.user_agent
        if agent and agent not in found.user_agents and len(found.user_agents) < MAX_AGENTS:
            found.user_agents.append(agent)
        return found

    def sorted_clients(self) -> list[Client]:
        order = {AUDIT_LOG: 0, HELM_RELEASE: 1, MANAGED_FIELDS: 2, LAST_APPLIED: 3}
        return sorted(self.clients.values(), key=lambda c: (
            order.get(c.source, 9), c.identity.type, c.identity.namespace or "", c.identity.name,
            c.identity.user_agent or ""))
