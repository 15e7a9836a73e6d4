"""Where the bundled knowledge lives: kcompat/_schemas when installed, schemas/ in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def schemas_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_schemas", package.parent / "schemas"):
        if (candidate / "catalog.json").is_file():
            return candidate
    raise FileNotFoundError("kcompat's bundled schemas are missing; reinstall kcompat")
