"""The API server's built-in validation for hand-written kinds: `check_builtin`.

The rules live in the package kcompat.checks.builtin (one module per area: ObjectMeta and
selectors, pod specs, workloads, networking, scaling, config, RBAC; value syntaxes in
`formats`); docs/builtin-validation.md lists them with their upstream sources.
"""

from kcompat.checks.builtin import RULE_DESCRIPTIONS, RULES, check_builtin

__all__ = ["RULES", "RULE_DESCRIPTIONS", "check_builtin"]
