"""How schema validation is configured for one run (part of CheckContext)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kcompat.core.versions import KubeVersion

if TYPE_CHECKING:
    from kcompat.schema.crds import Crd, CrdRegistry


@dataclass(frozen=True, eq=False)
class SchemaSettings:
    version: KubeVersion
    """The Kubernetes version whose schemas are used (--schema-version, default the target)."""
    strict: bool = False
    """--strict: unknown fields and duplicate keys are errors (kubectl --validate=strict)."""
    require_schemas: bool = False
    """--require-schemas: a custom resource without a known CRD is an error, not info."""
    crds: CrdRegistry | None = None
    """CRDs from the inputs and --crd paths, collected before any resource is checked."""

    def known_crds(self) -> list[Crd]:
        return self.crds.all() if self.crds is not None else []
