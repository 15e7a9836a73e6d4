"""`--kustomize`: remote bases, resources and components are refused unless allowed, before
Kustomize runs (so nothing touches the network)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from kcompat.sources import kustomize
from kcompat.sources.bounded import Finished
from kcompat.sources.kustomize import KustomizeFailure, build, is_remote

REMOTE = [
    "https://github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v1.0.6",
    "http://example.com/deploy.yaml",
    "git@github.com:org/repo.git//base",
    "ssh://git@gitlab.com/org/repo.git",
    "git::https://example.com/repo",
    "github.com/org/repo/base",
    "gitlab.example.org:8443/org/repo",
    "org/repo/base?ref=main",
]
LOCAL = ["../base", "deploy.yaml", "./components/tls", "base", "configs.d/x.yaml"]


@pytest.mark.parametrize("entry", REMOTE)
def test_remote_entries_are_recognised(entry: str) -> None:
    assert is_remote(entry)


@pytest.mark.parametrize("entry", LOCAL)
def test_local_entries_are_not_remote(entry: str) -> None:
    assert not is_remote(entry)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every command build would run and fail on any socket use."""
    commands: list[list[str]] = []

    def no_socket(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("network used")

    def fake_run(command: list[str]) -> Finished:
        commands.append(command)
        return Finished(0, b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "")

    monkeypatch.setattr(socket, "socket", no_socket)
    monkeypatch.setattr(socket, "create_connection", no_socket)
    monkeypatch.setattr(kustomize, "_run", fake_run)
    monkeypatch.setattr(kustomize, "find_tool", lambda: ["kustomize", "build"])
    return commands


def _tree(tmp_path: Path, field: str, entry: str) -> tuple[Path, Path]:
    overlay = tmp_path / "overlay"
    base = tmp_path / "base"
    component = tmp_path / "components" / "tls"
    for folder in (overlay, base, component):
        folder.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text(
        "resources:\n- ../base\n- cm.yaml\ncomponents:\n- ../components/tls\n")
    (overlay / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    (base / "kustomization.yaml").write_text("resources: []\n")
    (component / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
        f"{field}:\n- {entry}\n")
    return overlay, component / "kustomization.yaml"


@pytest.mark.parametrize("field", ["resources", "bases", "components"])
@pytest.mark.parametrize("entry", [REMOTE[0], REMOTE[2], REMOTE[5]])
def test_a_remote_entry_anywhere_is_refused_before_kustomize_runs(
        tmp_path: Path, offline: list[list[str]], field: str, entry: str) -> None:
    overlay, where = _tree(tmp_path, field, entry)
    with pytest.raises(KustomizeFailure) as failure:
        build(str(overlay))
    message = str(failure.value)
    assert "tls" in message and where.name in message and entry in message and field in message
    assert "--allow-remote" in message
    assert offline == []  # Kustomize never ran


def test_allowed_remote_entries_are_built(tmp_path: Path, offline: list[list[str]]) -> None:
    overlay, _where = _tree(tmp_path, "resources", REMOTE[0])
    built = build(str(overlay), allow_remote=True)
    assert len(offline) == 1 and [d.data["kind"] for d in built.loaded.documents] == ["ConfigMap"]


def test_local_overlays_still_build_and_loops_end(tmp_path: Path, offline: list[list[str]]) -> None:
    overlay, _where = _tree(tmp_path, "resources", "../../overlay")  # a loop back to the overlay
    build(str(overlay))
    assert len(offline) == 1


def test_a_local_folder_that_looks_like_a_host_is_local(tmp_path: Path, offline: list[list[str]]) -> None:
    overlay = tmp_path / "o"
    (overlay / "example.com" / "app").mkdir(parents=True)
    (overlay / "example.com" / "app" / "kustomization.yaml").write_text("resources: []\n")
    (overlay / "kustomization.yaml").write_text("resources:\n- example.com/app\n")
    build(str(overlay))
    assert len(offline) == 1
