"""Issue 10.5: `kcompat fix --write` under faults: every file is its old bytes or its new bytes."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

SOURCE = FIXTURES / "fix"


def _corpus(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A copy of the fix fixtures, with each file's old bytes and its bytes after `fix --write`."""
    old_dir = tmp_path / "old"
    shutil.copytree(SOURCE, old_dir, symlinks=True)
    old = {str(p.relative_to(old_dir)): p.read_bytes() for p in old_dir.rglob("*") if p.is_file()}
    new_dir = tmp_path / "new"
    shutil.copytree(old_dir, new_dir, symlinks=True)
    subprocess.run([sys.executable, "-m", "kcompat", "fix", "-t", "1.29", "--write", "-q", str(new_dir)],
                   capture_output=True, cwd=ROOT, timeout=120)
    new = {str(p.relative_to(new_dir)): p.read_bytes() for p in new_dir.rglob("*") if p.is_file()}
    assert old.keys() == new.keys() and old != new
    return old_dir, old, new


def _assert_old_or_new(folder: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            name = str(path.relative_to(folder))
            assert name in old, f"left behind: {name}"  # no temporary file survives... unless killed
            assert path.read_bytes() in (old[name], new[name]), f"{name} is neither old nor new"


@pytest.mark.slow
def test_sigkill_at_random_points(tmp_path: Path) -> None:
    _, old, new = _corpus(tmp_path)
    rng = random.Random(10)
    for attempt in range(12):
        work = tmp_path / f"run{attempt}"
        shutil.copytree(tmp_path / "old", work, symlinks=True)
        process = subprocess.Popen([sys.executable, "-m", "kcompat", "fix", "-t", "1.29", "--write", "-q",
                                    str(work)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        # a kill between mkstemp and os.replace may leave a .kcompat-tmp file; never a torn original
        for temp in work.rglob("*.kcompat-tmp"):
            temp.unlink()
        _assert_old_or_new(work, old, new)


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG, as on a full disk


def test_disk_full_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    old_dir, old, new = _corpus(tmp_path)
    limit = sorted(len(b) for b in new.values())[len(new) // 2]  # half of the rewrites cannot be written
    done = subprocess.run([sys.executable, "-m", "kcompat", "fix", "-t", "1.29", "--write", "-q", str(old_dir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: _limit_file_size(limit))
    assert done.returncode == 2 and "not written: File too large" in done.stderr
    assert "Traceback" not in done.stderr
    _assert_old_or_new(old_dir, old, new)
    assert not list(old_dir.rglob("*.kcompat-tmp"))
    written = [name for name in old if (old_dir / name).read_bytes() != old[name]]
    assert written  # the files that fit were still fixed


def test_read_only_files_and_folders(tmp_path: Path) -> None:
    old_dir, old, new = _corpus(tmp_path)
    changed = sorted(name for name in old if old[name] != new[name])
    locked = old_dir / changed[0]
    locked.chmod(0o444)
    done = subprocess.run([sys.executable, "-m", "kcompat", "fix", "-t", "1.29", "--write", "-q", str(old_dir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and f"{changed[0]}: not written: file is read-only" in done.stderr
    assert locked.read_bytes() == old[changed[0]]
    assert stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert (old_dir / changed[1]).read_bytes() == new[changed[1]]


def test_permissions_and_crlf_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "ing.yaml"
    text = ("apiVersion: extensions/v1beta1\r\nkind: Ingress\r\nmetadata:\r\n  name: a  # keep\r\nspec:\r\n"
            "  backend:\r\n    serviceName: s\r\n    servicePort: 80\r\n")
    path.write_bytes(text.encode())
    path.chmod(0o640)
    done = subprocess.run([sys.executable, "-m", "kcompat", "fix", "-t", "1.29", "--write", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    data = path.read_bytes()
    assert b"networking.k8s.io/v1" in data and b"# keep" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["ing.yaml"]
