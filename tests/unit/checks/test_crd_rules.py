"""CRDs as schema sources: served/deprecated/unserved versions, v1 and v1beta1 shapes, bad CRDs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CLI, FIXTURES, Run
from kcompat.core.model import Origin
from kcompat.schema.crds import parse_crd

Write = Callable[[str, str], Path]
CRDS = FIXTURES / "schema" / "crds"
PROMETHEUS = FIXTURES / "schema" / "prometheus-operator-v0.43.0"
CERT_MANAGER = FIXTURES / "corpus" / "crds" / "cert-manager-v1.3.1" / "cert-manager.yaml"
CRD_RULES = {"schema", "unknown-field", "no-schema", "crd-version-unserved", "crd-version-deprecated",
             "crd-invalid", "duplicate-key"}


def findings(run: Run) -> list[dict[str, Any]]:
    return [f for f in run.json()["findings"] if f["rule"] in CRD_RULES]


def brief(run: Run) -> list[tuple[str, int, str]]:
    return [(f["rule"], f["line"], f["details"].get("field", "")) for f in findings(run)]


def test_custom_resources_before_their_crd(run_cli: CLI) -> None:
    run = run_cli("check", str(CRDS / "crontabs-before-crd.yaml"), "-t", "1.31", "-o", "json")
    assert brief(run) == [
        ("schema", 25, "spec.image"),  # required, missing: reported at spec
        ("schema", 26, "spec.cronSpec"),  # pattern
        ("schema", 27, "spec.replicas"),  # minimum
        ("schema", 28, "spec.port"),  # int-or-string
        ("schema", 29, "spec.policy"),  # enum
        ("unknown-field", 30, "spec.imagee"),
        ("schema", 31, "spec.template.apiVersion"),  # embedded resource needs apiVersion and kind
        ("schema", 31, "spec.template.kind"),
        ("crd-version-deprecated", 35, ""),
        ("crd-version-unserved", 43, ""),
        ("crd-version-unserved", 50, ""),
    ]
    by_line = {f["line"]: f for f in findings(run)}
    assert by_line[35]["severity"] == "warning"
    assert by_line[35]["message"].startswith("stable.example.com/v1beta1 CronTab is deprecated; use "
                                             "stable.example.com/v1 CronTab")
    assert by_line[35]["replacement"] == "stable.example.com/v1"
    assert "no longer serves version v1alpha1" in by_line[43]["message"]
    assert "does not define version v2" in by_line[50]["message"]
    assert "serves v1beta1, v1" in by_line[50]["message"]
    assert by_line[26]["details"]["expected"].startswith("a string matching pattern")
    assert run.code == 1


def test_crd_in_another_file_and_in_file_order_after(run_cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "a-crs.yaml").write_text((CRDS / "crontabs-before-crd.yaml").read_text().split(
        "\n---\napiVersion: apiextensions.k8s.io/v1")[0])
    shutil.copy(CRDS / "crontab-crd.yaml", tmp_path / "z-crd.yaml")
    run = run_cli("check", str(tmp_path), "-t", "1.31", "-o", "json")
    rules = [f["rule"] for f in findings(run)]
    assert "no-schema" not in rules
    assert rules.count("crd-version-unserved") == 2 and "crd-version-deprecated" in rules


@pytest.mark.parametrize("as_folder", [False, True])
def test_crd_option(run_cli: CLI, tmp_path: Path, as_folder: bool) -> None:
    crs = tmp_path / "crs.yaml"
    crs.write_text("apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c}\n"
                   "spec: {cronSpec: '* * * * *', image: i, policy: Never}\n")
    without = run_cli("check", str(crs), "-t", "1.31", "-o", "json")
    assert [(f["rule"], f["severity"]) for f in findings(without)] == [("no-schema", "info")]
    assert without.code == 0
    required = run_cli("check", str(crs), "-t", "1.31", "--require-schemas", "-o", "json")
    assert [(f["rule"], f["severity"]) for f in findings(required)] == [("no-schema", "error")]
    assert required.code == 1
    source = CRDS if as_folder else CRDS / "crontab-crd.yaml"
    run = run_cli("check", str(crs), "--crd", str(source), "-t", "1.31", "-o", "json")
    found = findings(run)
    assert [(f["rule"], f["details"].get("field")) for f in found if f["path"] == str(crs)] == [
        ("schema", "spec.policy")]
    if as_folder:  # the bad CRDs of the folder are reported where they are, with positions
        invalid = [f for f in found if f["rule"] == "crd-invalid"]
        assert invalid and all(f["path"].endswith("invalid-crd.yaml") and f["line"] for f in invalid)
    else:
        assert all(f["path"] == str(crs) for f in found)


def test_crd_option_errors(run_cli: CLI, write: Write) -> None:
    path = write("x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    run = run_cli("check", str(path), "--crd", str(path.parent / "missing.yaml"))
    assert run.code == 2 and "missing.yaml" in run.err


def test_v1beta1_crd_shape(run_cli: CLI) -> None:
    run = run_cli("check", str(CRDS / "v1beta1-crd.yaml"), "-t", "1.31", "-o", "json")
    # unknown fields are kept by v1beta1 CRDs (preserveUnknownFields defaults to true)
    assert brief(run) == [("schema", 38, "spec.size"), ("schema", 39, "spec.color")]
    assert {f["rule"] for f in run.json()["findings"]} >= {"removed-api"}  # the CRD API itself


def test_invalid_crds_and_non_object_spec(run_cli: CLI) -> None:
    run = run_cli("check", str(CRDS / "invalid-crd.yaml"), "-t", "1.31", "-o", "json")
    assert "Traceback" not in run.err
    got = [(f["rule"], f["line"], f["column"]) for f in findings(run)]
    assert ("crd-invalid", 24, 17) in got  # the pattern that does not compile
    assert ("crd-invalid", 26, 17) in got  # type: float
    assert ("crd-invalid", 32, 1) in got  # spec: 42
    assert ("crd-invalid", 44, 3) in got  # two storage versions
    no_schema = [f for f in findings(run) if f["rule"] == "no-schema"]
    assert [f["line"] for f in no_schema] == [64]  # the Gadget's CRD schema is unusable
    [spec] = [f for f in findings(run) if f["line"] == 75]
    assert spec["rule"] == "schema" and spec["details"]["field"] == "spec"
    assert spec["details"]["got"] == 'string "just a string"'


def test_real_multi_version_crds(run_cli: CLI, tmp_path: Path) -> None:
    crs = tmp_path / "certs.yaml"
    crs.write_text("""apiVersion: cert-manager.io/v1alpha2
kind: Certificate
metadata: {name: old, namespace: default}
spec:
  secretName: old-tls
  dnsNames: [example.com]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: new, namespace: default}
spec:
  secretName: new-tls
  dnsNames: [example.com]
  duration: 2160h
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: broken, namespace: default}
spec:
  dnsNames: example.com
  issuerRef: {name: letsencrypt}
---
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata: {name: ancient}
spec: {}
""")
    run = run_cli("check", str(crs), "--crd", str(CERT_MANAGER), "-t", "1.31", "-o", "json")
    assert [(f["rule"], f["line"], f["details"].get("field")) for f in findings(run)] == [
        ("schema", 21, "spec.secretName"),  # required, reported at spec
        ("schema", 22, "spec.dnsNames"),
        ("no-schema", 25, None),  # the old API group has no CRD
    ]


def test_prometheus_operator_examples_validate_and_a_broken_one_fails(run_cli: CLI, tmp_path: Path) -> None:
    run = run_cli("check", str(PROMETHEUS), "-t", "1.31", "-o", "json")
    assert run.json()["summary"]["customResources"] >= 10
    assert findings(run) == []
    monitor = (PROMETHEUS / "examples" / "user-guides_getting-started_example-app-service-monitor.yaml").read_text()
    broken = tmp_path / "monitor.yaml"
    broken.write_text(monitor.replace("port: web", "port: 8080\n    intervall: 5s"))
    run = run_cli("check", str(broken), "--crd", str(PROMETHEUS / "bundle.yaml"), "-t", "1.31", "-o", "json")
    assert [(f["rule"], f["details"]["field"]) for f in findings(run)] == [
        ("schema", "spec.endpoints[0].port"), ("unknown-field", "spec.endpoints[0].intervall")]
    assert findings(run)[1]["details"]["suggestion"] == "interval"


def test_stdin_with_crd_and_custom_resource(run_cli: CLI) -> None:
    text = ("apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c}\nspec: {image: 5}\n---\n"
            + (CRDS / "crontab-crd.yaml").read_text())
    run = run_cli("check", "-", "-t", "1.31", "-o", "json", stdin_text=text)
    assert [(f["rule"], f["details"].get("field")) for f in findings(run)] == [
        ("schema", "spec.cronSpec"), ("schema", "spec.image")]


def test_in_memory_inputs_collect_crds_first() -> None:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.core.versions import KubeVersion
    from kcompat.engine.pipeline import check_inputs
    from kcompat.schema.settings import SchemaSettings
    from kcompat.sources.load import LoadedInput
    from kcompat.sources.yaml_stream import parse_stream

    def loaded(name: str, text: str) -> LoadedInput:
        return LoadedInput(name, [d for d in parse_stream(text, name) if not hasattr(d, "message")])

    version = KubeVersion.parse("1.31")
    context = CheckContext(load_catalog(), version, None, SchemaSettings(version))
    inputs = [loaded("cr.yaml", "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c}\n"
                                "spec: {cronSpec: '* * * * *', image: 1}\n"),
              loaded("crd.yaml", (CRDS / "crontab-crd.yaml").read_text())]
    result = check_inputs(iter(inputs), context)
    assert [(f.rule, f.details.get("field")) for f in result.findings] == [("schema", "spec.image")]


def test_parse_crd_shapes() -> None:
    origin = Origin("x.yaml")
    single = yaml.safe_load("""
spec:
  group: g.example.com
  version: v1
  names: {kind: K, plural: ks}
  validation: {openAPIV3Schema: {properties: {spec: {type: object}}}}
""")
    crd, problems = parse_crd(single, "apiextensions.k8s.io/v1beta1", origin)
    assert problems == [] and crd is not None
    [version] = crd.versions
    assert (version.name, version.served, version.storage, version.preserve_unknown) == ("v1", True, True, True)
    assert version.schema is not None and version.schema_path == ("spec", "validation", "openAPIV3Schema")
    v1 = yaml.safe_load("""
metadata: {name: ks.g.example.com}
spec:
  group: g.example.com
  scope: Cluster
  names: {kind: K, plural: ks}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
  - {name: v2, served: true, storage: false}
""")
    crd, problems = parse_crd(v1, "apiextensions.k8s.io/v1", origin)
    assert crd is not None and [v.name for v in crd.versions] == ["v1", "v2"]
    assert [p.path for p in problems] == [("spec", "versions", 1)]  # v1 needs a schema per version
    assert not crd.versions[0].preserve_unknown
    for hostile in ({}, {"spec": []}, {"spec": {"versions": "v1"}}, {"spec": {"group": 1, "names": 2}}):
        crd, problems = parse_crd(hostile, "apiextensions.k8s.io/v1", origin)
        assert crd is None and problems


def test_crd_files_kept_between_passes_report_the_same_positions(run_cli: CLI, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Files parsed for CRDs are kept without node trees; positions must not change."""
    import kcompat.engine.jobs

    tree = tmp_path / "crds"
    shutil.copytree(CRDS, tree)
    (tree / "dup.yaml").write_text((CRDS / "crontab-crd.yaml").read_text().replace(
        "  scope: Namespaced\n", "  scope: Namespaced\n  scope: Cluster\n"))
    kept = run_cli("check", str(tree), "-t", "1.31", "-o", "json", "--jobs", "1").out
    monkeypatch.setattr(kcompat.engine.jobs, "PRELOAD_MAX_BYTES", 0)
    reparsed = run_cli("check", str(tree), "-t", "1.31", "-o", "json", "--jobs", "1").out
    assert kept == reparsed
    rules = {f["rule"] for f in json.loads(kept)["findings"]}
    assert {"crd-invalid", "duplicate-key", "schema", "crd-version-unserved"} <= rules


def test_several_releases_of_a_crd(run_cli: CLI, write: Write) -> None:
    def crd(version: str, field: str) -> str:
        return f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: things.multi.example.com}}
spec:
  group: multi.example.com
  scope: Namespaced
  names: {{kind: Thing, plural: things}}
  versions:
  - name: {version}
    served: true
    storage: true
    schema: {{openAPIV3Schema: {{type: object, properties: {{spec: {{type: object,
             properties: {{{field}: {{type: string}}}}}}}}}}}}
"""
    old = write("old/crd.yaml", crd("v1alpha1", "size"))
    new = write("new/crd.yaml", crd("v1", "width"))
    crs = write("crs.yaml", "apiVersion: multi.example.com/v1alpha1\nkind: Thing\nmetadata: {name: a}\n"
                "spec: {size: s}\n---\napiVersion: multi.example.com/v1\nkind: Thing\nmetadata: {name: b}\n"
                "spec: {width: w, size: s}\n---\napiVersion: multi.example.com/v2\nkind: Thing\n"
                "metadata: {name: c}\n")
    run = run_cli("check", str(crs), "--crd", str(old), "--crd", str(new), "-t", "1.31", "-o", "json")
    assert [(f["rule"], f["line"]) for f in findings(run)] == [("unknown-field", 9), ("crd-version-unserved", 11)]
    assert "serves v1" in findings(run)[1]["message"]  # reported against the last definition


@pytest.mark.parametrize("subresource", [True, False])
def test_status_is_ignored_with_a_status_subresource(run_cli: CLI, write: Write, subresource: bool) -> None:
    crd = (CRDS / "crontab-crd.yaml").read_text()
    if subresource:
        crd = crd.replace("  - name: v1\n    served: true\n    storage: true\n",
                          "  - name: v1\n    served: true\n    storage: true\n    subresources: {status: {}}\n")
    write("crd.yaml", crd)
    path = write("cr.yaml", "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c}\n"
                 "spec: {cronSpec: '* * * * *', image: i}\nstatus: {active: many}\n")
    run = run_cli("check", str(path.parent), "-t", "1.31", "-o", "json")
    assert [f["details"]["field"] for f in findings(run)] == ([] if subresource else ["status.active"])
