"""The plain values that flow between stages: origins, resources, findings."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, NamedTuple

from kcompat.core.versions import Hop


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


class Origin(NamedTuple):
    """Where something came from. Lines and columns are 1-based; document is 0-based."""

    path: str
    document: int | None = None
    line: int | None = None
    column: int | None = None
    template: str | None = None

    def at(self, line: int | None, column: int | None) -> Origin:
        return Origin(self.path, self.document, line, column, self.template)

    def location(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class ObjectRef(NamedTuple):
    """The Kubernetes identity of the object a finding concerns."""

    api_version: str
    kind: str
    name: str | None = None
    namespace: str | None = None

    def describe(self) -> str:
        text = f"{self.api_version} {self.kind}"
        if self.name:
            text += f' "{self.name}"'
        return text


class Finding(NamedTuple):
    rule: str
    severity: Severity
    message: str
    origin: Origin
    obj: ObjectRef | None = None
    replacement: str | None = None
    hop: Hop | None = None
    """The upgrade hop at which the finding starts to apply (with a current version)."""
    details: dict[str, Any] = {}  # noqa: RUF012 - never mutated: a changed finding is a new one (_replace)
    suppressed: bool = False

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (
            self.origin.path,
            self.origin.document if self.origin.document is not None else -1,
            self.origin.line or 0,
            self.origin.column or 0,
            self.rule,
        )
