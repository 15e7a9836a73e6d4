"""ObjectMeta (names, namespace, labels, annotations) and label selectors."""

from __future__ import annotations

from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import (
    FieldErrors,
    Path,
    absent,
    as_dict,
    as_list,
    as_str,
    go_map,
    go_selector,
)
from kcompat.core.selectors import expressions_match

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_GOOD_LABELS: set[str] = set()
_GOOD_VALUES: set[str] = set()
"""Label keys and values already found valid: a cache, as the same labels repeat across objects."""


def validate_labels(errors: FieldErrors, labels: Any, path: Path, at: Path | None = None) -> None:
    """apimachinery pkg/apis/meta/v1/validation ValidateLabels: IsQualifiedName keys, IsValidLabelValue values.

    The server reports every problem at the map's path (`metadata.labels`); the finding points
    at the offending key.
    """
    labels = as_dict(labels)
    if not labels:
        return
    where = at if at is not None else path
    for key, value in labels.items():
        if key in _GOOD_LABELS and isinstance(value, str) and value in _GOOD_VALUES:
            continue
        if not isinstance(key, str):
            continue
        key_errors = f.is_qualified_name(key)
        if key_errors:
            errors.invalid_each(path, key, key_errors, (*where, key))
        elif len(_GOOD_LABELS) < 4096:
            _GOOD_LABELS.add(key)
        if isinstance(value, str):
            value_errors = f.is_label_value(value)
            if value_errors:
                errors.invalid_each(path, value, value_errors, (*where, key))
            elif len(_GOOD_VALUES) < 4096:
                _GOOD_VALUES.add(value)


_ANNOTATIONS_LIMIT = 256 * 1024


def validate_annotations(errors: FieldErrors, annotations: Any, path: Path, at: Path | None = None) -> None:
    """apimachinery pkg/api/validation/objectmeta.go ValidateAnnotations: lower-cased keys are
    qualified names; keys plus values total at most 256 KiB (TotalAnnotationSizeLimitB)."""
    annotations = as_dict(annotations)
    if not annotations:
        return
    where = at if at is not None else path
    total = 0
    for key, value in annotations.items():
        if not isinstance(key, str):
            continue
        key_errors = f.is_qualified_name(key.lower())
        if key_errors:
            errors.invalid_each(path, key, key_errors, (*where, key))
        total += len(key.encode())
        if isinstance(value, str):
            total += len(value.encode())
    if total > _ANNOTATIONS_LIMIT:
        errors.too_long(path, _ANNOTATIONS_LIMIT, where)


def validate_object_meta(errors: FieldErrors, obj: dict[str, Any], name_check: f.NameCheck, namespaced: bool) -> None:
    """apimachinery pkg/api/validation/objectmeta.go ValidateObjectMetaAccessor."""
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        return  # resources.extract reports it (invalid-object)
    meta = meta or {}
    generate = meta.get("generateName")
    if isinstance(generate, str) and generate:
        errors.invalid_each(("metadata", "generateName"), generate, name_check(generate, True))
    name = meta.get("name")
    if name is None or name == "":
        if not (isinstance(generate, str) and generate):
            errors.required(("metadata", "name"), "name or generateName is required")
    elif isinstance(name, str):
        errors.invalid_each(("metadata", "name"), name, name_check(name, False))
    namespace = meta.get("namespace")
    if namespaced and isinstance(namespace, str) and namespace:
        errors.invalid_each(("metadata", "namespace"), namespace, f.is_dns1123_label(namespace))
    validate_labels(errors, meta.get("labels"), ("metadata", "labels"))
    validate_annotations(errors, meta.get("annotations"), ("metadata", "annotations"))


# -- label selectors ----------------------------------------------------------------------------


def validate_selector(errors: FieldErrors, selector: dict[str, Any], path: Path) -> bool:
    """apimachinery ValidateLabelSelector; returns whether the selector converts (can be matched)."""
    before = len(errors.items)
    if "matchLabels" in selector:
        validate_labels(errors, selector["matchLabels"], (*path, "matchLabels"))
    for index, expression in enumerate(as_list(selector.get("matchExpressions")) or ()):
        expression = as_dict(expression)
        if expression is None:
            continue
        at = (*path, "matchExpressions", index)
        operator = expression.get("operator")
        values = expression.get("values")
        if operator in ("In", "NotIn"):
            if absent(values):
                errors.required((*at, "values"), "must be specified when `operator` is 'In' or 'NotIn'")
        elif operator in ("Exists", "DoesNotExist"):
            if not absent(values):
                errors.forbidden((*at, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        elif isinstance(operator, str) or operator is None:
            errors.invalid((*at, "operator"), operator or "", "not a valid selector operator")
        key = as_str(expression.get("key"))
        if key is not None:
            errors.invalid_each((*at, "key"), key, f.is_qualified_name(key))
    return len(errors.items) == before


def selector_matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool | None:
    """labels.Selector.Matches for a LabelSelector; None when the selector cannot be evaluated."""
    match_labels = selector.get("matchLabels")
    if match_labels is not None:
        if not isinstance(match_labels, dict):
            return None
        for key, value in match_labels.items():
            if labels.get(key) != value:
                return False
    return expressions_match(selector.get("matchExpressions"), labels)


def selector_and_template(errors: FieldErrors, spec: dict[str, Any], required: bool, empty_message: str) -> None:
    """The selector of apps/v1 controllers: required, not empty, and matching the template labels
    (apps/validation ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateDaemonSetSpec,
    ValidateStatefulSetSpec; ValidatePodTemplateSpecForReplicaSet)."""
    selector = spec.get("selector")
    if selector is None:
        if required and empty_message.endswith("daemonset"):
            # ValidateDaemonSetSpec has no Required check: a nil selector selects nothing
            labels = as_dict((as_dict((as_dict(spec.get("template")) or {}).get("metadata")) or {}).get("labels"))
            errors.invalid(("spec", "template", "metadata", "labels"), go_map(labels),
                           "`selector` does not match template `labels`", ("spec",))
        elif required:
            errors.required(("spec", "selector"))
        return
    selector = as_dict(selector)
    if selector is None:
        return
    valid = validate_selector(errors, selector, ("spec", "selector"))
    if absent(selector.get("matchLabels")) and absent(selector.get("matchExpressions")):
        errors.invalid(("spec", "selector"), go_selector(selector),
                       empty_message)
        return
    template = as_dict(spec.get("template"))
    if not valid or template is None:
        return
    labels = as_dict((as_dict(template.get("metadata")) or {}).get("labels"))
    if selector_matches(selector, labels or {}) is False:
        at = ("spec", "template", "metadata", "labels") if labels is not None else ("spec", "template")
        errors.invalid(("spec", "template", "metadata", "labels"), go_map(labels),
                       "`selector` does not match template `labels`", at)
