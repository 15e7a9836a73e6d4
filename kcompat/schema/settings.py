"""How schema validation is configured for one run (part of CheckContext)."""

from __future__ import annotations

from kcompat.core.versions import KubeVersion

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from kcompat.schema.crds import Crd, CrdRegistry


class SchemaSettings:
    """Immutable once made; compared and hashed by identity (its CRD registry is not hashable).
    A plain class: a dataclass costs start-up half a millisecond to define (BENCHMARKS.md)."""

    __slots__ = ("crds", "require_schemas", "strict", "version")

    def __init__(self, version: KubeVersion, strict: bool = False, require_schemas: bool = False,
                 crds: CrdRegistry | None = None) -> None:
        self.version: Final = version
        """The Kubernetes version whose schemas are used (--schema-version, default the target)."""
        self.strict: Final = strict
        """--strict: unknown fields and duplicate keys are errors (kubectl --validate=strict)."""
        self.require_schemas: Final = require_schemas
        """--require-schemas: a custom resource without a known CRD is an error, not info."""
        self.crds: Final = crds
        """CRDs from the inputs and --crd paths, collected before any resource is checked."""

    def with_crds(self, crds: CrdRegistry) -> SchemaSettings:
        return SchemaSettings(self.version, self.strict, self.require_schemas, crds)

    def __repr__(self) -> str:
        return (f"SchemaSettings(version={self.version!r}, strict={self.strict!r}, "
                f"require_schemas={self.require_schemas!r}, crds={self.crds!r})")

    def known_crds(self) -> list[Crd]:
        return self.crds.all() if self.crds is not None else []
