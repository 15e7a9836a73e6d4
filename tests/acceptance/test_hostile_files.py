"""Issue 10.4: odd files and directories are reported, none is fatal to the rest of the run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, Run

REMOVED = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec: {}\n"
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"


def _kcompat(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kcompat", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text(REMOVED)
    return tmp_path


def test_a_fifo_in_a_folder_does_not_hang_and_is_reported(tree: Path, run_cli: Callable[..., Run]) -> None:
    os.mkfifo(tree / "pipe.yaml")
    result = run_cli("check", "-o", "json", str(tree))
    assert result.code == 2
    assert "pipe.yaml: not a regular file: a FIFO" in result.err
    assert {f["rule"] for f in result.json()["findings"]} == {"removed-api"}


def test_a_fifo_named_explicitly_does_not_hang(tree: Path) -> None:
    os.mkfifo(tree / "pipe.yaml")
    done = _kcompat("check", str(tree / "pipe.yaml"), str(tree / "good.yaml"), timeout=60)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [("fix", "-t", "1.29"), ("graph",), ("plan", "-c", "1.21", "-t", "1.29"),
                                     ("report", "-c", "1.21")])
def test_every_command_refuses_a_fifo(command: tuple[str, ...], tree: Path, run_cli: Callable[..., Run]) -> None:
    os.mkfifo(tree / "pipe.yaml")
    result = run_cli(*command, str(tree / "pipe.yaml"), str(tree / "good.yaml"))
    assert result.code == 2 and "not a regular file: a FIFO" in result.err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_not_read(device: str, tree: Path, run_cli: Callable[..., Run]) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    result = run_cli("check", device, str(tree / "good.yaml"))
    assert result.code == 2 and f"{device}: not a regular file: a device" in result.err
    assert "good.yaml" in result.out


def test_dev_zero_in_a_process_does_not_hang(tree: Path) -> None:
    done = _kcompat("check", "/dev/zero", str(tree / "good.yaml"), timeout=60)
    assert done.returncode == 2 and "/dev/zero: not a regular file: a device" in done.stderr


@pytest.mark.parametrize("option", ["--audit-log", "--metrics"])
def test_clients_refuse_devices(option: str, run_cli: Callable[..., Run]) -> None:
    result = run_cli("clients", option, "/dev/zero")
    assert result.code == 2 and "not a regular file: a device" in result.out + result.err


def test_symlink_loops_and_dangling_links_are_reported(tree: Path, run_cli: Callable[..., Run]) -> None:
    (tree / "sub").mkdir()
    (tree / "sub" / "up").symlink_to("..")          # a directory loop: os.walk does not follow it
    (tree / "self.yaml").symlink_to("self.yaml")     # a link to itself
    (tree / "gone.yaml").symlink_to("/nonexistent")  # dangling: what chmod 000 is for a non-root user
    result = run_cli("check", "-o", "json", str(tree))
    assert result.code == 2
    assert "self.yaml: Too many levels of symbolic links" in result.err
    assert "gone.yaml: No such file or directory" in result.err
    assert [f["path"] for f in result.json()["findings"]] == [str(tree / "good.yaml")]


def test_unreadable_file_is_reported(tree: Path, run_cli: Callable[..., Run]) -> None:
    locked = tree / "locked.yaml"
    locked.write_text(REMOVED)
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("running as root: chmod 000 does not stop reading (dangling links and FIFOs cover it)")
    result = run_cli("check", str(tree))
    assert result.code == 2 and "locked.yaml: Permission denied" in result.err


def test_a_file_that_vanishes_during_the_run(tree: Path, run_cli: Callable[..., Run],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import kcompat.engine.run as engine

    (tree / "vanish.yaml").write_text(REMOVED)
    real = engine.discover_tree

    def discover_then_delete(paths: list[str], exclude: list[str]) -> object:
        found = real(paths, exclude)
        (tree / "vanish.yaml").unlink()
        return found

    monkeypatch.setattr(engine, "discover_tree", discover_then_delete)
    result = run_cli("check", str(tree))
    assert result.code == 2
    assert "vanish.yaml: No such file or directory" in result.err
    assert "good.yaml:1:1: error removed-api" in result.out


def test_a_file_that_grows_past_the_limit_during_the_run(tree: Path, run_cli: Callable[..., Run],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from kcompat.core import limits

    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    (tree / "grow.yaml").write_text(CLEAN + "#" * 5000 + "\n")
    result = run_cli("check", "-o", "json", str(tree))
    assert result.code == 1
    assert any(f["rule"] == "skipped-file" and f["path"].endswith("grow.yaml") for f in result.json()["findings"])


def test_very_long_paths(tree: Path, run_cli: Callable[..., Run]) -> None:
    long_name = "n" * 300 + ".yaml"  # longer than NAME_MAX (255)
    deep = tree
    for _ in range(30):  # 30 x 200 characters: longer than PATH_MAX (4096)
        deep = deep / ("d" * 200)
    os.makedirs(deep, exist_ok=True) if len(str(deep)) < 4000 else None
    result = run_cli("check", str(tree / long_name), str(deep / "x.yaml"), str(tree / "good.yaml"))
    assert result.code == 2
    assert result.err.count("kcompat: error:") == 2 and "good.yaml:1:1: error removed-api" in result.out


def test_a_deep_tree_near_path_max(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    folder = os.fspath(tmp_path)
    while len(folder) < 3800:
        folder = os.path.join(folder, "d" * 200)
        os.mkdir(folder)
    with open(os.path.join(folder, "x.yaml"), "w") as handle:
        handle.write(REMOVED)
    result = run_cli("check", str(tmp_path))
    assert result.code == 1 and "error removed-api" in result.out


@pytest.mark.slow
def test_non_utf8_file_names(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"bad-\xff\xfe.yaml"), "wb") as handle:
        handle.write(REMOVED.encode())
    for command in (("check", "-o", "text"), ("check", "-o", "json"), ("check", "-o", "sarif"),
                    ("fix", "-t", "1.29"), ("graph",), ("report", "-c", "1.21")):
        done = subprocess.run([sys.executable, "-m", "kcompat", *command, str(tmp_path)], capture_output=True,
                              timeout=60, cwd=ROOT)
        assert done.returncode in (0, 1), (command, done.stderr)
        assert b"Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "kcompat", "fix", "-t", "1.29", "--write", str(tmp_path)],
                          capture_output=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0
    with open(os.path.join(folder, b"bad-\xff\xfe.yaml"), "rb") as handle:
        assert b"networking.k8s.io/v1" in handle.read()
