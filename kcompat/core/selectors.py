"""Label selector requirements (`matchExpressions`), as k8s.io/apimachinery/pkg/labels evaluates them.

Whether an EMPTY selector matches everything (a workload's LabelSelector) or nothing (a Service's
selector) is the caller's decision; the requirements are evaluated the same way everywhere.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

def expressions_match(expressions: object, labels: dict[str, Any]) -> bool | None:
    """Whether labels meet every requirement (In, NotIn, Exists, DoesNotExist); None when a requirement
    is not a mapping with a string key (the selector cannot be evaluated)."""
    if not isinstance(expressions, list):
        return True if expressions is None else None
    for expression in expressions:
        if not isinstance(expression, dict) or not isinstance(expression.get("key"), str):
            return None
        key, operator = expression["key"], expression.get("operator")
        raw = expression.get("values")
        values = [str(value) for value in raw] if isinstance(raw, list) else []
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True
