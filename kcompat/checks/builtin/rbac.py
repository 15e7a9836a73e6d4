"""RBAC bindings (names of all RBAC objects are checked with ObjectMeta)."""

from __future__ import annotations

from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import (
    FieldErrors,
    Path,
    absent,
    as_dict,
    as_list,
)
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_RBAC_GROUP = "rbac.authorization.k8s.io"


def check_role_binding(errors: FieldErrors, resource: Resource) -> None:
    """rbac/validation ValidateRoleBinding / ValidateClusterRoleBinding and
    ValidateRoleBindingSubject (after defaulting: User and Group subjects get the RBAC apiGroup)."""
    obj = resource.obj
    ref = as_dict(obj.get("roleRef"))
    if ref is not None:
        group = ref.get("apiGroup", "")
        if isinstance(group, str) and group != _RBAC_GROUP:
            errors.unsupported(("roleRef", "apiGroup"), group, (_RBAC_GROUP,), ("roleRef",) if not group else None)
        kind = ref.get("kind", "")
        allowed = ("Role", "ClusterRole") if resource.kind == "RoleBinding" else ("ClusterRole",)
        if isinstance(kind, str) and kind not in allowed:
            errors.unsupported(("roleRef", "kind"), kind, allowed, ("roleRef",) if not kind else None)
        name = ref.get("name")
        if name is None or name == "":
            errors.required(("roleRef", "name"))
        elif isinstance(name, str):
            errors.invalid_each(("roleRef", "name"), name, f.is_path_segment_name(name))
    for index, subject in enumerate(as_list(obj.get("subjects")) or ()):
        subject = as_dict(subject)
        if subject is not None:
            _subject(errors, subject, ("subjects", index), resource.kind == "RoleBinding")


def _subject(errors: FieldErrors, subject: dict[str, Any], path: Path, namespaced: bool) -> None:
    name = subject.get("name")
    if name is None or name == "":
        errors.required((*path, "name"))
    kind = subject.get("kind")
    group = subject.get("apiGroup")
    if kind == "ServiceAccount":
        if isinstance(name, str) and name:
            errors.invalid_each((*path, "name"), name, f.is_dns1123_subdomain(name))
        if isinstance(group, str) and group:
            errors.unsupported((*path, "apiGroup"), group, ("",))
        if not namespaced and absent(subject.get("namespace")):
            errors.required((*path, "namespace"))
    elif kind in ("User", "Group"):
        if isinstance(group, str) and group and group != _RBAC_GROUP:
            errors.unsupported((*path, "apiGroup"), group, (_RBAC_GROUP,))
    elif isinstance(kind, str) or kind is None:
        errors.unsupported((*path, "kind"), kind or "", ("ServiceAccount", "User", "Group"))
