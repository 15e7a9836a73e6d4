"""`kcompat fix`: rewrite manifests from removed or deprecated APIs to their replacements.

`registry` is a static table (no YAML library) so `kcompat check` can say whether a finding is
fixable without importing ruamel.yaml; `migrations` holds the per-kind field changes;
`rewrite` splits a file into documents, round-trips only the documents that change and splices
them back; `templates` handles Helm templates line by line; `writer` replaces files atomically.
"""
