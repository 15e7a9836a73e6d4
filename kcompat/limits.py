"""Documented bounds that keep hostile input from exhausting time or memory.

See README.md, section "Limits". Each bound turns into a finding that names the file and
line, never a crash.
"""

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Files larger than this are skipped with a `skipped-file` finding."""

MAX_DEPTH = 256
"""Deepest nesting of mappings and sequences accepted in one document."""

MAX_EXPANDED_NODES = 1_000_000
"""Most YAML nodes one document may expand to once aliases are followed."""

MAX_DOCUMENTS_PER_FILE = 100_000
"""Documents beyond this count in one file are not read."""
