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

MAX_DIRECTORY_DEPTH = 256
"""Deepest folder below a PATH argument that is walked; deeper folders are reported, not read."""

MAX_SCALAR_BYTES = 4 * 1024 * 1024
"""Longest single scalar (string) accepted in a document, in characters. The API server refuses
objects over about 1.5 MiB (etcd's request limit), so a longer scalar is not a manifest."""

# Total work per run is linear in the input: every file is read once (twice for files that
# mention CustomResourceDefinition), each bounded by the limits above, so one run costs at most
# about (number of files) x (the cost of one MAX_FILE_BYTES file). There is no separate cap on
# the number of files: a directory is walked lazily and files are checked one at a time.
