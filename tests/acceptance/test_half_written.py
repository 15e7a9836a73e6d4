"""Half-written objects: an apiVersion or kind key without a usable value is an error, not a values file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI, Run

Write = Callable[[str, str | bytes], Path]


def check(run_cli: CLI, path: Path) -> tuple[Run, list[dict[str, Any]]]:
    run = run_cli("check", str(path), "-t", "1.29", "-o", "json")
    return run, run.json()["findings"]


@pytest.mark.parametrize(("text", "line", "message"), [
    pytest.param("kind:\n", 1, "apiVersion is missing; kind must be a non-empty string, not null",
                 id="kind-alone"),
    pytest.param("apiVersion:\n", 1, "apiVersion must be a non-empty string, not null; kind is missing",
                 id="apiVersion-alone"),
    pytest.param("apiVersion: v1\nkind:\nmetadata: {name: a}\n", 2,
                 "kind must be a non-empty string, not null", id="kind-empty"),
    pytest.param("apiVersion: v1\nkind: null\n", 2, "kind must be a non-empty string, not null", id="kind-null"),
    pytest.param("apiVersion: v1\nkind: ~\n", 2, "kind must be a non-empty string, not null", id="kind-tilde"),
    pytest.param("apiVersion: v1\nkind: ''\n", 2, "kind must be a non-empty string, not an empty string",
                 id="kind-empty-string"),
    pytest.param("apiVersion: v1\nkind: 5\n", 2, "kind must be a non-empty string, not an integer",
                 id="kind-number"),
    # Kubernetes reads a plain `y` as true (go-yaml v2), so this is no kind at all.
    pytest.param("apiVersion: v1\nkind: y\n", 2, "kind must be a non-empty string, not a boolean",
                 id="kind-y-is-boolean"),
    pytest.param("metadata: {name: a}\napiVersion:\nkind: Pod\n", 2,
                 "apiVersion must be a non-empty string, not null", id="apiVersion-empty"),
    pytest.param("# a comment\nkind: Deployment\nmetadata: {name: web}\nspec: {}\n", 2, "apiVersion is missing",
                 id="apiVersion-missing-from-an-object"),
    pytest.param("apiVersion: apps/v1\nmetadata: {name: web}\n", 1, "kind is missing",
                 id="kind-missing-from-an-object"),
])
def test_half_written_object_is_an_error_with_file_and_line(run_cli: CLI, write: Write, text: str, line: int,
                                                            message: str) -> None:
    path = write("half.yaml", text)
    run, found = check(run_cli, path)
    assert run.code == 1
    assert [(f["rule"], f["severity"], f["path"], f["line"], f["message"]) for f in found] == [
        ("invalid-object", "error", str(path), line, message)]
    assert run.json()["summary"]["notObjects"] == 0


@pytest.mark.parametrize("text", [
    pytest.param("replicaCount: 1\nimage: {tag: latest}\n", id="values-file"),
    pytest.param("apiVersion: v2\nname: chart\nversion: 1.0.0\n", id="Chart.yaml"),
    pytest.param("# DaemonSet or Deployment\nkind: DaemonSet\nreplicas: 1\n", id="values-choosing-a-kind"),
    pytest.param("- a\n- b\n", id="a-list"),
])
def test_documents_that_are_not_objects_are_still_skipped(run_cli: CLI, write: Write, text: str) -> None:
    run, found = check(run_cli, write("values.yaml", text))
    assert run.code == 0
    assert found == []
    assert run.json()["summary"]["notObjects"] == 1


def test_other_documents_of_the_file_are_still_checked(run_cli: CLI, write: Write) -> None:
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
            "apiVersion: v1\nkind:\nmetadata: {name: half}\n---\n"
            "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: pdb}\n"
            "spec: {minAvailable: 1}\n")
    run, found = check(run_cli, write("mixed.yaml", text))
    assert run.code == 1
    assert [(f["rule"], f["document"], f["line"]) for f in found] == [
        ("invalid-object", 1, 6), ("removed-api", 2, 9)]
    assert run.json()["summary"]["objects"] == 2


def test_half_written_item_of_a_list(run_cli: CLI, write: Write) -> None:
    text = ("apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
            "- apiVersion: v1\n  kind:\n  metadata: {name: b}\n")
    run, found = check(run_cli, write("list.yaml", text))
    assert [(f["rule"], f["line"], f["message"]) for f in found] == [
        ("invalid-object", 8, "kind must be a non-empty string, not null")]
    assert run.json()["summary"]["objects"] == 1


def test_text_output_names_file_and_line(run_cli: CLI, write: Write) -> None:
    path = write("half.yaml", "apiVersion: v1\nkind:\n")
    run = run_cli("check", str(path), "-t", "1.29")
    assert run.code == 1
    assert f"{path}:2" in run.out
    assert "invalid-object" in run.out
