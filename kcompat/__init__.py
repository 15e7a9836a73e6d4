"""kcompat: Kubernetes API compatibility checks, dependency graphs and upgrade plans."""

__version__ = "0.1.0"
