"""A resource quantity with an absurd exponent is checked in bounded time, with the server's verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx
    resources:
      requests:
        cpu: "1e999999999"
        memory: "-1e999999999"
      limits:
        cpu: "1e999999998"
"""


def test_huge_exponents_are_compared_not_expanded(tmp_path: Path) -> None:
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(POD)
    done = subprocess.run([sys.executable, "-m", "kcompat", "check", str(manifest), "-o", "json", "-j", "1"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    messages = sorted(f["message"] for f in json.loads(done.stdout)["findings"])
    assert any("must be less than or equal to cpu limit of 1e999999998" in m for m in messages), messages
    assert any('"-1e999999999": must be greater than or equal to 0' in m for m in messages), messages
