"""Turn parsed documents into Kubernetes resources (expanding `kind: List`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kcompat.model import Finding, ObjectRef, Origin, Severity
from kcompat.sources.documents import Document
from kcompat.sources.positions import FieldPath


@dataclass(frozen=True)
class Resource:
    api_version: str
    kind: str
    obj: dict[str, Any]
    document: Document
    path: tuple[str | int, ...] = ()
    """Where the object sits inside its document: () at top level, ("items", 3) in a List."""

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


@dataclass
class Extraction:
    resources: list[Resource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_objects: int = 0
    """Documents that are not Kubernetes objects (no apiVersion/kind): values files, Chart.yaml."""


def _invalid(document: Document, path: FieldPath, message: str) -> Finding:
    return Finding("invalid-object", Severity.ERROR, message, document.origin_of(path))


def extract(documents: list[Document]) -> Extraction:
    result = Extraction()
    for document in documents:
        for item in _objects(document, document.data, (), None):
            if isinstance(item, Finding):
                result.findings.append(item)
            elif item is None:
                result.not_objects += 1
            else:
                result.resources.append(item)
    return result


def _objects(document: Document, data: Any, path: tuple[str | int, ...],
             list_type: tuple[str, str] | None) -> Iterator[Resource | Finding | None]:
    if not isinstance(data, dict):
        yield None
        return
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if list_type and api_version is None and kind is None:
        api_version, kind = list_type  # items of a typed list (DeploymentList) may omit them
    if api_version is None or kind is None:
        yield None
        return
    if not isinstance(api_version, str) or not api_version:
        yield _invalid(document, (*path, "apiVersion"),
                       f"apiVersion must be a non-empty string, not {_type_name(api_version)}")
        return
    if not isinstance(kind, str) or not kind:
        yield _invalid(document, (*path, "kind"), f"kind must be a non-empty string, not {_type_name(kind)}")
        return
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


def _type_name(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
