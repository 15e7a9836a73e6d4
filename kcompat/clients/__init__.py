"""Finding the real clients of deprecated APIs: audit logs, the deprecated-API metric, a live cluster.

Only `kcompat clients` imports this package. The kubernetes client library is imported only by
`kcompat.clients.cluster`, and only when `--cluster` is given.
"""
