"""The schema options of `kcompat check` (kept import-light: argparse only until used)."""

from __future__ import annotations

import argparse
import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kcompat.core.versions import KubeVersion
    from kcompat.engine.crds import CrdSources
    from kcompat.engine.pipeline import CheckResult
    from kcompat.schema.settings import SchemaSettings


def add_schema_arguments(check: argparse.ArgumentParser) -> None:
    group = check.add_argument_group("schema validation (docs/schema-validation.md)")
    group.add_argument("--skip-schema", action="store_true",
                       help="do not validate resources against the Kubernetes and CRD schemas")
    group.add_argument("--schema-version", metavar="VERSION",
                       help="validate against this version's schemas (default: --target-version)")
    group.add_argument("--strict", action="store_true",
                       help="unknown fields, removed fields and duplicate keys are errors "
                       "(as kubectl --validate=strict), not warnings")
    group.add_argument("--crd", action="append", default=[], metavar="PATH",
                       help="file or folder of CustomResourceDefinitions that provide schemas for "
                       "custom resources (repeatable; CRDs among the inputs are used too)")
    group.add_argument("--require-schemas", action="store_true",
                       help="a custom resource whose CRD is not known is an error (default: info)")
    group.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                       help="worker processes (default: the number of CPUs); output is the same for any N")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def jobs_of(args: Any) -> int:
    jobs: int | None = getattr(args, "jobs", None)
    if jobs is not None:
        return jobs
    from kcompat.engine.jobs import default_jobs

    return default_jobs()


def schema_settings(args: Any, target: KubeVersion, inputs: list[str],
                    exclude: list[str]) -> tuple[SchemaSettings | None, CrdSources | None]:
    """Settings for the run (None with --skip-schema) and what --crd paths provided.

    Raises ValueError with a usage message for a bad --schema-version.
    """
    if getattr(args, "skip_schema", False):
        return None, None
    from kcompat.catalog.schema_store import StoreError, default_store
    from kcompat.core.versions import KubeVersion, VersionError
    from kcompat.schema.settings import SchemaSettings

    version = target
    if getattr(args, "schema_version", None):
        try:
            version = KubeVersion.parse(args.schema_version)
        except VersionError as error:
            raise ValueError(f"--schema-version: {error}") from None
    try:
        minors = default_store().minors
    except StoreError as error:  # reported per object (schema-unavailable) unless a version was asked
        if getattr(args, "schema_version", None):
            raise ValueError(f"--schema-version: the bundled schemas cannot be read: {error}") from None
        minors = (version.minor,)
    if version.major != 1 or version.minor not in minors:
        raise ValueError(f"--schema-version {version}: no bundled schemas; kcompat has "
                         f"1.{min(minors)} to 1.{max(minors)}")
    sources = crds = None
    if getattr(args, "crd", None):
        from kcompat.engine.crds import crd_sources, registry
        from kcompat.sources.discover import discover

        given = frozenset(item for item in discover(inputs, exclude) if isinstance(item, str))
        sources = crd_sources(args.crd, given)
        crds = registry(sources.crds)
    settings = SchemaSettings(version, strict=bool(getattr(args, "strict", False)),
                              require_schemas=bool(getattr(args, "require_schemas", False)), crds=crds)
    return settings, sources


def add_crd_sources(result: CheckResult, sources: CrdSources | None, ignore: frozenset[str]) -> None:
    """Put what --crd paths reported into the result (their unreadable paths give exit 2)."""
    if sources is None:
        return
    from kcompat.core.model import Finding
    from kcompat.engine.pipeline import InputError

    for path, reason in sources.errors:
        result.input_errors.append(InputError(path, f"--crd: {reason}"))
    for finding in sources.findings:
        if finding.rule in ignore:
            finding = dataclasses.replace(finding, suppressed=True,
                                          details={**finding.details, "suppressedBy": "flag"})
        result.findings.append(finding)
    result.findings.sort(key=Finding.sort_key)
