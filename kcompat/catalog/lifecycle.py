"""The API lifecycle of every built-in Kubernetes group/version/kind (from schemas/catalog.json)."""

from __future__ import annotations

import json
import os
from functools import cache

from kcompat.catalog.store import schemas_dir
from kcompat.core.records import Record
from kcompat.core.versions import KubeVersion

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

# Kinds that clients read, never the API server: valid in manifests, no lifecycle to check.
CLIENT_SIDE_KINDS = frozenset({("v1", "Config"), ("v1", "List")})


def _minors(ranges: list[list[int]]) -> frozenset[int]:
    return frozenset(m for first, last in ranges for m in range(first, last + 1))


class ApiLifecycle(Record):
    __slots__ = ("deprecated_in", "group", "interim_replacements", "introduced", "kind", "migration", "notes",
                 "off_by_default", "planned_removal_in", "removed_in", "replacement", "replacement_kind",
                 "schema_removed_in", "schema_served", "served", "source", "stability", "version",
                 "why_removed_differs")

    def __init__(self, group: str, version: str, kind: str, stability: str, served: frozenset[int],
                 schema_served: frozenset[int], introduced: int, deprecated_in: int | None, removed_in: int | None,
                 schema_removed_in: int | None, replacement: str | None, replacement_kind: str | None,
                 interim_replacements: tuple[str, ...], migration: tuple[str, ...], notes: tuple[str, ...],
                 off_by_default: bool, why_removed_differs: str | None, source: tuple[tuple[str, str], ...] = (),
                 planned_removal_in: int | None = None) -> None:
        self.group: Final[str] = group
        self.version: Final[str] = version
        self.kind: Final[str] = kind
        self.stability: Final[str] = stability
        self.served: Final[frozenset[int]] = served
        self.schema_served: Final[frozenset[int]] = schema_served
        self.introduced: Final[int] = introduced
        self.deprecated_in: Final[int | None] = deprecated_in
        self.removed_in: Final[int | None] = removed_in
        self.schema_removed_in: Final[int | None] = schema_removed_in
        self.replacement: Final[str | None] = replacement
        self.replacement_kind: Final[str | None] = replacement_kind
        self.interim_replacements: Final[tuple[str, ...]] = interim_replacements
        self.migration: Final[tuple[str, ...]] = migration
        self.notes: Final[tuple[str, ...]] = notes
        self.off_by_default: Final[bool] = off_by_default
        self.why_removed_differs: Final[str | None] = why_removed_differs
        # where each lifecycle fact came from: "tag" (upstream's +k8s:prerelease-lifecycle-gen tag),
        # "upstream-default" (upstream's generator derived it), "tag-chain", "curated", "schemas",
        # "default" (kcompat applied introduced + 3); sorted (fact, source) pairs
        self.source: Final[tuple[tuple[str, str], ...]] = source
        # upstream's removal release for an API the newest bundled minor still serves
        self.planned_removal_in: Final[int | None] = planned_removal_in

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def served_in(self, version: KubeVersion) -> bool:
        return version.major == 1 and version.minor in self.served

    def deprecated_at(self, version: KubeVersion) -> bool:
        return self.deprecated_in is not None and version.minor >= self.deprecated_in

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ApiLifecycle:
        return cls(
            group=raw["group"], version=raw["version"], kind=raw["kind"],
            stability=raw["stability"],
            served=_minors(raw["served"]), schema_served=_minors(raw["schema_served"]),
            introduced=raw["introduced"], deprecated_in=raw["deprecated_in"],
            removed_in=raw["removed_in"], schema_removed_in=raw["schema_removed_in"],
            replacement=raw["replacement"], replacement_kind=raw.get("replacement_kind"),
            interim_replacements=tuple(raw["interim_replacements"]),
            migration=tuple(raw["migration"]), notes=tuple(raw["notes"]),
            off_by_default=raw["off_by_default"],
            why_removed_differs=raw.get("why_removed_differs"),
            source=tuple(sorted(raw.get("source", {}).items())),
            planned_removal_in=raw.get("planned_removal_in"),
        )


def minor_text(minor: int | None) -> str:
    return f"1.{minor}" if minor is not None else "-"


APIS_LINE = '"apis": {'
"""catalog.json's layout (kcompat.catalog.build.catalog_text): a first line with everything but the
APIs, this line, then one line per API, `"group/version/Kind": {...}`, and a closing line."""


class Catalog:
    def __init__(self, raw: dict[str, Any]) -> None:
        self._init(raw["minors"], raw["apis"])

    @classmethod
    def from_text(cls, text: str) -> Catalog:
        """The catalog of catalog.json's text: when the file has the build's layout, an API's record
        is parsed only when it is looked up (a one-file check reads two of about 200)."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[1] != APIS_LINE or not lines[0].endswith(","):
            return cls(json.loads(text))
        catalog = cls.__new__(cls)
        head = json.loads(lines[0][:-1] + "}")
        records: dict[str, str | dict[str, Any]] = {}
        for line in lines[2:]:
            if line.startswith('"'):
                key, _, record = line.partition('": ')
                records[key[1:]] = record.rstrip(",")
        catalog._init(head["minors"], records)
        return catalog

    def _init(self, minors: list[int], records: dict[str, str | dict[str, Any]]) -> None:
        """records: "group/version/Kind" -> the API's JSON object, parsed or as its text."""
        self.minors: tuple[int, ...] = tuple(minors)
        self._raw: dict[tuple[str, str], str | dict[str, Any]] = {}
        self._records: dict[tuple[str, str], ApiLifecycle] = {}
        self._all: dict[tuple[str, str], ApiLifecycle] | None = None
        self._kinds_by_group_version: dict[str, set[str]] = {}
        groups = set()
        for key, record in records.items():
            api_version, _, kind = key.rpartition("/")
            self._raw[(api_version, kind)] = record
            self._kinds_by_group_version.setdefault(api_version, set()).add(kind)
            groups.add(api_version.rpartition("/")[0])
        self.groups = frozenset(groups)

    @property
    def apis(self) -> dict[tuple[str, str], ApiLifecycle]:
        """Every API's record (built on first use: a check of a few objects reads only their own)."""
        if self._all is None:
            self._all = {key: self._record(key, raw) for key, raw in self._raw.items()}  # catalog order
        return self._all

    def _record(self, key: tuple[str, str], raw: str | dict[str, Any]) -> ApiLifecycle:
        api = self._records.get(key)
        if api is None:
            api = self._records[key] = ApiLifecycle.from_json(json.loads(raw) if isinstance(raw, str) else raw)
        return api

    @property
    def versions(self) -> list[KubeVersion]:
        return [KubeVersion.of_minor(m) for m in self.minors]

    @property
    def newest(self) -> KubeVersion:
        return KubeVersion.of_minor(max(self.minors))

    def bundles(self, version: KubeVersion) -> bool:
        return version.major == 1 and version.minor in self.minors

    def lookup(self, api_version: str, kind: str) -> ApiLifecycle | None:
        key = (api_version, kind)
        raw = self._raw.get(key)
        return self._record(key, raw) if raw is not None else None

    def is_builtin_group(self, group: str) -> bool:
        return group in self.groups

    def kinds_of(self, api_version: str) -> set[str]:
        return self._kinds_by_group_version.get(api_version, set())

    def versions_of_kind(self, group: str, kind: str) -> list[ApiLifecycle]:
        return sorted((api for api in self.apis.values() if api.group == group and api.kind == kind),
                      key=lambda api: api.introduced)

    def suggest_kind(self, api_version: str, kind: str) -> str | None:
        group = api_version.rpartition("/")[0]
        candidates = self.kinds_of(api_version) or {
            api.kind for api in self.apis.values() if api.group == group}
        import difflib  # only for an unknown kind

        matches = difflib.get_close_matches(kind, sorted(candidates), n=1, cutoff=0.75)
        if not matches:
            lowered = {c.lower(): c for c in candidates}
            return lowered.get(kind.lower())
        return matches[0]

    def replacement_at(self, api: ApiLifecycle, target: KubeVersion) -> str | None:
        """The replacement to suggest at target: the final one once it is served, else an interim."""
        kind = api.replacement_kind or api.kind
        for candidate in (api.replacement, *api.interim_replacements):
            replacement = self.lookup(candidate, kind) if candidate else None
            if replacement is not None and replacement.served_in(target):
                return candidate
        return api.replacement


@cache
def load_catalog() -> Catalog:
    with open(os.path.join(schemas_dir(), "catalog.json"), encoding="utf-8") as handle:
        return Catalog.from_text(handle.read())
