"""What a check run produces: findings and counts, as plain values every report format reads."""

from __future__ import annotations

from kcompat.core.errors import InputError
from kcompat.core.model import Finding, ObjectRef, Origin
from kcompat.core.versions import KubeVersion


class CheckResult:
    """A plain class, not a dataclass: defining a dataclass costs the one-file check about half a
    millisecond at start-up (BENCHMARKS.md); FIELDS lists what a worker sends back."""

    FIELDS = ("findings", "input_errors", "files", "documents", "objects", "custom_resources", "not_objects",
              "config_files", "checked_files", "checked_documents", "lifecycle_at")
    __slots__ = ("target", "current", *FIELDS)

    def __init__(self, target: KubeVersion, current: KubeVersion | None = None,
                 findings: list[Finding] | None = None, input_errors: list[InputError] | None = None,
                 files: int = 0, documents: int = 0, objects: int = 0, custom_resources: int = 0,
                 not_objects: int = 0, config_files: int = 0, checked_files: list[str] | None = None,
                 checked_documents: list[tuple[Origin, tuple[ObjectRef, ...]]] | None = None,
                 lifecycle_at: dict[KubeVersion, list[Finding]] | None = None) -> None:
        self.target = target
        self.current = current
        self.findings: list[Finding] = findings if findings is not None else []
        self.input_errors: list[InputError] = input_errors if input_errors is not None else []
        self.files = files
        self.documents = documents
        self.objects = objects
        self.custom_resources = custom_resources
        self.not_objects = not_objects
        self.config_files = config_files
        """Files holding tool configuration (kubeadm, kubelet, Kustomize, kind...), not API objects."""
        self.checked_files: list[str] = checked_files if checked_files is not None else []
        """Every input that was read, in input order (for reports that list passes, e.g. JUnit)."""
        self.checked_documents: list[tuple[Origin, tuple[ObjectRef, ...]]] = (
            checked_documents if checked_documents is not None else [])
        """Every parsed document (its start) with the objects in it, in input order."""
        self.lifecycle_at: dict[KubeVersion, list[Finding]] = lifecycle_at if lifecycle_at is not None else {}
        """With a plan request: the API-lifecycle findings each version from current to target would give
        (each version checked as the target of the hop that reaches it), from the same single pass."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"CheckResult({fields})"
