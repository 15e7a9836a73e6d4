"""Write a seed corpus per target from fixtures/: python fuzz/seeds.py OUT_DIR"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")
MAX_SEED = 64 * 1024


def _files(suffixes: tuple[str, ...]) -> list[str]:
    found = []
    for folder, _, names in os.walk(FIXTURES):
        found.extend(os.path.join(folder, n) for n in names if n.endswith(suffixes))
    return sorted(found)


def seeds() -> dict[str, list[bytes]]:
    manifests = [Path(p).read_bytes()[:MAX_SEED] for p in _files((".yaml", ".yml", ".json"))]
    release = json.dumps({"name": "r", "version": 1, "info": {"status": "deployed"},
                          "manifest": "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n"})
    releases = [b"\x00" + base64.b64encode(gzip.compress(release.encode())), b"\x00" + release.encode(),
                b"\x01" + base64.b64encode(gzip.compress(release.encode()))]
    audit = [Path(p).read_bytes()[:MAX_SEED] for p in _files((".log", ".jsonl", ".log.gz"))]
    return {"yaml_loader": manifests, "helm_source": manifests, "helm_release": releases,
            "audit_log": audit or [b'{"kind":"Event"}\n'], "fix_rewriter": manifests}


def main() -> None:
    out = sys.argv[1]
    for target, items in seeds().items():
        folder = os.path.join(out, target)
        os.makedirs(folder, exist_ok=True)
        for item in items:
            with open(os.path.join(folder, hashlib.sha1(item).hexdigest()), "wb") as handle:
                handle.write(item)


if __name__ == "__main__":
    main()
