"""HorizontalPodAutoscaler and PodDisruptionBudget."""

from __future__ import annotations

from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import (
    FieldErrors,
    Path,
    Raw,
    absent,
    as_dict,
    as_int,
    int_or_string,
)
from kcompat.checks.builtin.meta import (
    validate_selector,
)
from kcompat.core.patterns import LazyPattern
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def check_hpa(errors: FieldErrors, resource: Resource) -> None:
    """autoscaling/validation validateHorizontalPodAutoscalerSpec (HPAScaleToZero off: minReplicas >= 1)."""
    spec = as_dict(resource.obj.get("spec")) or {}
    low = as_int(spec.get("minReplicas")) if spec.get("minReplicas") is not None else 1  # defaulted to 1
    high = as_int(spec.get("maxReplicas"))
    if low is not None and low < 1:
        errors.invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1")
    if high is not None and high < 1:
        errors.invalid(("spec", "maxReplicas"), high, "must be greater than 0")
    if low is not None and high is not None and high < low:
        errors.invalid(("spec", "maxReplicas"), high, "must be greater than or equal to `minReplicas`")
    target = as_dict(spec.get("scaleTargetRef"))
    if target is not None:
        for key in ("kind", "name"):
            if absent(target.get(key)):
                errors.required(("spec", "scaleTargetRef", key))


_PERCENT = LazyPattern(r"^[0-9]+%$")


def _int_or_percent(errors: FieldErrors, value: Any, path: Path) -> None:
    """extensions/validation ValidatePositiveIntOrPercent and IsNotMoreThan100Percent."""
    number = as_int(value)
    if number is not None and number < 0:
        errors.invalid(path, number, "must be greater than or equal to 0")
    elif isinstance(value, str):
        if not _PERCENT.match(value):
            errors.invalid(path, int_or_string(value), f.regex_error(
                "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%"))
        elif int(value[:-1]) > 100:
            errors.invalid(path, int_or_string(value), "must not be greater than 100%")


def check_pdb(errors: FieldErrors, resource: Resource) -> None:
    """policy/validation ValidatePodDisruptionBudgetSpec."""
    spec = as_dict(resource.obj.get("spec")) or {}
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        errors.invalid(("spec",), Raw("policy.PodDisruptionBudgetSpec{...}"),
                       "minAvailable and maxUnavailable cannot be both set", ("spec", "maxUnavailable"))
    for key in ("minAvailable", "maxUnavailable"):
        if spec.get(key) is not None:
            _int_or_percent(errors, spec[key], ("spec", key))
    selector = as_dict(spec.get("selector"))
    if selector is not None:
        validate_selector(errors, selector, ("spec", "selector"))
