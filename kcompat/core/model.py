"""The plain values that flow between stages: origins, resources, findings."""

from __future__ import annotations

from enum import IntEnum

from kcompat.core.records import Record
from kcompat.core.versions import Hop

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final


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


class Origin(Record):
    """Where something came from. Lines and columns are 1-based; document is 0-based."""

    __slots__ = ("column", "document", "line", "path", "template")

    def __init__(self, path: str, document: int | None = None, line: int | None = None, column: int | None = None,
                 template: str | None = None) -> None:
        self.path: Final[str] = path
        self.document: Final[int | None] = document
        self.line: Final[int | None] = line
        self.column: Final[int | None] = column
        self.template: Final[str | None] = template

    def at(self, line: int | None, column: int | None) -> Origin:
        return Origin(self.path, self.document, line, column, self.template)

    def location(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class ObjectRef(Record):
    """The Kubernetes identity of the object a finding concerns."""

    __slots__ = ("api_version", "kind", "name", "namespace")

    def __init__(self, api_version: str, kind: str, name: str | None = None, namespace: str | None = None) -> None:
        self.api_version: Final[str] = api_version
        self.kind: Final[str] = kind
        self.name: Final[str | None] = name
        self.namespace: Final[str | None] = namespace

    def describe(self) -> str:
        text = f"{self.api_version} {self.kind}"
        if self.name:
            text += f' "{self.name}"'
        return text


class Finding(Record):
    __slots__ = ("details", "hop", "message", "obj", "origin", "replacement", "rule", "severity", "suppressed")

    def __init__(self, rule: str, severity: Severity, message: str, origin: Origin, obj: ObjectRef | None = None,
                 replacement: str | None = None, hop: Hop | None = None, details: dict[str, Any] | None = None,
                 suppressed: bool = False) -> None:
        self.rule: Final[str] = rule
        self.severity: Final[Severity] = severity
        self.message: Final[str] = message
        self.origin: Final[Origin] = origin
        self.obj: Final[ObjectRef | None] = obj
        self.replacement: Final[str | None] = replacement
        self.hop: Final[Hop | None] = hop
        """The upgrade hop at which the finding starts to apply (with a current version)."""
        self.details: Final[dict[str, Any]] = details if details is not None else {}
        self.suppressed: Final[bool] = suppressed

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (
            self.origin.path,
            self.origin.document if self.origin.document is not None else -1,
            self.origin.line or 0,
            self.origin.column or 0,
            self.rule,
        )
