"""kcompat: Kubernetes API compatibility checks, dependency graphs and upgrade plans."""

from kcompat.core.startup import seed_pyyaml_patterns

__version__ = "0.1.0"

seed_pyyaml_patterns()  # before anything imports yaml: see kcompat/core/startup.py
