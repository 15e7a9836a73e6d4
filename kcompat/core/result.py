"""What a check run produces: findings and counts, as plain values every report format reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from kcompat.core.errors import InputError
from kcompat.core.model import Finding, ObjectRef, Origin
from kcompat.core.versions import KubeVersion


@dataclass
class CheckResult:
    target: KubeVersion
    current: KubeVersion | None = None
    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    objects: int = 0
    custom_resources: int = 0
    not_objects: int = 0
    config_files: int = 0
    """Files holding tool configuration (kubeadm, kubelet, Kustomize, kind...), not API objects."""
    checked_files: list[str] = field(default_factory=list)
    """Every input that was read, in input order (for reports that list passes, e.g. JUnit)."""
    checked_documents: list[tuple[Origin, tuple[ObjectRef, ...]]] = field(default_factory=list)
    """Every parsed document (its start) with the objects in it, in input order."""
    lifecycle_at: dict[KubeVersion, list[Finding]] = field(default_factory=dict)
    """With a plan request: the API-lifecycle findings each version from current to target would give
    (each version checked as the target of the hop that reaches it), from the same single pass."""
