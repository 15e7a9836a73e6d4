"""What every check needs to know about the run."""

from __future__ import annotations

from kcompat.catalog.lifecycle import Catalog
from kcompat.core.records import Record
from kcompat.core.versions import KubeVersion

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from kcompat.schema.settings import SchemaSettings


class CheckContext(Record):
    __slots__ = ("catalog", "current", "list_documents", "schema", "target")

    def __init__(self, catalog: Catalog, target: KubeVersion, current: KubeVersion | None = None,
                 schema: SchemaSettings | None = None, list_documents: bool = True) -> None:
        self.catalog: Final[Catalog] = catalog
        self.target: Final[KubeVersion] = target
        self.current: Final[KubeVersion | None] = current
        self.schema: Final[SchemaSettings | None] = schema
        """Schema validation (rules schema, unknown-field, crd-*, ...); None turns it off."""
        self.list_documents: Final[bool] = list_documents
        """Record every document's start and objects in CheckResult.checked_documents (JUnit lists them);
        `kcompat check` turns it off for other formats, so a large run does not hold one entry per document."""

