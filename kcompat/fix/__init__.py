"""`kcompat fix`: rewrite manifests from removed or deprecated APIs to their replacements.

`files` runs the engine once over the PATHs (kcompat.engine.run.run_files: discovery, one read and
one parse per file, the checks) and fixes each file it yields; `migrations` holds the per-kind
field changes; `rewrite` migrates the objects the engine flagged with a fixable rule, round-trips
only the documents that change and splices them back; `templates` handles Helm templates line by
line; `crd_migrate` moves custom resources off dropped CRD versions; `writer` replaces files
atomically, only over the bytes the engine read.
"""
