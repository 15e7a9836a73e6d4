"""What a command asks the engine for: typed, built by commands/ from argparse, never argparse itself."""

from __future__ import annotations

from kcompat.core.records import Record
from kcompat.core.versions import KubeVersion
from kcompat.sources.helm_request import HelmRequest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

__all__ = ["CheckRequest", "HelmRequest", "SchemaRequest"]


class SchemaRequest(Record):
    """Schema validation of a run (docs/schema-validation.md)."""

    __slots__ = ("crd_paths", "require_schemas", "strict", "version")

    def __init__(self, version: KubeVersion | None = None, strict: bool = False, require_schemas: bool = False,
                 crd_paths: tuple[str, ...] = ()) -> None:
        self.version: Final[KubeVersion | None] = version
        """--schema-version; None: the target version."""
        self.strict: Final[bool] = strict
        self.require_schemas: Final[bool] = require_schemas
        self.crd_paths: Final[tuple[str, ...]] = crd_paths
        """--crd files and folders, read for their CRDs only."""


DEFAULT_SCHEMA = SchemaRequest()
"""Schema validation with the defaults (what `kcompat check` does without schema options)."""


class CheckRequest(Record):
    __slots__ = (
        "allow_remote",
        "chart_dir",
        "current",
        "exclude",
        "helm",
        "helm_releases",
        "ignore",
        "jobs",
        "keep_files",
        "keep_resources",
        "kustomize",
        "lifecycle_hops",
        "list_documents",
        "paths",
        "render",
        "rollout",
        "schema",
        "target",
    )

    def __init__(self, paths: tuple[str, ...], target: KubeVersion, current: KubeVersion | None = None,
                 exclude: tuple[str, ...] = (), ignore: frozenset[str] = frozenset(),
                 schema: SchemaRequest | None = DEFAULT_SCHEMA, jobs: int = 1, helm: tuple[HelmRequest, ...] = (),
                 kustomize: tuple[str, ...] = (), helm_releases: tuple[str, ...] = (), render: bool = False,
                 allow_remote: bool = False, chart_dir: str | None = None, rollout: bool = False,
                 lifecycle_hops: bool = False, list_documents: bool = True, keep_resources: bool = False,
                 keep_files: bool = False) -> None:
        self.paths: Final[tuple[str, ...]] = paths
        self.target: Final[KubeVersion] = target
        self.current: Final[KubeVersion | None] = current
        self.exclude: Final[tuple[str, ...]] = exclude
        self.ignore: Final[frozenset[str]] = ignore
        """Rule ids suppressed everywhere (validated against the registry by the command)."""
        self.schema: Final[SchemaRequest | None] = schema
        """None: no schema validation (--skip-schema)."""
        self.jobs: Final[int] = jobs
        self.helm: Final[tuple[HelmRequest, ...]] = helm
        self.kustomize: Final[tuple[str, ...]] = kustomize
        self.helm_releases: Final[tuple[str, ...]] = helm_releases
        self.render: Final[bool] = render
        """Build the Kustomize overlays found in the PATHs and check them too (`--render`)."""
        self.allow_remote: Final[bool] = allow_remote
        """Let --kustomize overlays fetch remote bases and resources (refused by default: a CI gate stays offline)."""
        self.chart_dir: Final[str | None] = chart_dir
        """The chart that produced `helm template` output given as PATH (findings name template lines)."""
        self.rollout: Final[bool] = rollout
        """Only the whole-input rollout-risk check (`check --rollout`)."""
        self.lifecycle_hops: Final[bool] = lifecycle_hops
        """Also record the lifecycle findings of every version from current to target (for plan)."""
        self.list_documents: Final[bool] = list_documents
        """Fill CheckResult.checked_documents (see CheckContext.list_documents)."""
        self.keep_resources: Final[bool] = keep_resources
        """Return the resources too (graph, plan, report); runs in this process."""
        self.keep_files: Final[bool] = keep_files
        """Keep every file as checked (run.run_files, for `kcompat fix`): its bytes as read with their stat,
        its text, documents, and each object with its findings. The files of Helm charts are inputs too
        (templates kept as text, never parsed), not rendered; runs in this process."""

    @property
    def generated(self) -> bool:
        return bool(self.helm or self.kustomize or self.helm_releases or self.chart_dir)
