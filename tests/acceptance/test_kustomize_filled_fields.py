"""Fields a kustomization's transformers fill (commonLabels -> selectors, namespace -> subjects'
namespaces) are not reported missing in the files it lists, nor in the bases an overlay builds."""

from __future__ import annotations

from pathlib import Path

from conftest import CLI

DAEMONSET = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
spec:
  template:
    metadata:
      labels: {k8s-app: fluentd}
    spec:
      containers:
      - name: fluentd
        image: fluent/fluentd:v1.7
"""
BINDING = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: fluentd
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: fluentd}
subjects:
- kind: ServiceAccount
  name: fluentd
"""


def _errors(run_cli: CLI, path: Path) -> list[tuple[str, str]]:
    data = run_cli("check", str(path), "-t", "1.29", "-o", "json").json()
    return [(f["rule"], f["message"]) for f in data["findings"] if f["severity"] == "error"]


def test_files_of_a_kustomization_with_common_labels_and_namespace(run_cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "daemonset.yaml").write_text(DAEMONSET)
    (tmp_path / "binding.yaml").write_text(BINDING)
    (tmp_path / "kustomization.yaml").write_text(
        "namespace: kube-system\ncommonLabels: {app: fluentd}\nresources: [daemonset.yaml, binding.yaml]\n")
    assert _errors(run_cli, tmp_path) == []


def test_the_same_files_without_the_kustomization_are_reported(run_cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "daemonset.yaml").write_text(DAEMONSET)
    (tmp_path / "binding.yaml").write_text(BINDING)
    messages = " ".join(message for _, message in _errors(run_cli, tmp_path))
    assert "spec.selector" in messages and "subjects[0].namespace" in messages


def test_an_overlay_fills_fields_of_its_base(run_cli: CLI, tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "daemonset.yaml").write_text(DAEMONSET)
    (base / "kustomization.yaml").write_text("resources: [daemonset.yaml]\n")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "resources: [../base]\nlabels:\n- pairs: {app: fluentd}\n  includeSelectors: true\n")
    assert _errors(run_cli, tmp_path) == []


def test_labels_without_selectors_do_not_fill_the_selector(run_cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "daemonset.yaml").write_text(DAEMONSET)
    (tmp_path / "kustomization.yaml").write_text("labels:\n- pairs: {app: fluentd}\nresources: [daemonset.yaml]\n")
    assert any("spec.selector" in message for _, message in _errors(run_cli, tmp_path))


def test_fields_kustomize_does_not_fill_are_still_required(run_cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "daemonset.yaml").write_text(DAEMONSET.replace("        image: fluent/fluentd:v1.7\n", ""))
    (tmp_path / "kustomization.yaml").write_text(
        "namespace: kube-system\ncommonLabels: {app: fluentd}\nresources: [daemonset.yaml]\n")
    assert [rule for rule, message in _errors(run_cli, tmp_path) if "image" in message] == ["required-value"]
