"""What a command asks the engine for: typed, built by commands/ from argparse, never argparse itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from kcompat.core.versions import KubeVersion
from kcompat.sources.helm_request import HelmRequest

__all__ = ["CheckRequest", "HelmRequest", "SchemaRequest"]


@dataclass(frozen=True)
class SchemaRequest:
    """Schema validation of a run (docs/schema-validation.md)."""

    version: KubeVersion | None = None
    """--schema-version; None: the target version."""
    strict: bool = False
    require_schemas: bool = False
    crd_paths: tuple[str, ...] = ()
    """--crd files and folders, read for their CRDs only."""


@dataclass(frozen=True)
class CheckRequest:
    paths: tuple[str, ...]
    target: KubeVersion
    current: KubeVersion | None = None
    exclude: tuple[str, ...] = ()
    ignore: frozenset[str] = frozenset()
    """Rule ids suppressed everywhere (validated against the registry by the command)."""
    schema: SchemaRequest | None = field(default_factory=SchemaRequest)
    """None: no schema validation (--skip-schema)."""
    jobs: int = 1
    helm: tuple[HelmRequest, ...] = ()
    kustomize: tuple[str, ...] = ()
    helm_releases: tuple[str, ...] = ()
    render: bool = False
    """Build the Kustomize overlays found in the PATHs and check them too (`--render`)."""
    allow_remote: bool = False
    """Let --kustomize overlays fetch remote bases and resources (refused by default: a CI gate stays offline)."""
    chart_dir: str | None = None
    """The chart that produced `helm template` output given as PATH (findings name template lines)."""
    rollout: bool = False
    """Only the whole-input rollout-risk check (`check --rollout`)."""
    lifecycle_hops: bool = False
    """Also record the lifecycle findings of every version from current to target (for plan)."""
    list_documents: bool = True
    """Fill CheckResult.checked_documents (see CheckContext.list_documents)."""
    keep_resources: bool = False
    """Return the resources too (graph, plan, report); runs in this process."""
    keep_files: bool = False
    """Keep every file as checked (run.run_files, for `kcompat fix`): its bytes as read with their stat,
    its text, documents, and each object with its findings. The files of Helm charts are inputs too
    (templates kept as text, never parsed), not rendered; runs in this process."""

    @property
    def generated(self) -> bool:
        return bool(self.helm or self.kustomize or self.helm_releases or self.chart_dir)
