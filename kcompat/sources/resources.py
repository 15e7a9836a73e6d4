"""Turn parsed documents into Kubernetes resources (expanding `kind: List`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.core.records import Record
from kcompat.sources.documents import Document
from kcompat.sources.positions import FieldPath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final


class Resource(Record):
    __slots__ = ("api_version", "document", "filled", "kind", "obj", "partial", "path")

    def __init__(self, api_version: str, kind: str, obj: dict[str, Any], document: Document,
                 path: tuple[str | int, ...] = (), partial: bool = False, filled: frozenset[str] = frozenset()) -> None:
        self.api_version: Final[str] = api_version
        self.kind: Final[str] = kind
        self.obj: Final[dict[str, Any]] = obj
        self.document: Final[Document] = document
        self.path: Final[tuple[str | int, ...]] = path
        """Where the object sits inside its document: () at top level, ("items", 3) in a List."""
        self.partial: Final[bool] = partial
        """A patch (a kustomization's strategic-merge patch): only the fields it sets are there, so
        types, unknown fields and API lifecycle are checked, required fields are not."""
        self.filled: Final[frozenset[str]] = filled
        """Fields Kustomize fills in the build (sources.discover.FILLED: `spec.selector`,
        `subjects[].namespace`, ...): missing here is not missing there."""

    def fills(self, field: str) -> bool:
        """Whether field (`subjects[0].namespace`, `spec.selector.matchLabels`) is one Kustomize fills."""
        if not self.filled:
            return False
        general = _INDEX.sub("[]", field)
        return any(general == f or general.startswith(f + ".") or general.startswith(f + "[")
                   for f in self.filled)

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]

    @property
    def name(self) -> str | None:
        value = _metadata(self.obj).get("name")
        return value if isinstance(value, str) else None

    @property
    def namespace(self) -> str | None:
        value = _metadata(self.obj).get("namespace")
        return value if isinstance(value, str) else None

    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.name, self.namespace)

    def origin_of(self, field_path: FieldPath = ()) -> Origin:
        return self.document.origin_of((*self.path, *field_path))


def dig(data: Any, *path: str | int) -> Any:
    """The value at path inside parsed YAML, or None where a step is missing or of the wrong type."""
    for step in path:
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and 0 <= step < len(data) else None
        else:
            data = data.get(step) if isinstance(data, dict) else None
    return data


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


class Extraction:
    __slots__ = ("findings", "not_objects", "resources")

    def __init__(self) -> None:
        self.resources: list[Resource] = []
        self.findings: list[Finding] = []
        self.not_objects = 0
        """Documents that are not Kubernetes objects (no apiVersion/kind): values files, Chart.yaml."""


def _invalid(document: Document, path: FieldPath, message: str) -> Finding:
    return Finding("invalid-object", Severity.ERROR, message, document.origin_of(path))


_INDEX = re.compile(r"\[\d+\]")


def extract(documents: list[Document], partial: bool = False,
            filled: frozenset[str] = frozenset()) -> Extraction:
    result = Extraction()
    for document in documents:
        for item in _objects(document, document.data, (), None):
            if isinstance(item, Finding):
                result.findings.append(item)
            elif item is None:
                result.not_objects += 1
            else:
                if partial or filled:
                    item = item._replace(partial=partial, filled=filled)
                result.resources.append(item)
    return result


def _objects(document: Document, data: Any, path: tuple[str | int, ...],
             list_type: tuple[str, str] | None) -> Iterator[Resource | Finding | None]:
    if not isinstance(data, dict):
        yield None
        return
    if list_type and "apiVersion" not in data and "kind" not in data:
        api_version, kind = list_type  # items of a typed list (DeploymentList) may omit them
    elif "apiVersion" not in data and "kind" not in data:
        yield None  # a values file or the like: not a Kubernetes object
        return
    else:
        problem = _half_written(data)
        if problem is not None:
            yield None if problem is _NOT_AN_OBJECT else _invalid(document, (*path, *problem[0]), problem[1])
            return
        api_version, kind = data["apiVersion"], data["kind"]
    items = data.get("items")
    if kind.endswith("List") and isinstance(items, list):
        item_type = (api_version, kind[: -len("List")]) if kind != "List" else None
        for index, item in enumerate(items):
            yield from _objects(document, item, (*path, "items", index), item_type)
        return
    if "metadata" in data and not isinstance(data["metadata"], dict) and data["metadata"] is not None:
        yield _invalid(document, (*path, "metadata"),
                       f"metadata must be a mapping, not {_type_name(data['metadata'])}")
    yield Resource(api_version, kind, data, document.for_item(path) if document.item_ignores else document, path)


_NOT_AN_OBJECT: tuple[tuple[str, ...], str] = ((), "")


def _half_written(data: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
    """Where and why an object naming apiVersion or kind is not whole; None if it is whole.

    A key that is present must hold a non-empty string: `kind:` alone, `kind: null` or
    `apiVersion: 1` is a half-written object, which kubectl refuses. When one key is a string
    and the other is absent, the document is taken as an object only if it also has `metadata`
    (`kind: Deployment` + `metadata` + `spec`); otherwise it is _NOT_AN_OBJECT, as Chart.yaml
    (`apiVersion: v2`, no kind) and values files that pick a controller (`kind: DaemonSet`).
    """
    problems: list[str] = []
    where: tuple[str, ...] | None = None
    for key in ("apiVersion", "kind"):
        if key not in data:
            problems.append(f"{key} is missing")
            continue
        value = data[key]
        if not isinstance(value, str) or not value:
            shown = "an empty string" if value == "" else _type_name(value)
            problems.append(f"{key} must be a non-empty string, not {shown}")
            where = where or (key,)
    if not problems:
        return None
    if where is None and not isinstance(data.get("metadata"), dict):
        return _NOT_AN_OBJECT
    return where or (), "; ".join(problems)


def _type_name(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
