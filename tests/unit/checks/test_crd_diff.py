"""kcompat.checks.crd_diff / crd_usage: every breaking and safe category, built by mutating real CRDs.

Bases: cert-manager's Order CRD in apiextensions.k8s.io/v1 (v1.7.0) and v1beta1 (v1.0.0, one schema
per version), the same v1beta1 CRD turned into the single `spec.version` + top-level
`spec.validation` shape, and prometheus-operator v0.43.0's ServiceMonitor and PodMonitor. Each
test applies one mutation to a copy and checks the rule, severity, field path and position.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kcompat.checks.crd_diff import RULES, CrdDef, compare_schemas, crds_by_name, diff_crds, version_notes
from kcompat.checks.crd_usage import _problems, who_breaks
from kcompat.core.model import Finding, Severity
from kcompat.sources.load import load_text
from kcompat.sources.resources import Resource, extract

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
ORDERS_V1 = FIXTURES / "realworld/cert-manager-v1.7/crd-orders.yaml"
ORDERS_V1BETA1 = FIXTURES / "realworld/cert-manager-v1.0-legacy/crd-orders.v1beta1.yaml"
CERT_MANAGER_1_3 = FIXTURES / "corpus/crds/cert-manager-v1.3.1/cert-manager.yaml"
CERT_MANAGER_1_7 = FIXTURES / "realworld/cert-manager-v1.7"
PROMETHEUS = FIXTURES / "schema/prometheus-operator-v0.43.0/bundle.yaml"
SHAPES = ("v1", "v1beta1", "v1beta1-validation")
Obj = dict[str, Any]


@cache
def _yaml(path: Path) -> tuple[Obj, ...]:
    return tuple(d for d in yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader) if isinstance(d, dict))


def real(shape: str) -> Obj:
    """A fresh copy of the real Order CRD in the given shape."""
    if shape == "v1":
        return copy.deepcopy(_yaml(ORDERS_V1)[0])
    crd = copy.deepcopy(_yaml(ORDERS_V1BETA1)[0])
    if shape == "v1beta1-validation":
        v1 = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
        crd["spec"]["validation"] = v1["schema"]
        crd["spec"]["version"] = "v1"
        del crd["spec"]["versions"], crd["spec"]["conversion"]
    return crd


def prometheus(name: str) -> Obj:
    return copy.deepcopy(next(d for d in _yaml(PROMETHEUS) if d["metadata"]["name"] == name))


def schema(crd: Obj, version: str = "v1") -> Obj:
    """The openAPIV3Schema of version, to mutate in place."""
    if "validation" in crd["spec"]:
        return dict.__getitem__(crd["spec"]["validation"], "openAPIV3Schema")  # type: ignore[no-any-return]
    entry = next(v for v in crd["spec"]["versions"] if v["name"] == version)
    return entry["schema"]["openAPIV3Schema"]  # type: ignore[no-any-return]


def spec_props(crd: Obj) -> Obj:
    return schema(crd)["properties"]["spec"]["properties"]  # type: ignore[no-any-return]


class Side:
    """Objects dumped to YAML and read back as kcompat reads files (with positions)."""

    def __init__(self, name: str, *objects: Obj, text: str | None = None) -> None:
        self.name = name
        self.text = text if text is not None else "---\n".join(
            yaml.dump(o, Dumper=yaml.CSafeDumper, sort_keys=False) for o in objects)
        loaded = load_text(self.text, name)
        assert not loaded.findings
        self.resources: list[Resource] = extract(loaded.documents).resources
        self.crds: dict[str, CrdDef] = crds_by_name(self.resources)

    def line(self, finding: Finding) -> str:
        assert finding.origin.path == self.name and finding.origin.line is not None
        return self.text.splitlines()[finding.origin.line - 1]


def diff(old: Obj | list[Obj], new: Obj | list[Obj]) -> tuple[list[Finding], Side, Side]:
    before = Side("old.yaml", *(old if isinstance(old, list) else [old]))
    after = Side("new.yaml", *(new if isinstance(new, list) else [new]))
    return diff_crds(before.crds, after.crds), before, after


def only(findings: list[Finding], rule: str) -> Finding:
    hits = [f for f in findings if f.rule == rule]
    assert len(hits) == 1, [(f.rule, f.message) for f in findings]
    return hits[0]


def versions_of(findings: list[Finding]) -> set[str]:
    return {str(f.details.get("version")) for f in findings}


# --------------------------------------------------------------------------- breaking, per shape


Mutation = Callable[[Obj], None]


def _remove_field(crd: Obj) -> None:
    del spec_props(crd)["commonName"]


def _type_changed(crd: Obj) -> None:
    spec_props(crd)["commonName"]["type"] = "integer"


def _new_required(crd: Obj) -> None:
    spec_props(crd)["priority"] = {"type": "string"}
    schema(crd)["properties"]["spec"]["required"].append("priority")


def _made_required(crd: Obj) -> None:
    schema(crd)["properties"]["spec"]["required"].append("commonName")


def _enum_added(crd: Obj) -> None:
    spec_props(crd)["commonName"]["enum"] = ["a.example", "b.example"]


def _enum_value_removed(crd: Obj) -> None:
    schema(crd)["properties"]["status"]["properties"]["state"]["enum"].remove("errored")


def _default_added(crd: Obj) -> None:
    spec_props(crd)["issuerRef"]["properties"]["kind"]["default"] = "Issuer"


def _pattern_added(crd: Obj) -> None:
    spec_props(crd)["commonName"]["pattern"] = "^[a-z.]+$"


def _list_type(crd: Obj) -> None:
    spec_props(crd)["dnsNames"]["x-kubernetes-list-type"] = "set"


def _cel_rule(crd: Obj) -> None:
    schema(crd)["properties"]["spec"]["x-kubernetes-validations"] = [
        {"rule": "self.dnsNames.size() > 0", "message": "one DNS name at least"}]


def _min_length(crd: Obj) -> None:
    spec_props(crd)["commonName"]["minLength"] = 1


def _max_items(crd: Obj) -> None:
    spec_props(crd)["dnsNames"]["maxItems"] = 100


def _min_properties(crd: Obj) -> None:
    spec_props(crd)["issuerRef"]["minProperties"] = 1


BREAKING: list[tuple[str, Mutation, str, Severity, str, str, str]] = [
    # id, mutation, rule, severity, field path, side of the position, text on that line
    ("field-removed", _remove_field, "crd-field-removed", Severity.ERROR, ".spec.commonName", "old", "commonName:"),
    ("type-changed", _type_changed, "crd-field-type-changed", Severity.ERROR, ".spec.commonName", "new",
     "type: integer"),
    ("new-required", _new_required, "crd-field-required-added", Severity.ERROR, ".spec.priority", "new",
     "- priority"),
    ("made-required", _made_required, "crd-field-required-added", Severity.ERROR, ".spec.commonName", "new",
     "- commonName"),
    ("enum-added", _enum_added, "crd-enum-narrowed", Severity.ERROR, ".spec.commonName", "new", "enum:"),
    ("enum-value-removed", _enum_value_removed, "crd-enum-narrowed", Severity.ERROR, ".status.state", "new",
     "enum:"),
    ("default-added", _default_added, "crd-default-changed", Severity.ERROR, ".spec.issuerRef.kind", "new",
     "default: Issuer"),
    ("pattern-added", _pattern_added, "crd-pattern-changed", Severity.ERROR, ".spec.commonName", "new",
     "pattern:"),
    ("list-type", _list_type, "crd-list-type-changed", Severity.ERROR, ".spec.dnsNames", "new",
     "x-kubernetes-list-type: set"),
    ("cel-rule", _cel_rule, "crd-cel-rule-added", Severity.WARNING, ".spec", "new", "rule: self.dnsNames"),
    ("min-length", _min_length, "crd-bounds-tightened", Severity.ERROR, ".spec.commonName", "new", "minLength: 1"),
    ("max-items", _max_items, "crd-bounds-tightened", Severity.ERROR, ".spec.dnsNames", "new", "maxItems: 100"),
    ("min-properties", _min_properties, "crd-bounds-tightened", Severity.ERROR, ".spec.issuerRef", "new",
     "minProperties: 1"),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("case", "mutate", "rule", "severity", "path", "side", "text"), BREAKING,
                         ids=[case[0] for case in BREAKING])
def test_breaking_change_is_found_with_path_and_position(shape: str, case: str, mutate: Mutation, rule: str,
                                                         severity: Severity, path: str, side: str,
                                                         text: str) -> None:
    old, new = real(shape), real(shape)
    mutate(new)
    findings, before, after = diff(old, new)
    # in the v1beta1 shape each version has its own schema: only v1's was changed
    finding = only(findings, rule)
    assert finding.severity is severity
    assert finding.details["path"] == path and finding.details["version"] == "v1"
    assert finding.details["crd"] == "orders.acme.cert-manager.io"
    assert text in (after if side == "new" else before).line(finding)
    assert " -> " in finding.message
    assert [f.rule for f in findings] == [rule]


BOUNDS = [
    # key, field, old value (None: absent), new value, tightened?
    ("minLength", "commonName", None, 3, True),
    ("minLength", "commonName", 3, 5, True),
    ("minLength", "commonName", 5, 3, False),
    ("maxLength", "commonName", None, 64, True),
    ("maxLength", "commonName", 64, 32, True),
    ("maxLength", "commonName", 64, 128, False),
    ("minItems", "dnsNames", 1, 2, True),
    ("maxItems", "dnsNames", 10, 5, True),
    ("maxItems", "dnsNames", 10, 20, False),
    ("minProperties", "issuerRef", 1, 2, True),
    ("maxProperties", "issuerRef", 3, 2, True),
    ("maxProperties", "issuerRef", 3, 4, False),
]


@pytest.mark.parametrize("shape", ("v1", "v1beta1"))
@pytest.mark.parametrize(("key", "name", "was", "now", "tighter"), BOUNDS)
def test_length_item_and_property_bounds(shape: str, key: str, name: str, was: int | None, now: int,
                                         tighter: bool) -> None:
    old, new = real(shape), real(shape)
    if was is not None:
        spec_props(old)[name][key] = was
    spec_props(new)[name][key] = now
    findings, _, after = diff(old, new)
    if tighter:
        finding = only(findings, "crd-bounds-tightened")
        assert (finding.details["old"], finding.details["new"]) == (was, now)
        assert f"{key}: {now}" in after.line(finding)
    else:
        assert findings == []


NUMBERS = [
    ({}, {"minimum": 1}, True),
    ({"minimum": 1}, {"minimum": 2}, True),
    ({"minimum": 2}, {"minimum": 1}, False),
    ({"minimum": 1}, {"minimum": 1, "exclusiveMinimum": True}, True),
    ({"minimum": 1, "exclusiveMinimum": True}, {"minimum": 1}, False),
    ({"maximum": 100}, {"maximum": 50}, True),
    ({"maximum": 100}, {"maximum": 100, "exclusiveMaximum": True}, True),
    ({"maximum": 50}, {"maximum": 100}, False),
    ({}, {"multipleOf": 5}, True),
    ({"multipleOf": 10}, {"multipleOf": 5}, False),
    ({"multipleOf": 5}, {"multipleOf": 10}, True),
]


@pytest.mark.parametrize(("was", "now", "tighter"), NUMBERS)
def test_numeric_bounds_on_a_real_prometheus_operator_integer(was: Obj, now: Obj, tighter: bool) -> None:
    old, new = prometheus("servicemonitors.monitoring.coreos.com"), prometheus("servicemonitors.monitoring.coreos.com")
    spec_props(old)["sampleLimit"].update(was)
    spec_props(new)["sampleLimit"].update(now)
    findings, _, _ = diff(old, new)
    if tighter:
        assert only(findings, "crd-bounds-tightened").details["path"] == ".spec.sampleLimit"
    else:
        assert findings == []


@pytest.mark.parametrize("shape", SHAPES)
def test_default_changed_and_removed(shape: str) -> None:
    old, changed, removed = real(shape), real(shape), real(shape)
    for crd in (old, changed):
        spec_props(crd)["issuerRef"]["properties"]["kind"]["default"] = "Issuer"
    spec_props(changed)["issuerRef"]["properties"]["kind"]["default"] = "ClusterIssuer"
    finding = only(diff(old, changed)[0], "crd-default-changed")
    assert (finding.details["old"], finding.details["new"]) == ("Issuer", "ClusterIssuer")
    findings, before, _ = diff(old, removed)
    finding = only(findings, "crd-default-changed")
    assert finding.details["in"] == "old" and "default: Issuer" in before.line(finding)


@pytest.mark.parametrize("shape", SHAPES)
def test_pattern_changed_but_removing_it_is_safe(shape: str) -> None:
    old, changed, removed = real(shape), real(shape), real(shape)
    for crd in (old, changed):
        spec_props(crd)["commonName"]["pattern"] = "^[a-z]+$"
    spec_props(changed)["commonName"]["pattern"] = "^[a-z0-9]+$"
    assert only(diff(old, changed)[0], "crd-pattern-changed").details["old"] == "^[a-z]+$"
    assert diff(old, removed)[0] == []


@pytest.mark.parametrize("shape", SHAPES)
def test_preserve_unknown_fields_removed_prunes(shape: str) -> None:
    old, new = real(shape), real(shape)
    schema(old)["properties"]["status"]["x-kubernetes-preserve-unknown-fields"] = True
    findings, _, after = diff(old, new)
    finding = only(findings, "crd-unknown-fields-pruned")
    assert finding.details["path"] == ".status" and "status:" in after.line(finding)


def test_v1beta1_preserve_unknown_fields_default_to_v1_prunes_at_the_root() -> None:
    old = real("v1beta1-validation")
    del old["spec"]["preserveUnknownFields"]  # v1beta1 default: true, unknown fields kept
    findings, _, _ = diff(old, real("v1"))
    finding = only(findings, "crd-unknown-fields-pruned")
    assert finding.details["path"] == "." and finding.severity is Severity.ERROR


@pytest.mark.parametrize("shape", SHAPES)
def test_widened_type_is_a_warning(shape: str) -> None:
    new = real(shape)
    node = spec_props(new)["commonName"]
    del node["type"]
    node["x-kubernetes-int-or-string"] = True
    finding = only(diff(real(shape), new)[0], "crd-field-type-changed")
    assert finding.severity is Severity.WARNING
    assert (finding.details["old"], finding.details["new"]) == ("string", "int-or-string")


@pytest.mark.parametrize("shape", SHAPES)
def test_scope_change_is_breaking(shape: str) -> None:
    new = real(shape)
    new["spec"]["scope"] = "Cluster"
    findings, _, after = diff(real(shape), new)
    assert "scope: Cluster" in after.line(only(findings, "crd-scope-changed"))


@pytest.mark.parametrize("shape", SHAPES)
def test_removed_crd_is_an_error_not_a_crash(shape: str) -> None:
    other = prometheus("podmonitors.monitoring.coreos.com")
    findings, before, _ = diff([real(shape), other], [other])
    finding = only(findings, "crd-removed")
    assert finding.details["crd"] == "orders.acme.cert-manager.io"
    assert "name: orders.acme.cert-manager.io" in before.line(finding)


def test_prometheus_operator_field_removed_and_type_changed() -> None:
    old, new = prometheus("podmonitors.monitoring.coreos.com"), prometheus("podmonitors.monitoring.coreos.com")
    del spec_props(new)["jobLabel"]
    spec_props(new)["sampleLimit"]["type"] = "string"
    findings, _, _ = diff(old, new)
    assert sorted((f.rule, f.details["path"]) for f in findings) == [
        ("crd-field-removed", ".spec.jobLabel"), ("crd-field-type-changed", ".spec.sampleLimit")]


def test_nested_array_item_paths() -> None:
    old, new = prometheus("servicemonitors.monitoring.coreos.com"), prometheus("servicemonitors.monitoring.coreos.com")
    endpoint = spec_props(new)["endpoints"]["items"]["properties"]
    endpoint["scheme"]["enum"] = ["http", "https"]
    finding = only(diff(old, new)[0], "crd-enum-narrowed")
    assert finding.details["path"] == ".spec.endpoints[*].scheme"


# --------------------------------------------------------------------------- versions, storage, conversion


def test_served_version_removed_and_unserved_in_the_v1beta1_shape() -> None:
    new = real("v1beta1")
    versions = new["spec"]["versions"]
    versions[:] = [v for v in versions if v["name"] != "v1alpha2"]
    next(v for v in versions if v["name"] == "v1alpha3")["served"] = False
    findings, before, after = diff(real("v1beta1"), new)
    removed = only(findings, "crd-version-removed")
    assert removed.details["version"] == "v1alpha2" and "name: v1alpha2" in before.line(removed)
    unserved = only(findings, "crd-version-no-longer-served")
    assert unserved.details["version"] == "v1alpha3" and "served: false" in after.line(unserved)
    assert {f.rule for f in findings} == {"crd-version-removed", "crd-version-no-longer-served"}


def test_storage_version_removed_says_how_to_migrate() -> None:
    old, new = real("v1beta1"), real("v1beta1")
    for version in old["spec"]["versions"]:
        version["storage"] = version["name"] == "v1beta1"
    new["spec"]["versions"] = [v for v in new["spec"]["versions"] if v["name"] != "v1beta1"]
    findings, before, _ = diff(old, new)
    storage = only(findings, "crd-storage-version-removed")
    assert storage.details["version"] == "v1beta1" and storage.details["newStorage"] == "v1"
    assert "kube-storage-version-migrator" in storage.message and "status.storedVersions" in storage.message
    assert "name: v1beta1" in before.line(storage)
    assert only(findings, "crd-version-removed").details["version"] == "v1beta1"


def test_stored_versions_of_a_cluster_export_are_used() -> None:
    old = real("v1beta1")
    old["status"] = {"storedVersions": ["v1alpha2", "v1"]}
    new = real("v1beta1")
    new["spec"]["versions"] = [v for v in new["spec"]["versions"] if v["name"] not in ("v1alpha2", "v1alpha3")]
    findings, _, _ = diff(old, new)
    storage = only(findings, "crd-storage-version-removed")
    assert storage.details["version"] == "v1alpha2" and "status.storedVersions lists it" in storage.message
    assert versions_of([f for f in findings if f.rule == "crd-version-removed"]) == {"v1alpha2", "v1alpha3"}


def test_storage_version_change_is_info() -> None:
    new = real("v1beta1")
    for version in new["spec"]["versions"]:
        version["storage"] = version["name"] == "v1beta1"
    finding = only(diff(real("v1beta1"), new)[0], "crd-storage-version-changed")
    assert finding.severity is Severity.INFO and (finding.details["old"], finding.details["new"]) == ("v1", "v1beta1")


def test_conversion_webhook_removed_while_several_versions_stay_served() -> None:
    new = real("v1beta1")
    del new["spec"]["conversion"]
    finding = only(diff(real("v1beta1"), new)[0], "crd-conversion-removed")
    assert finding.severity is Severity.ERROR and "4 versions" in finding.message


def test_conversion_webhook_removed_with_one_version_left_is_safe() -> None:
    new = real("v1beta1")
    del new["spec"]["conversion"]
    new["spec"]["versions"] = [v for v in new["spec"]["versions"] if v["name"] == "v1"]
    findings, _, _ = diff(real("v1beta1"), new)
    assert {f.rule for f in findings} == {"crd-version-removed"}


# --------------------------------------------------------------------------- safe


def _safe_optional_field(crd: Obj) -> None:
    spec_props(crd)["renewBefore"] = {"type": "string", "description": "new optional field"}


def _safe_enum_value_added(crd: Obj) -> None:
    schema(crd)["properties"]["status"]["properties"]["state"]["enum"].append("archived")


def _safe_description(crd: Obj) -> None:
    spec_props(crd)["commonName"]["description"] = "reworded"


def _safe_required_dropped(crd: Obj) -> None:
    schema(crd)["properties"]["spec"]["required"].remove("issuerRef")


def _safe_printer_columns(crd: Obj) -> None:
    column = {"name": "Age2", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
    if "versions" in crd["spec"]:
        for version in crd["spec"]["versions"]:
            version.setdefault("additionalPrinterColumns", []).append(column)
    else:
        crd["spec"].setdefault("additionalPrinterColumns", []).append(column)


def _safe_new_version(crd: Obj) -> None:
    if "versions" not in crd["spec"]:
        crd["spec"]["versions"] = [{"name": "v1", "served": True, "storage": True}]
        del crd["spec"]["version"]
    crd["spec"]["versions"].append({**copy.deepcopy(crd["spec"]["versions"][-1]), "name": "v2", "storage": False})


def _safe_pattern_removed(crd: Obj) -> None:
    spec_props(crd)["issuerRef"].pop("pattern", None)


def _safe_cel_rule_removed(crd: Obj) -> None:
    schema(crd)["properties"]["spec"].pop("x-kubernetes-validations", None)


SAFE = [_safe_optional_field, _safe_enum_value_added, _safe_description, _safe_required_dropped,
        _safe_printer_columns, _safe_new_version, _safe_pattern_removed, _safe_cel_rule_removed]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mutate", SAFE, ids=[m.__name__[6:] for m in SAFE])
def test_safe_change_gives_no_finding(shape: str, mutate: Mutation) -> None:
    new = real(shape)
    mutate(new)
    assert diff(real(shape), new)[0] == []


@pytest.mark.parametrize("shape", SHAPES)
def test_relaxed_changes_are_safe(shape: str) -> None:
    old, new = real(shape), real(shape)
    spec_props(old)["commonName"].update(enum=["a"], maxLength=10, pattern="^a$")
    schema(old)["properties"]["spec"]["x-kubernetes-validations"] = [{"rule": "true"}]
    spec_props(new)["commonName"].update(enum=["a", "b"], maxLength=20)
    assert diff(old, new)[0] == []


def test_same_crd_in_both_shapes_differs_only_by_pruning_and_conversion() -> None:
    """v1.0.0's v1beta1 Order CRD against v1.7.0's v1 one: the true list of breaking changes."""
    findings, _, _ = diff(real("v1beta1"), real("v1"))
    assert sorted((f.rule, str(f.details.get("version", "")), str(f.details.get("path", ""))) for f in findings) == [
        ("crd-version-removed", "v1alpha2", ""), ("crd-version-removed", "v1alpha3", ""),
        ("crd-version-removed", "v1beta1", "")]


# --------------------------------------------------------------------------- the real cert-manager upgrade


@cache
def _cert_manager(which: str) -> Side:
    paths = [CERT_MANAGER_1_3] if which == "1.3.1" else sorted(CERT_MANAGER_1_7.glob("*.yaml"))
    return Side(which, text="---\n".join(path.read_text() for path in paths))  # the real files, unchanged


CERT_MANAGER_CRDS = ["certificaterequests.cert-manager.io", "certificates.cert-manager.io",
                     "challenges.acme.cert-manager.io", "clusterissuers.cert-manager.io",
                     "issuers.cert-manager.io", "orders.acme.cert-manager.io"]


def test_cert_manager_1_3_to_1_7_removes_the_alpha_and_beta_versions() -> None:
    old, new = _cert_manager("1.3.1"), _cert_manager("1.7")
    assert sorted(old.crds) == sorted(new.crds) == CERT_MANAGER_CRDS
    findings = diff_crds(old.crds, new.crds)
    assert sorted((f.rule, f.details["crd"], f.details["version"]) for f in findings) == sorted(
        ("crd-version-removed", crd, version) for crd in CERT_MANAGER_CRDS
        for version in ("v1alpha2", "v1alpha3", "v1beta1"))
    assert all(f.origin.path == "1.3.1" and f.severity is Severity.ERROR for f in findings)
    # v1 stays the storage version and is the only one left, so dropping the webhook is safe
    assert all(new.crds[name].served() == ["v1"] and new.crds[name].storage() == "v1" for name in new.crds)
    assert all(old.crds[name].conversion == "Webhook" and new.crds[name].conversion == "None" for name in new.crds)


def test_cert_manager_upgrade_from_a_cluster_that_once_stored_v1alpha2() -> None:
    """An installation older than v1.0 stored objects as v1alpha2: v1.7 cannot be applied until they
    are migrated and status.storedVersions is patched."""
    old = copy.deepcopy([d for d in _yaml(CERT_MANAGER_1_3) if d.get("kind") == "CustomResourceDefinition"])
    for crd in old:
        crd["status"] = {"storedVersions": ["v1alpha2", "v1"]}
    findings = diff_crds(Side("live.yaml", *old).crds, _cert_manager("1.7").crds)
    storage = sorted((f.details["crd"], f.details["version"]) for f in findings
                     if f.rule == "crd-storage-version-removed")
    assert storage == [(crd, "v1alpha2") for crd in CERT_MANAGER_CRDS]
    assert len([f for f in findings if f.rule == "crd-version-removed"]) == 18


def test_versions_of_one_crd_say_what_conversion_to_the_storage_version_changes() -> None:
    certificates = _cert_manager("1.3.1").crds["certificates.cert-manager.io"]
    notes = version_notes(certificates)
    assert {f.rule for f in notes} == {"crd-version-conversion"}
    assert all(f.severity is Severity.INFO for f in notes)
    removed = {f.details["path"] for f in notes
               if f.details["version"] == "v1alpha2 -> v1" and f.details["change"] == "crd-field-removed"}
    # v1 moved the key settings under privateKey and renamed the SAN and subject fields
    assert removed == {".spec.keyAlgorithm", ".spec.keyEncoding", ".spec.keySize", ".spec.organization",
                       ".spec.emailSANs", ".spec.uriSANs"}
    beta = {f.details["path"] for f in notes if f.details["version"] == "v1beta1 -> v1"}
    assert beta == {".spec.emailSANs", ".spec.uriSANs"}


# --------------------------------------------------------------------------- who breaks

CERTIFICATES = """\
apiVersion: cert-manager.io/v1alpha2
kind: Certificate
metadata: {name: old-style, namespace: shop}
spec:
  secretName: web-tls
  keyAlgorithm: rsa
  keySize: 2048
  issuerRef: {name: letsencrypt}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: current, namespace: shop}
spec:
  secretName: api-tls
  issuerRef: {name: letsencrypt}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unrelated}
"""


def _resources(text: str) -> list[Resource]:
    return extract(load_text(text, "crs.yaml").documents).resources


def test_custom_resource_in_a_removed_version_is_told_what_to_change() -> None:
    findings = who_breaks(_resources(CERTIFICATES), _cert_manager("1.3.1").crds, _cert_manager("1.7").crds)
    (finding,) = findings
    assert finding.rule == "crd-version-unserved" and finding.obj is not None and finding.obj.name == "old-style"
    assert (finding.origin.line, finding.replacement) == (1, "cert-manager.io/v1")
    assert finding.details["fieldsToChange"] == [".spec.keyAlgorithm", ".spec.keySize"]


ORDER = """\
apiVersion: acme.cert-manager.io/v1
kind: Order
metadata: {name: o1, namespace: shop}
spec:
  request: Zm9v
  commonName: Example.COM
  dnsNames: [a.example, a.example]
  issuerRef: {name: letsencrypt}
status:
  state: errored
"""


def _cel_rule_failing(crd: Obj) -> None:
    schema(crd)["properties"]["spec"]["x-kubernetes-validations"] = [
        {"rule": "self.dnsNames.size() == 1", "message": "exactly one DNS name"}]


def _cel_transition_rule(crd: Obj) -> None:
    schema(crd)["properties"]["spec"]["x-kubernetes-validations"] = [
        {"rule": "self.commonName == oldSelf.commonName", "message": "commonName is immutable"}]


def _pattern_go_syntax(crd: Obj) -> None:
    spec_props(crd)["commonName"]["pattern"] = r"^[A-Za-z.]+\z"


def _pattern_not_re2(crd: Obj) -> None:
    spec_props(crd)["commonName"]["pattern"] = r"^(?=E)[A-Za-z.]+$"


def _usage(mutate: Mutation) -> list[Finding]:
    old, new = real("v1"), real("v1")
    mutate(new)
    return who_breaks(_resources(ORDER), Side("old.yaml", old).crds, Side("new.yaml", new).crds)


USAGE = [
    (_remove_field, "crd-resource-breaks", "crd-field-removed", 6, ".spec.commonName"),
    (_type_changed, "crd-resource-breaks", "crd-field-type-changed", 6, ".spec.commonName"),
    (_new_required, "crd-resource-breaks", "crd-field-required-added", 4, ".spec"),
    (_enum_value_removed, "crd-resource-breaks", "crd-enum-narrowed", 10, ".status.state"),
    (_pattern_added, "crd-resource-breaks", "crd-pattern-changed", 6, ".spec.commonName"),
    (_list_type, "crd-resource-breaks", "crd-list-type-changed", 7, ".spec.dnsNames"),
    (_default_added, "crd-resource-affected", "crd-default-changed", 8, ".spec.issuerRef"),
    (_cel_rule_failing, "crd-resource-breaks", "crd-cel-rule-added", 4, ".spec"),
    (_cel_transition_rule, "crd-resource-affected", "crd-cel-rule-added", 4, ".spec"),
]


@pytest.mark.parametrize(("mutate", "rule", "change", "line", "path"), USAGE,
                         ids=[case[0].__name__[1:] for case in USAGE])
def test_custom_resource_hit_by_a_schema_change(mutate: Mutation, rule: str, change: str, line: int,
                                                path: str) -> None:
    (finding,) = _usage(mutate)
    assert (finding.rule, finding.details["change"], finding.origin.line, finding.details["path"]) == (
        rule, change, line, path)
    assert finding.origin.path == "crs.yaml" and finding.obj is not None and finding.obj.name == "o1"


def test_new_cel_rules_are_evaluated_on_the_custom_resource() -> None:
    (finding,) = _usage(_cel_rule_failing)
    assert finding.severity is Severity.ERROR and finding.details["rule"] == "self.dnsNames.size() == 1"
    assert "spec: Invalid value: " in finding.details["celMessage"] and "exactly one DNS name" in finding.message
    assert _usage(_cel_rule) == []  # two DNS names: the rule holds, nothing breaks


def test_a_rule_the_object_already_failed_under_old_is_not_blamed_on_the_upgrade() -> None:
    old, new = real("v1"), real("v1")
    _cel_rule_failing(old)
    _cel_rule_failing(new)
    assert who_breaks(_resources(ORDER), Side("old.yaml", old).crds, Side("new.yaml", new).crds) == []


def test_patterns_are_matched_with_re2_as_the_api_server_does() -> None:
    assert _usage(_pattern_go_syntax) == []  # \z is RE2's end of text: "Example.COM" matches
    (finding,) = _usage(_pattern_not_re2)  # look-ahead is not RE2: the server refuses the CRD
    assert finding.rule == "crd-resource-affected" and "not a valid RE2 expression" in finding.message


def test_custom_resource_not_touched_by_a_change_is_not_reported() -> None:
    assert _usage(_enum_added) != []  # commonName "Example.COM" is outside the new enum
    assert _usage(_min_length) == []  # it is long enough
    assert _usage(_max_items) == []
    assert _usage(_safe_optional_field) == []


def test_custom_resource_of_a_removed_crd_is_orphaned() -> None:
    old = Side("old.yaml", real("v1"))
    (finding,) = who_breaks(_resources(ORDER), old.crds, {})
    assert finding.rule == "crd-resource-orphaned" and finding.severity is Severity.ERROR


# --------------------------------------------------------------------------- hostile schemas

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=False),
                     st.text(max_size=8))
_KEYS = st.sampled_from(["type", "properties", "items", "required", "enum", "default", "pattern", "minimum",
                         "maximum", "exclusiveMinimum", "multipleOf", "maxItems", "minLength", "uniqueItems",
                         "nullable", "additionalProperties", "x-kubernetes-preserve-unknown-fields",
                         "x-kubernetes-int-or-string", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
                         "x-kubernetes-validations", "format", "allOf", "spec", "a"])
_NODES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(_KEYS, inner, max_size=5)), max_leaves=15)


@settings(max_examples=150, deadline=None)
@given(old=st.dictionaries(_KEYS, _NODES, max_size=6), new=st.dictionaries(_KEYS, _NODES, max_size=6),
       data=st.dictionaries(_KEYS, _NODES, max_size=4))
def test_any_schema_pair_and_object_never_crash(old: Obj, new: Obj, data: Obj) -> None:
    for change in compare_schemas(old, new) + compare_schemas(new, old, True, False):
        assert change.rule in RULES
        list(_problems(change, data))
    assert compare_schemas(old, old) == []
