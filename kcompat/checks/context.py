"""What every check needs to know about the run."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from kcompat.catalog.lifecycle import Catalog
from kcompat.core.versions import KubeVersion

if TYPE_CHECKING:
    from kcompat.schema.settings import SchemaSettings


class CheckContext(NamedTuple):
    catalog: Catalog
    target: KubeVersion
    current: KubeVersion | None = None
    schema: SchemaSettings | None = None
    """Schema validation (rules schema, unknown-field, crd-*, ...); None turns it off."""
    list_documents: bool = True
    """Record every document's start and objects in CheckResult.checked_documents (JUnit lists them);
    `kcompat check` turns it off for other formats, so a large run does not hold one entry per document."""
