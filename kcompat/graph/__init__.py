"""Dependency graph (networkx) of Kubernetes manifests and the upgrade plan computed from it.

Only `kcompat graph` and `kcompat plan` import this package; `kcompat check` never does, so
networkx is never loaded on the check path.
"""
