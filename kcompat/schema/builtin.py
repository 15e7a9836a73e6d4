"""Validators for built-in kinds, one Compiler per Kubernetes minor, built once per process."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from kcompat.catalog.schema_store import SchemaStore, StoreError, default_store
from kcompat.core.records import Record
from kcompat.schema.validator import Compiler, Entry, Problem, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final, TypeAlias

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"
"""Its OpenAPI says `format: date-time` like Time's, but Go decodes it with RFC3339Micro."""

Validate: TypeAlias = "Callable[[Any], list[Problem] | None]"


class VersionSchemas:
    """The compiled schemas of one minor; a kind's definitions are compiled on first use."""

    def __init__(self, store: SchemaStore, minor: int) -> None:
        self.store = store
        self.minor = minor
        self.compiler = Compiler(crd=False, resolve=self._definition)
        self._validators: dict[tuple[str, str], Entry | None] = {}

    def _definition(self, name: str) -> dict[str, Any] | None:
        schema = self.store.definition(self.minor, name)
        if name == MICRO_TIME and schema is not None and schema.get("format") == "date-time":
            return {**schema, "format": "date-time-micro"}
        return schema

    def has_kind(self, api_version: str, kind: str) -> bool:
        return self.store.kind_definition(self.minor, api_version, kind) is not None

    def entry(self, api_version: str, kind: str) -> Entry | None:
        key = (api_version, kind)
        if key in self._validators:
            return self._validators[key]
        name = self.store.kind_definition(self.minor, api_version, kind)
        entry = self.compiler.definition(name) if name is not None else None
        self._validators[key] = entry
        return entry

    def validate(self, api_version: str, kind: str, obj: Any) -> list[Problem] | None:
        """Problems of obj against the kind's schema; raises KeyError for an unknown kind."""
        entry = self.entry(api_version, kind)
        if entry is None:
            raise KeyError(f"{api_version}/{kind}")
        return run(entry, obj)

    def object_meta(self) -> Entry | None:
        if self.store.index(self.minor).definitions.get(OBJECT_META) is None:
            return None
        return self.compiler.definition(OBJECT_META)


@cache
def version_schemas(minor: int) -> VersionSchemas:
    return VersionSchemas(default_store(), minor)


class FieldHistory(Record):
    __slots__ = ("first_after", "last_before")

    def __init__(self, last_before: int | None, first_after: int | None) -> None:
        self.last_before: Final[int | None] = last_before
        """Newest minor older than the asked one whose schema of the kind has the field."""
        self.first_after: Final[int | None] = first_after
        """Oldest minor newer than the asked one whose schema of the kind has the field."""


def _defines(store: SchemaStore, minor: int, api_version: str, kind: str,
             path: tuple[str | int, ...]) -> bool:
    """Whether the kind's schema at minor declares the field at path (list indices as ints)."""
    name = store.kind_definition(minor, api_version, kind)
    if name is None:
        return False
    node: Any = store.definition(minor, name)
    declared = False
    for step in path:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 64:
            node = store.definition(minor, node["$ref"])
            seen += 1
        if not isinstance(node, dict):
            return False
        if isinstance(step, int):
            node, declared = node.get("items"), False
        elif step in node.get("properties", {}):
            node, declared = node["properties"][step], True
        elif isinstance(node.get("additionalProperties"), dict):
            node, declared = node["additionalProperties"], False
        else:
            return False
        if node is None:
            return False
    return declared


@cache
def field_history(minor: int, api_version: str, kind: str, path: tuple[str | int, ...]) -> FieldHistory:
    """When a field unknown at minor existed in other minors (path with list indices as 0)."""
    store = default_store()
    try:
        minors = store.minors
        before = next((m for m in sorted(minors, reverse=True)
                       if m < minor and _defines(store, m, api_version, kind, path)), None)
        after = next((m for m in sorted(minors)
                      if m > minor and _defines(store, m, api_version, kind, path)), None)
    except StoreError:
        return FieldHistory(None, None)
    return FieldHistory(before, after)
