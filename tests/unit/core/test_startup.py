"""core.startup: PyYAML's refused-character class, seeded into re's cache, matches what PyYAML's own does."""

from __future__ import annotations

import re
import subprocess
import sys

from kcompat.core.startup import PYYAML_NON_PRINTABLE, SAME_CHARACTERS

EVERY_CHARACTER = "".join(chr(point) for point in range(0x110000))


def _positions(pattern: str) -> list[int]:
    compiled = re.compile(pattern)
    return [match.start() for match in compiled.finditer(EVERY_CHARACTER)]


def test_the_seeded_class_matches_the_same_code_points() -> None:
    refused = _positions(SAME_CHARACTERS)
    assert refused == _positions(PYYAML_NON_PRINTABLE)
    assert 0x07 in refused and 0xFFFE in refused and 0xD800 in refused
    assert 0x09 not in refused and 0x85 not in refused and 0x10FFFF not in refused


def test_pyyaml_still_writes_the_pattern_kcompat_seeds() -> None:
    import yaml.reader

    assert yaml.reader.Reader.NON_PRINTABLE.pattern in (PYYAML_NON_PRINTABLE, SAME_CHARACTERS)


def test_after_import_kcompat_pyyaml_refuses_what_it_refused() -> None:
    """In a fresh process: the seed is used, and PyYAML's pure-Python reader still refuses a
    control character and accepts a no-break space and a supplementary-plane character."""
    code = """
import kcompat, yaml
from yaml.reader import ReaderError
assert yaml.reader.Reader.NON_PRINTABLE.pattern == kcompat.core.startup.SAME_CHARACTERS
try:
    yaml.load("a: \\x07", Loader=yaml.SafeLoader)
except ReaderError as error:
    assert "special characters are not allowed" in str(error)
else:
    raise SystemExit("accepted a control character")
assert yaml.load("a: b\\xa0c\\U0001F600", Loader=yaml.SafeLoader) == {"a": "b\\xa0c\\U0001F600"}
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
