"""Start-up work that is not kcompat's own, made cheaper before it happens.

PyYAML compiles one regular expression when `yaml` is imported, the class of characters its
pure-Python reader refuses (`yaml.reader.Reader.NON_PRINTABLE`, written as a negated class reaching
U+10FFFF). Python's `re` compiler walks such a class character by character: 57 million
instructions, about 9 ms here, a fifth of the one-file check's start-up budget, for a pattern that
kcompat never uses (documents are read by libyaml's CParser, which checks characters in C).

seed_pyyaml_patterns() puts into `re`'s compile cache, under PyYAML's exact pattern, the same set
of characters written as the small positive class it is (tests/unit/core/test_startup.py checks
the two match the same code points, U+0000 to U+10FFFF). When the cache is not a dict (another
Python), or PyYAML is already imported, it does nothing and PyYAML compiles its own pattern.
"""

from __future__ import annotations

import re
import sys

PYYAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
"""The pattern as yaml/reader.py writes it (PyYAML 5.1 to 6.0.x)."""

SAME_CHARACTERS = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"
"""Its complement within U+0000..U+10FFFF: the characters it matches, listed."""


def seed_pyyaml_patterns() -> None:
    if "yaml.reader" in sys.modules:
        return
    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict):
        cache.setdefault((str, PYYAML_NON_PRINTABLE, 0), re.compile(SAME_CHARACTERS))
