"""The rule registry: every rule kcompat can report, declared once.

SARIF's rule list, `kcompat rules`, the README's rule tables (tested against this file) and the
validation of `--ignore` and `# kcompat: ignore=` all read this registry. A check refers to its
rule through the constants below, so an id is spelt in one place.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from kcompat.core.model import Severity

DOCS = "https://github.com/kcompat/kcompat/blob/main/README.md"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    """The default severity (some rules raise it: --strict, --require-schemas, a rollout that drops clients)."""
    summary: str
    """One line, for tables and SARIF's shortDescription."""
    description: str
    """What fires it and what to do, for SARIF's fullDescription and `kcompat rules -o json`."""
    command: str = "check"
    """The command that reports it."""
    fixable: bool = False
    """`kcompat fix` can rewrite what it reports (where a migration route exists for the API)."""

    @property
    def anchor(self) -> str:
        """The README anchor of the rule's row (`#rule-removed-api`)."""
        return f"{DOCS}#rule-{self.id}"


RULES: dict[str, Rule] = {}


def _declare(rule_id: str, severity: Severity, summary: str, description: str, *, command: str = "check",
             fixable: bool = False) -> str:
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} declared twice")
    RULES[rule_id] = Rule(rule_id, severity, summary, description, command, fixable)
    return rule_id


# -- API lifecycle (checks/api_lifecycle.py) --------------------------------------------------------
REMOVED_API = _declare(
    "removed-api", Severity.ERROR, "API removed at the target Kubernetes version",
    "The group/version/kind is not served by a default cluster of the target version but was served "
    "earlier. Migrate the manifest to the named replacement before upgrading.", fixable=True)
DEPRECATED_API = _declare(
    "deprecated-api", Severity.WARNING, "API deprecated at the target Kubernetes version",
    "The group/version/kind is still served at the target but deprecated at or before it; the message "
    "names the release that removes it and the replacement.", fixable=True)
NOT_YET_SERVED = _declare(
    "not-yet-served", Severity.ERROR, "API not served yet at the target Kubernetes version",
    "The group/version/kind was introduced after the target version; the message names the version to "
    "use instead.")
OFF_BY_DEFAULT_API = _declare(
    "off-by-default-api", Severity.WARNING, "API not enabled in default clusters",
    "An alpha (or off-by-default beta) API that the target serves only when enabled with "
    "--runtime-config; a default cluster rejects the manifest.")
UNKNOWN_API = _declare(
    "unknown-api", Severity.ERROR, "Kind or version that no Kubernetes release served",
    "A built-in API group with a kind or version that no bundled Kubernetes release ever served, "
    "usually a typo.")

# -- input (sources/) -------------------------------------------------------------------------------
INVALID_OBJECT = _declare(
    "invalid-object", Severity.ERROR, "Malformed Kubernetes object",
    "apiVersion/kind are present but empty or not strings, or metadata is not a mapping.")
PARSE_ERROR = _declare(
    "parse-error", Severity.ERROR, "Document is not valid YAML or JSON",
    "A document could not be parsed or exceeds one of kcompat's input limits; the other documents and "
    "files are still checked.")
SKIPPED_FILE = _declare(
    "skipped-file", Severity.ERROR, "File could not be checked",
    "The file is binary, not UTF-8/UTF-16/UTF-32, or too large. It is reported, never counted as clean.")
INTERNAL_ERROR = _declare(
    "internal-error", Severity.ERROR, "kcompat failed on this input",
    "A bug in kcompat stopped it from checking this object or file completely; it is reported (and fails "
    "the run) rather than counted as clean. Please report it.")

# -- schema (checks/schema_rules.py, checks/crd_rules.py) -------------------------------------------
SCHEMA = _declare(
    "schema", Severity.ERROR, "Object does not match its kind's schema",
    "A field of a built-in object has the wrong type or value, or a required field is missing, for the "
    "schema of the target version.")
UNKNOWN_FIELD = _declare(
    "unknown-field", Severity.WARNING, "Field unknown to the kind's schema",
    "The API server drops unknown fields (with a warning); the field is probably misspelt or misplaced. "
    "An error with --strict.")
REMOVED_FIELD = _declare(
    "removed-field", Severity.WARNING, "Field removed from the kind's schema",
    "The field existed in an older version's schema but not in the target's. An error with --strict.")
DUPLICATE_KEY = _declare(
    "duplicate-key", Severity.WARNING, "Mapping key given twice",
    "A mapping repeats a key; only the last value is kept. An error with --strict.")
SCHEMA_UNAVAILABLE = _declare(
    "schema-unavailable", Severity.ERROR, "No schema to validate against",
    "kcompat has no schema for this kind at the schema version.")
CRD_VERSION_UNSERVED = _declare(
    "crd-version-unserved", Severity.ERROR, "Custom resource version not served by its CRD",
    "The CustomResourceDefinition does not serve this version.")
CRD_VERSION_DEPRECATED = _declare(
    "crd-version-deprecated", Severity.WARNING, "Custom resource version deprecated by its CRD",
    "The CustomResourceDefinition marks this version deprecated.")
NO_SCHEMA = _declare(
    "no-schema", Severity.INFO, "No CRD schema for a custom resource",
    "No CustomResourceDefinition schema is known for this custom resource, so it was not validated. "
    "An error with --require-schemas.")
CRD_INVALID = _declare(
    "crd-invalid", Severity.ERROR, "Invalid CustomResourceDefinition",
    "The CustomResourceDefinition itself is malformed.")

CEL = _declare(
    "cel", Severity.ERROR, "CRD validation rule (x-kubernetes-validations) fails",
    "A CEL rule of the custom resource's CRD is false for the object, fails to evaluate, or exceeds the cost "
    "limit, as the API server would evaluate it on create; the message is the server's and details.field its "
    "field path.")
CEL_SKIPPED = _declare(
    "cel-skipped", Severity.INFO, "CRD validation rules that cannot be decided from the file",
    "Transition rules (they read oldSelf, the stored object), rules of an object that already has a blocking "
    "schema error (the server does not run them either), and rules over the evaluation limits are not "
    "evaluated; the finding says which and why.")

# -- whole-input checks (engine/rollout.py) and generated inputs ------------------------------------
ROLLOUT_RISK = _declare(
    "rollout-risk", Severity.WARNING, "Rolling out this provider would break its clients",
    "A workload or Service that other workloads depend on is set up so that an update can take it away "
    "from them (Recreate, one replica, no readiness probe, no PodDisruptionBudget, ...).")
HELM_CAPABILITIES_PROBE = _declare(
    "helm-capabilities-probe", Severity.INFO, "Chart probes a bare group/version in .Capabilities",
    "Helm adds its own built-in group/versions to .Capabilities.APIVersions, so a bare group/version "
    "probe may answer differently from the target cluster.")

# -- plan (plan/planner.py) -------------------------------------------------------------------------
PLAN_BLOCKER = _declare(
    "plan-blocker", Severity.ERROR, "Upgrade plan cannot proceed",
    "A provider or client stands in the way of the upgrade (an API it serves or calls has no version "
    "both sides support); `kcompat plan` exits 1.", command="plan")


class UnknownRule(ValueError):
    """A rule id that the registry does not know (a usage error, exit 2)."""


def closest(rule_id: str, count: int = 3) -> list[str]:
    return difflib.get_close_matches(rule_id, sorted(RULES), n=count, cutoff=0.5)


def unknown_rule_message(rule_id: str) -> str:
    near = closest(rule_id)
    hint = f"; did you mean {', '.join(near)}?" if near else "; `kcompat rules` lists them"
    return f"unknown rule {rule_id!r}{hint}"


def check_ids(ids: Iterable[str]) -> frozenset[str]:
    """The ids, all known; raises UnknownRule naming the first unknown one and its closest ids."""
    known = frozenset(ids)
    for rule_id in sorted(known):
        if rule_id not in RULES:
            raise UnknownRule(unknown_rule_message(rule_id))
    return known


def severity_of(rule_id: str) -> Severity:
    return RULES[rule_id].severity
