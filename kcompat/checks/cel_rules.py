"""Findings of CRD validation rules (`x-kubernetes-validations`) for one custom resource.

cel        error  a rule is false for the object (or fails to evaluate): the server's message
cel-skipped info  rules that cannot be decided from the file: transition rules (they compare
                  with the stored object), or all rules when the object already has a schema
                  error that stops the server from running them
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding
from kcompat.core.rules import CEL, CEL_SKIPPED, severity_of
from kcompat.schema.crds import Crd, CrdVersion, defaulted_object
from kcompat.schema.validator import Problem
from kcompat.sources.resources import Resource

RULES = {
    CEL: severity_of(CEL),
    CEL_SKIPPED: severity_of(CEL_SKIPPED),
}
_BLOCKING = ("type", "required", "enum")
"""Schema problems the server treats as blocking: it then runs no rule (hasBlockingErr)."""


def _blocking(problem: Problem) -> bool:
    if problem.code in _BLOCKING:
        return True
    return problem.code in ("length", "count") and problem.expected.startswith("at most")


def check_cel(resource: Resource, crd: Crd, version: CrdVersion, problems: list[Problem],
              context: CheckContext) -> Iterator[Finding]:
    """Run the rules of version's schema against resource (after its schema problems were found)."""
    if version.schema is None or not _has_rules(version):
        return
    from kcompat.schema.cel import ITERATION_BUDGET, compile_rules, evaluate

    compiled = compile_rules(version.schema, version.fingerprint)
    if compiled.rule_count == 0:
        return
    if any(_blocking(p) for p in problems):
        yield Finding("cel-skipped", RULES["cel-skipped"],
                      f"the validation rules of CRD {crd.name} {resource.version} were not run: "
                      "some validation rules were not checked because the object was invalid; correct the "
                      "existing errors to complete validation", resource.origin_of(("apiVersion",)),
                      resource.ref(), details={"crd": crd.name, "reason": "invalid-object"})
        return
    obj: dict[str, Any] = resource.obj
    if version.status_subresource and "status" in obj:
        obj = {k: v for k, v in obj.items() if k != "status"}  # reset on create
    settings = context.schema
    minor = settings.version.minor if settings is not None else context.target.minor
    outcome = evaluate(compiled, _defaulted(version, obj), minor)
    for violation in outcome.violations:
        details: dict[str, Any] = {"field": violation.field, "rule": violation.rule, "crd": crd.name}
        if violation.reason:
            details["reason"] = violation.reason
        if violation.kind != "invalid":
            details["evaluation"] = violation.kind
        yield Finding("cel", RULES["cel"], f"{violation.message} (CRD {crd.name} {resource.version})",
                      resource.origin_of(violation.path), resource.ref(), details=details)
    if outcome.skipped_transition:
        count = len(outcome.skipped_transition)
        yield Finding("cel-skipped", RULES["cel-skipped"],
                      f"{count} transition rule{'s' if count > 1 else ''} of CRD {crd.name} {resource.version} "
                      "(referencing oldSelf) not evaluated: they need the old object, and the API server "
                      "runs them only on update", resource.origin_of(("apiVersion",)), resource.ref(),
                      details={"crd": crd.name, "reason": "transition-rule", "rules": outcome.skipped_transition})
    if outcome.skipped_budget:
        count = len(outcome.skipped_budget)
        yield Finding("cel-skipped", RULES["cel-skipped"],
                      f"{count} validation rule{'s' if count > 1 else ''} of CRD {crd.name} {resource.version} not "
                      f"evaluated: {'they need' if count > 1 else 'it needs'} more than {ITERATION_BUDGET:,} "
                      "comprehension iterations on this object, more than kcompat's CEL runtime allows (the API "
                      "server allows up to 1,000,000 cost units per rule)", resource.origin_of(("apiVersion",)),
                      resource.ref(), details={"crd": crd.name, "reason": "iteration-budget",
                                               "rules": outcome.skipped_budget})


_HAS_RULES: dict[str, bool] = {}


def _has_rules(version: CrdVersion) -> bool:
    """A cheap test for CRDs without any rule (most of them), once per version and process."""
    found = _HAS_RULES.get(version.fingerprint)
    if found is None:
        import json

        found = "x-kubernetes-validations" in json.dumps(version.schema)
        _HAS_RULES[version.fingerprint] = found
    return found


def _defaulted(version: CrdVersion, obj: dict[str, Any]) -> dict[str, Any]:
    """The object as the server validates it on create (structural defaults, kcompat.schema.defaults)."""
    result = defaulted_object(version, obj)
    return result if isinstance(result, dict) else obj
