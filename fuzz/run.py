"""Run one atheris (libFuzzer) target: python fuzz/run.py TARGET [libFuzzer flags...]

    python fuzz/run.py yaml_loader fuzz/corpus/yaml_loader -max_total_time=60 -rss_limit_mb=2048

Targets are in fuzz/targets.py. The seed corpus is fixtures/ (the manifests, charts, release
exports and audit logs) plus the saved corpus folder when given. A crash writes crash-<sha1>
in a new temporary folder (printed; or -artifact_prefix=DIR/), never into the checkout; rerun it with
`python fuzz/run.py TARGET crash-...` and save it under fuzz/crashes/ to keep it fixed.
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import atheris  # noqa: E402

with atheris.instrument_imports(include=["kcompat"]):
    # every module the targets reach, imported here so that atheris instruments it
    import kcompat.checks.api_lifecycle
    import kcompat.checks.crd_rules
    import kcompat.checks.schema_rules
    import kcompat.clients.audit
    import kcompat.engine.pipeline
    import kcompat.fix.migrations
    import kcompat.fix.rewrite
    import kcompat.schema.validator
    import kcompat.sources.helm_releases
    import kcompat.sources.reading
    import kcompat.sources.resources
    import kcompat.sources.template_map
    import kcompat.sources.yaml_stream  # noqa: F401

from fuzz.targets import TARGETS  # noqa: E402


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer flags]")
    target = TARGETS[sys.argv[1]]
    argv = [sys.argv[0], *sys.argv[2:]]
    if not any(arg.startswith("-artifact_prefix=") for arg in argv):
        import tempfile

        folder = tempfile.mkdtemp(prefix=f"kcompat-fuzz-{sys.argv[1]}-")
        print(f"crashes go to {folder}/", file=sys.stderr)
        argv.append(f"-artifact_prefix={folder}/")
    atheris.Setup(argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
