"""Fetch and verify the pinned upstream packages that kcompat's knowledge is generated from.

Both artifacts are the PyPI package kubernetes-validate, which bundles the JSON schemas that
upstream Kubernetes' OpenAPI specs convert to (one folder per Kubernetes minor).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
SOURCES_FILE = SCHEMAS_DIR / "sources.json"
DEFAULT_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "upstream"

_VERSION_DIR = re.compile(r"kubernetes-json-schema/v1\.(\d+)\.0-local(-strict)?/_definitions\.json$")


@dataclass(frozen=True)
class Artifact:
    package: str
    version: str
    filename: str
    sha256: str
    kind: str  # "sdist" or "wheel"


def pinned_artifacts() -> list[Artifact]:
    raw = json.loads(SOURCES_FILE.read_text())
    return [Artifact(**item) for item in raw["artifacts"]]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(artifact: Artifact, cache: Path) -> Path:
    """Return the verified artifact, downloading it with pip into the cache when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / artifact.filename
    if not target.exists():
        binary_flag = "--no-binary=:all:" if artifact.kind == "sdist" else "--only-binary=:all:"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", binary_flag,
             f"{artifact.package}=={artifact.version}", "-d", str(cache)],
            check=True,
        )
    actual = sha256_of(target)
    if actual != artifact.sha256:
        raise SystemExit(f"{target}: sha256 {actual} does not match the pinned {artifact.sha256}")
    return target


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                yield name, archive.read(name) if _VERSION_DIR.search(name) else b""
    else:
        with tarfile.open(path) as archive:
            for member in sorted(archive.getmembers(), key=lambda m: m.name):
                if _VERSION_DIR.search(member.name) and member.isfile():
                    handle = archive.extractfile(member)
                    assert handle is not None
                    yield member.name, handle.read()


def definitions_by_minor(artifacts: list[Artifact], cache: Path) -> dict[int, dict[str, Any]]:
    """Map each Kubernetes minor to its OpenAPI definitions (non-strict flavour preferred).

    Refs are normalised to plain definition names so that both upstream layouts
    (`#/definitions/X` in the 1.24 sdist, `/api/_definitions.json#/$defs/X` in the 1.37
    wheel) compare equal.
    """
    found: dict[int, tuple[bool, dict[str, Any]]] = {}
    for artifact in artifacts:
        for name, data in _members(fetch(artifact, cache)):
            match = _VERSION_DIR.search(name)
            if not match:
                continue
            minor, strict = int(match.group(1)), bool(match.group(2))
            if minor in found and not found[minor][0]:
                continue  # already have the non-strict flavour
            document = json.load(io.BytesIO(data))
            definitions = document.get("definitions") or document.get("$defs") or {}
            found[minor] = (strict, definitions)
    return {minor: defs for minor, (_strict, defs) in sorted(found.items())}


if __name__ == "__main__":
    # `python scripts/upstream.py`: download and verify the pinned artifacts into the cache
    for pinned in pinned_artifacts():
        print(fetch(pinned, DEFAULT_CACHE))
