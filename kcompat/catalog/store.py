"""Where the bundled knowledge lives: kcompat/_schemas when installed, schemas/ in a checkout."""

from __future__ import annotations

import os
from functools import cache


@cache
def schemas_dir() -> str:
    """The folder (paths are plain strings here: pathlib costs the one-file check a millisecond)."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for candidate in (os.path.join(package, "_schemas"), os.path.join(os.path.dirname(package), "schemas")):
        if os.path.isfile(os.path.join(candidate, "catalog.json")):
            return candidate
    raise FileNotFoundError("kcompat's bundled schemas are missing; reinstall kcompat")
