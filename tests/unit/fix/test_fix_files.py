"""kcompat fix on files: byte preservation, CLI, atomic writes, templates, the whole fixture corpus."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, Run
from kcompat.catalog.fix_routes import fixable
from kcompat.checks.api_lifecycle import check_api
from kcompat.core.versions import KubeVersion
from kcompat.engine.pipeline import load_all
from kcompat.fix import writer
from kcompat.fix.files import fix_context
from kcompat.fix.rewrite import fix_text, split_spans
from kcompat.sources.load import LoadedInput
from kcompat.sources.resources import extract

TARGET = KubeVersion.parse("1.29")

UNTOUCHED = (
    "# leading comment\n"
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata: {name: 'a',   labels: {x: \"1\"}}\n"
    "data:\n"
    "    odd:   indentation   # kept\n"
)
OLD = (
    "apiVersion: batch/v1beta1  # old\n"
    "kind: CronJob\n"
    "metadata:\n"
    "  name: job   # the name\n"
    "spec:\n"
    "  schedule: '*/5 * * * *'\n"
    "  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}\n"
)


def test_untouched_documents_are_byte_identical() -> None:
    text = "---\n" + UNTOUCHED + "\n---   # marker comment\n" + OLD + "...\n---\n" + UNTOUCHED.rstrip("\n")
    result = fix_text(text, "x.yaml", fix_context(TARGET))
    assert len(result.changes) == 1
    before = [text[s.start:s.end] for s in split_spans(text)]
    after = [result.text[s.start:s.end] for s in split_spans(result.text)]
    assert len(before) == len(after) == 3
    assert before[0] == after[0] and before[2] == after[2]
    assert after[1] == before[1].replace("batch/v1beta1", "batch/v1     ", 1).replace("v1      ", "v1 ", 1) or \
        "apiVersion: batch/v1" in after[1]
    assert "# the name" in after[1] and "---   # marker comment\n" in after[1] and after[1].endswith("...\n")


def test_crlf_and_missing_final_newline_are_kept() -> None:
    text = (UNTOUCHED + "---\n" + OLD).replace("\n", "\r\n").rstrip("\r\n")
    result = fix_text(text, "x.yaml", fix_context(TARGET))
    assert result.changes
    assert "\n" not in result.text.replace("\r\n", "")
    assert not result.text.endswith("\n")
    assert result.text.startswith(UNTOUCHED.replace("\n", "\r\n"))


def test_nothing_to_fix_changes_nothing() -> None:
    result = fix_text(UNTOUCHED, "x.yaml", fix_context(TARGET))
    assert result.text == UNTOUCHED and not result.changes and not result.problems


def test_suppressed_deprecation_is_respected() -> None:
    text = ("# kcompat: ignore=deprecated-api\napiVersion: flowcontrol.apiserver.k8s.io/v1beta3\n"
            "kind: FlowSchema\nmetadata: {name: a}\nspec: {priorityLevelConfiguration: {name: b}}\n")
    assert fix_text(text, "x.yaml", fix_context(TARGET)).text == text


def test_list_items_are_migrated() -> None:
    text = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: policy/v1beta1\n  kind: PodDisruptionBudget\n"
            "  metadata: {name: a}\n  spec: {maxUnavailable: 1, selector: {matchLabels: {app: a}}}\n")
    result = fix_text(text, "x.yaml", fix_context(TARGET))
    assert "- apiVersion: policy/v1\n" in result.text


def _copy(tmp_path: Path, *names: str) -> Path:
    root = tmp_path / "copy"
    for name in names:
        shutil.copytree(FIXTURES / name, root / name)
    return root


def _lifecycle_findings(root: Path) -> list[tuple[str, str, str]]:
    context = fix_context(TARGET)
    found = []
    for loaded in load_all([str(root)], []):
        assert isinstance(loaded, LoadedInput)
        for resource in extract(loaded.documents).resources:
            for finding in check_api(resource, context):
                if finding.rule in ("removed-api", "deprecated-api") and not resource.document.ignores(finding.rule):
                    found.append((loaded.path, resource.api_version, resource.kind))
    return found


def test_fix_corpus_and_demo_then_recheck(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    root = _copy(tmp_path, "corpus/bench", "corpus/crds", "demo")
    before = _lifecycle_findings(root)
    assert any(fixable(av, kind, TARGET) for _, av, kind in before)
    first = run_cli("fix", str(root), "-t", "1.29", "--write")
    assert first.code == 1  # PodSecurityPolicy and InitializerConfiguration stay
    after = _lifecycle_findings(root)
    assert after and all(not fixable(av, kind, TARGET) for _, av, kind in after)
    assert {kind for _, _, kind in after} <= {"PodSecurityPolicy", "InitializerConfiguration"}
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    second = run_cli("fix", str(root), "-t", "1.29")
    assert second.out == ""  # idempotent: no diff
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == snapshot


def test_untouched_files_keep_their_bytes(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    root = _copy(tmp_path, "corpus/bench")
    original = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    run_cli("fix", str(root), "-t", "1.29", "--write")
    context = fix_context(TARGET)
    for path, raw in original.items():
        text = raw.decode("utf-8-sig")
        if fix_text(text, str(path), context).text == text:
            assert path.read_bytes() == raw, path


def test_diff_mode_does_not_write(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    path = tmp_path / "job.yaml"
    path.write_text(OLD)
    result = run_cli("fix", str(path), "-t", "1.29")
    assert result.code == 0
    assert "-apiVersion: batch/v1beta1" in result.out and "+apiVersion: batch/v1" in result.out
    assert path.read_text() == OLD
    assert run_cli("fix", str(path), "-t", "1.29", "--check").code == 1
    assert run_cli("fix", str(path), "-t", "1.29", "--write").code == 0
    assert run_cli("fix", str(path), "-t", "1.29", "--check").code == 0


def test_write_keeps_permissions_and_reports_read_only(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    good, locked = tmp_path / "good.yaml", tmp_path / "locked.yaml"
    good.write_text(OLD)
    locked.write_text(OLD)
    good.chmod(0o640)
    locked.chmod(0o444)
    try:
        result = run_cli("fix", str(tmp_path), "-t", "1.29", "--write")
    finally:
        locked.chmod(0o644)
    assert result.code == 2
    assert "locked.yaml: not written: file is read-only" in result.err
    assert locked.read_text() == OLD
    assert "apiVersion: batch/v1 " in good.read_text()
    assert stat.S_IMODE(good.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".kcompat-tmp")]


def test_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(OLD)

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(writer.WriteError):
        writer.atomic_write(str(path), b"new")
    assert path.read_text() == OLD
    assert list(tmp_path.iterdir()) == [path]


def test_missing_path_is_a_usage_error(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    assert run_cli("fix", str(tmp_path / "nope.yaml")).code == 2
    assert run_cli("fix", "-").code == 2


def test_helm_templates_are_left_alone_unless_asked(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    chart = _copy(tmp_path, "corpus/charts/deprecated/kube-hunter", "corpus/charts/deprecated/sealed-secrets")
    before = {p: p.read_bytes() for p in chart.rglob("*") if p.is_file()}
    result = run_cli("fix", str(chart), "-t", "1.29", "--write")
    assert {p: p.read_bytes() for p in chart.rglob("*") if p.is_file()} == before
    assert "Helm template" in result.err and result.code == 1
    result = run_cli("fix", str(chart), "-t", "1.29", "--write", "--templates")
    cronjob = (chart / "corpus/charts/deprecated/kube-hunter/templates/cronjob.yaml").read_text()
    assert "apiVersion: batch/v1\n" in cronjob and "{{" in cronjob
    assert "needs field changes" in result.err  # Ingress and CRD templates need hand work
    ingress = chart / "corpus/charts/deprecated/sealed-secrets/templates/ingress.yaml"
    assert ingress.read_bytes() == before[ingress]
