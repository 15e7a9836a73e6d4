"""`kcompat diff OLD NEW [PATH...]` end to end: real CRD upgrades, outputs, exit codes, bad input."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import CLI, ROOT
from kcompat.core.rules import RULES

Write = Callable[[str, str | bytes], Path]
FIXTURES = ROOT / "fixtures"
OLD = str(FIXTURES / "corpus/crds/cert-manager-v1.3.1/cert-manager.yaml")
NEW = str(FIXTURES / "realworld/cert-manager-v1.7")
ORDERS_V1 = FIXTURES / "realworld/cert-manager-v1.7/crd-orders.yaml"
SARIF_SCHEMA = json.loads((FIXTURES / "sarif/sarif-schema-2.1.0.json").read_text())
DIFF_SCHEMA = json.loads((ROOT / "kcompat/report/diff-result.schema.json").read_text())
CERTIFICATE = """\
apiVersion: cert-manager.io/v1alpha2
kind: Certificate
metadata: {name: web, namespace: shop}
spec:
  secretName: web-tls
  keyAlgorithm: ecdsa
  issuerRef: {name: letsencrypt}
"""


def test_cert_manager_upgrade_is_not_safe_and_names_the_removed_versions(run_cli: CLI) -> None:
    run = run_cli("diff", OLD, NEW, "-o", "json")
    assert run.code == 1
    data = run.json()
    jsonschema.validate(data, DIFF_SCHEMA)
    assert data["safe"] is False and data["command"] == "diff"
    assert data["summary"]["oldCrds"] == data["summary"]["newCrds"] == 6
    assert data["summary"]["byRule"] == {"crd-version-removed": 18}
    first = data["findings"][0]
    assert (first["path"], first["line"], first["kind"]) == (OLD, 50, "CustomResourceDefinition")
    assert (first["details"]["version"], first["details"]["crd"]) == ("v1alpha2", "certificaterequests.cert-manager.io")


def test_custom_resources_in_path_are_told_what_breaks(run_cli: CLI, write: Write) -> None:
    crs = write("crs/cert.yaml", CERTIFICATE)
    run = run_cli("diff", OLD, NEW, str(crs.parent), "-o", "json")
    assert run.code == 1
    jsonschema.validate(run.json(), DIFF_SCHEMA)
    (finding,) = [f for f in run.json()["findings"] if f["path"] == str(crs)]
    assert finding["rule"] == "crd-version-unserved" and (finding["line"], finding["column"]) == (1, 1)
    assert finding["replacement"] == "cert-manager.io/v1" and finding["name"] == "web"
    assert finding["details"]["fieldsToChange"] == [".spec.keyAlgorithm"]
    assert run.json()["summary"]["customResources"] == 1


def test_text_output_groups_by_file_and_ends_with_the_verdict(run_cli: CLI, write: Write) -> None:
    crs = write("cert.yaml", CERTIFICATE)
    run = run_cli("diff", OLD, NEW, str(crs), "--color", "never")
    assert run.code == 1
    lines = run.out.splitlines()
    assert f"  {crs}:1:1: error crd-version-unserved: cert-manager.io/v1alpha2 Certificate shop/web: " \
        "CRD certificates.cert-manager.io in NEW does not define v1alpha2" in run.out
    assert "      use cert-manager.io/v1" in lines
    assert lines[-1] == ("19 errors, 0 warnings, 0 info: 6 CRDs in OLD, 6 in NEW, 1 custom resource checked; "
                         "NOT SAFE: breaking changes")


def test_same_crds_are_safe(run_cli: CLI) -> None:
    run = run_cli("diff", NEW, NEW)
    assert run.code == 0
    assert run.out.strip().endswith("6 CRDs in OLD, 6 in NEW, 0 custom resources checked; safe")


def test_helm_chart_folder_is_read_from_its_crds_folder(run_cli: CLI, tmp_path: Path) -> None:
    chart = tmp_path / "cert-manager"
    shutil.copytree(NEW, chart / "crds")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: cert-manager\nversion: 1.7.0\n")
    (chart / "templates").mkdir()
    (chart / "templates/deployment.yaml").write_text("{{- if .Values.x }}\nkind: {{ .Values.kind }}\n{{- end }}\n")
    run = run_cli("diff", OLD, str(chart), "-o", "json")
    assert run.code == 1 and run.json()["summary"]["byRule"] == {"crd-version-removed": 18}
    (chart / "crds/crd-orders.yaml").unlink()
    removed = [f for f in run_cli("diff", OLD, str(chart), "-o", "json").json()["findings"]
               if f["rule"] == "crd-removed"]
    assert [f["details"]["crd"] for f in removed] == ["orders.acme.cert-manager.io"]


def test_chart_that_renders_no_crd_is_a_usage_error(run_cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 1.0.0\n")
    run = run_cli("diff", OLD, str(tmp_path))
    assert run.code == 2 and "renders no CustomResourceDefinition" in run.err and "installCRDs" in run.err


def test_chart_templates_that_produce_crds_are_rendered(run_cli: CLI, tmp_path: Path) -> None:
    """cert-manager's chart ships its CRDs as a template behind `installCRDs`, not in crds/."""
    chart = tmp_path / "cert-manager"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: cert-manager\nversion: 1.7.0\n")
    (chart / "values.yaml").write_text("installCRDs: false\n")
    text = (Path(NEW) / "crd-certificates.yaml").read_text()
    (chart / "templates/crds.yaml").write_text("{{- if .Values.installCRDs }}\n" + text.replace("{{", "{{`{{`}}")
                                               + "\n{{- end }}\n")
    assert run_cli("diff", OLD, str(chart)).code == 2  # renders nothing without the value
    run = run_cli("diff", OLD, str(chart), "--set", "installCRDs=true", "-o", "json")
    assert run.code == 1
    removed = [f for f in run.json()["findings"] if f["rule"] == "crd-removed"]
    assert len(removed) == 5 and run.json()["summary"]["newCrds"] == 1
    gone = sorted(f["details"]["version"] for f in run.json()["findings"] if f["rule"] == "crd-version-removed")
    assert gone == ["v1alpha2", "v1alpha3", "v1beta1"]


def test_chart_without_helm_reads_crds_folder_and_says_so(run_cli: CLI, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KCOMPAT_HELM_BACKEND", "none")
    chart = tmp_path / "cert-manager"
    shutil.copytree(NEW, chart / "crds")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: cert-manager\nversion: 1.7.0\n")
    run = run_cli("diff", OLD, str(chart), "-o", "json")
    assert run.code == 1 and run.json()["summary"]["byRule"] == {"crd-version-removed": 18}
    assert "only the chart's crds/ folder was read" in run.err
    (chart / "crds").rename(tmp_path / "elsewhere")
    run = run_cli("diff", OLD, str(chart))
    assert run.code == 2 and "without a crds/ folder" in run.err


def test_new_without_a_crd_of_old_reports_it_removed(run_cli: CLI, write: Write) -> None:
    new = write("new.yaml", ORDERS_V1.read_text())
    run = run_cli("diff", NEW, str(new), "-o", "json")
    assert run.code == 1
    assert sorted(f["details"]["crd"] for f in run.json()["findings"]) == [
        "certificaterequests.cert-manager.io", "certificates.cert-manager.io", "challenges.acme.cert-manager.io",
        "clusterissuers.cert-manager.io", "issuers.cert-manager.io"]
    assert {f["rule"] for f in run.json()["findings"]} == {"crd-removed"}


def _mutated_orders(write: Write, name: str, change: Callable[[dict[str, object]], None]) -> Path:
    crd = yaml.safe_load(ORDERS_V1.read_text())
    change(crd)
    return write(name, yaml.safe_dump(crd, sort_keys=False))


def _add_cel_rule(crd: dict[str, object]) -> None:
    spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]  # type: ignore[index]
    spec["x-kubernetes-validations"] = [{"rule": "size(self.dnsNames) < 100"}]


def test_fail_on_and_ignore(run_cli: CLI, write: Write) -> None:
    new = _mutated_orders(write, "cel.yaml", _add_cel_rule)
    assert run_cli("diff", str(ORDERS_V1), str(new)).code == 0  # a warning only
    assert run_cli("diff", str(ORDERS_V1), str(new), "--fail-on", "warning").code == 1
    run = run_cli("diff", OLD, NEW, "--ignore", "crd-version-removed", "-o", "json")
    assert run.code == 0 and run.json()["summary"]["suppressed"] == 18 and run.json()["safe"] is True
    assert run_cli("diff", OLD, NEW, "--fail-on", "none").code == 0


def test_versions_flag_adds_conversion_notes(run_cli: CLI) -> None:
    run = run_cli("diff", OLD, OLD, "--versions", "-o", "json")
    assert run.code == 0
    notes = [f for f in run.json()["findings"] if f["rule"] == "crd-version-conversion"]
    assert notes and all(f["severity"] == "info" for f in notes)
    assert {"v1alpha2 -> v1", "v1alpha3 -> v1", "v1beta1 -> v1"} <= {f["details"]["version"] for f in notes}


def test_sarif_is_valid_and_declares_the_diff_rules(run_cli: CLI, write: Write) -> None:
    crs = write("cert.yaml", CERTIFICATE)
    run = run_cli("diff", OLD, NEW, str(crs), "-o", "sarif")
    assert run.code == 1
    log = json.loads(run.out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    sarif_run = log["runs"][0]
    rules = sarif_run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert "crd-version-removed" in ids and "removed-api" not in ids
    removed = rules[ids.index("crd-version-removed")]
    assert removed["defaultConfiguration"]["level"] == "error"
    assert removed["shortDescription"]["text"] == RULES["crd-version-removed"].summary
    assert removed["helpUri"].endswith("#rule-crd-version-removed")
    for result in sarif_run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    assert len(sarif_run["results"]) == 19 and sarif_run["properties"]["command"] == "diff"


def test_markdown_has_the_verdict_and_both_sections(run_cli: CLI, write: Write) -> None:
    crs = write("cert.yaml", CERTIFICATE)
    run = run_cli("diff", OLD, NEW, str(crs), "-o", "markdown")
    assert run.code == 1
    assert run.out.startswith("## kcompat diff: `")
    assert "**NOT SAFE: breaking changes**" in run.out
    assert "### CRD changes" in run.out and "### Custom resources that break" in run.out
    assert "| `crd-version-removed` | 18 |" in run.out


def test_markdown_and_text_of_a_safe_diff(run_cli: CLI) -> None:
    assert "No findings." in run_cli("diff", NEW, NEW, "-o", "markdown").out
    assert run_cli("diff", NEW, NEW, "-o", "json").json()["findings"] == []


@pytest.mark.parametrize("args", [
    ("diff", "missing-old.yaml", NEW),
    ("diff", OLD, "missing-new"),
    ("diff", "-", NEW),
    ("diff", OLD),
    ("diff", OLD, NEW, "-o", "junit"),
])
def test_usage_errors_exit_2(run_cli: CLI, args: tuple[str, ...]) -> None:
    assert run_cli(*args).code == 2


def test_no_crd_on_either_side_is_a_usage_error(run_cli: CLI, write: Write) -> None:
    plain = write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    run = run_cli("diff", str(plain), str(plain))
    assert run.code == 2 and "no CustomResourceDefinition" in run.err


def test_unreadable_input_is_exit_2_with_the_reason(run_cli: CLI, write: Write) -> None:
    missing = write("crs/ok.yaml", CERTIFICATE).parent / "gone.yaml"
    missing.symlink_to(missing.parent / "nowhere.yaml")
    run = run_cli("diff", NEW, NEW, str(missing.parent), "-o", "json")
    assert run.code == 2 and "No such file or directory" in run.err
    assert run.json()["inputErrors"][0]["path"] == str(missing)


def test_broken_yaml_in_new_is_a_parse_error_not_a_crash(run_cli: CLI, write: Write) -> None:
    broken = write("new/broken.yaml", "kind: [unclosed\n")
    shutil.copy(ORDERS_V1, broken.parent / "orders.yaml")
    run = run_cli("diff", str(ORDERS_V1), str(broken.parent), "-o", "json")
    assert run.code == 1
    assert [f["rule"] for f in run.json()["findings"]] == ["parse-error"]


# --------------------------------------------------------------------------- speed


def _many_crds(count: int, mutate: bool, names: tuple[str, ...]) -> str:
    """count renamed copies of real cert-manager v1.7 CRDs (NEW: every third one changed)."""
    sources = [yaml.load((Path(NEW) / f"crd-{name}.yaml").read_text(), Loader=yaml.CSafeLoader) for name in names]
    docs = []
    for index in range(count):
        crd = json.loads(json.dumps(sources[index % len(sources)]))
        group = f"g{index}.example.com"
        crd["spec"]["group"] = group
        crd["metadata"] = {"name": f"{crd['spec']['names']['plural']}.{group}"}
        if mutate and index % 3 == 0:
            props = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
            props.pop(sorted(props)[0])
        docs.append(yaml.dump(crd, Dumper=yaml.CSafeDumper, sort_keys=False))
    return "---\n".join(docs)


TYPICAL = ("orders", "certificaterequests", "certificates")
"""10 to 24 kB each: 200 of them are 3 MB of YAML a side. (All six, with the 110 kB issuers, make
12 MB a side: reading that much YAML with positions takes longer; see docs/crd-upgrades.md.)"""


@pytest.mark.slow
def test_diff_of_200_crds_takes_under_2_seconds(run_cli: CLI, write: Write) -> None:
    old = write("old.yaml", _many_crds(200, False, TYPICAL))
    new = write("new.yaml", _many_crds(200, True, TYPICAL))
    started = time.process_time()  # CPU time: the machine is shared, wall time varies with its load
    run = run_cli("diff", str(old), str(new), "-o", "json")
    elapsed = time.process_time() - started
    assert run.code == 1
    summary = run.json()["summary"]
    assert summary["oldCrds"] == summary["newCrds"] == 200
    assert summary["byRule"] == {"crd-field-removed": 67}
    assert elapsed < 2.0, f"diff of 200 CRDs took {elapsed:.2f} s"


def test_an_unreadable_crd_in_new_is_invalid_not_removed(run_cli: CLI, write: Write) -> None:
    crd = yaml.safe_load(ORDERS_V1.read_text())
    del crd["spec"]["versions"]
    new = write("new.yaml", yaml.safe_dump(crd, sort_keys=False))
    run = run_cli("diff", str(ORDERS_V1), str(new), "-o", "json")
    assert run.code == 1
    (finding,) = run.json()["findings"]
    assert (finding["rule"], finding["path"], finding["details"]["crd"]) == (
        "crd-invalid", str(new), "orders.acme.cert-manager.io")


def test_an_ignore_comment_suppresses_a_finding_on_that_document(run_cli: CLI, write: Write) -> None:
    crs = write("cert.yaml", "# kcompat: ignore=crd-version-unserved\n" + CERTIFICATE)
    run = run_cli("diff", OLD, NEW, str(crs), "-o", "json", "--ignore", "crd-version-removed")
    assert run.code == 0
    (finding,) = [f for f in run.json()["findings"] if f["path"] == str(crs)]
    assert finding["suppressed"] is True and finding["details"]["suppressedBy"] == "comment"


def test_a_kubectl_list_export_as_old_gives_exact_stored_versions(run_cli: CLI, write: Write) -> None:
    """`kubectl get crd -o yaml` is a List whose CRDs carry status.storedVersions."""
    legacy = yaml.safe_load((FIXTURES / "realworld/cert-manager-v1.0-legacy/crd-orders.v1beta1.yaml").read_text())
    legacy["status"] = {"storedVersions": ["v1alpha2", "v1"]}
    live = write("live.yaml", yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [legacy]}, sort_keys=False))
    run = run_cli("diff", str(live), str(ORDERS_V1), "-o", "json")
    assert run.code == 1
    found = sorted((f["rule"], f["details"]["version"]) for f in run.json()["findings"])
    assert found == [("crd-storage-version-removed", "v1alpha2"), ("crd-version-removed", "v1alpha2"),
                     ("crd-version-removed", "v1alpha3"), ("crd-version-removed", "v1beta1")]
    storage = next(f for f in run.json()["findings"] if f["rule"] == "crd-storage-version-removed")
    assert live.read_text().splitlines()[storage["line"] - 1].strip() == "- name: v1alpha2"
