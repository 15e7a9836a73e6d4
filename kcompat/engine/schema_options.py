"""Schema validation settings of a run, from a SchemaRequest (kept import-light: nothing heavy until used)."""

from __future__ import annotations

from collections.abc import Sequence

from kcompat.core.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kcompat.core.result import CheckResult
    from kcompat.core.versions import KubeVersion
    from kcompat.engine.crds import CrdSources
    from kcompat.engine.request import SchemaRequest
    from kcompat.schema.settings import SchemaSettings


def schema_settings(request: SchemaRequest | None, target: KubeVersion, inputs: Sequence[str],
                    exclude: Sequence[str]) -> tuple[SchemaSettings | None, CrdSources | None]:
    """Settings for the run (None with --skip-schema) and what --crd paths provided.

    Raises UsageError for a --schema-version without bundled schemas.
    """
    if request is None:
        return None, None
    from kcompat.catalog.schema_store import StoreError, default_store
    from kcompat.schema.settings import SchemaSettings

    version = request.version or target
    try:
        minors = default_store().minors
    except StoreError as error:  # reported per object (schema-unavailable) unless a version was asked
        if request.version is not None:
            raise UsageError(f"--schema-version: the bundled schemas cannot be read: {error}") from None
        minors = (version.minor,)
    if version.major != 1 or version.minor not in minors:
        raise UsageError(f"--schema-version {version}: no bundled schemas; kcompat has "
                         f"1.{min(minors)} to 1.{max(minors)}")
    sources = crds = None
    if request.crd_paths:
        from kcompat.engine.crds import crd_sources, registry
        from kcompat.sources.discover import discover

        given = frozenset(item for item in discover(inputs, exclude) if isinstance(item, str))
        sources = crd_sources(request.crd_paths, given)
        crds = registry(sources.crds)
    settings = SchemaSettings(version, strict=request.strict, require_schemas=request.require_schemas, crds=crds)
    return settings, sources


def add_crd_sources(result: CheckResult, sources: CrdSources | None, ignore: frozenset[str]) -> None:
    """Put what --crd paths reported into the result (their unreadable paths give exit 2)."""
    if sources is None:
        return
    from kcompat.core.errors import InputError
    from kcompat.core.model import Finding

    for path, reason in sources.errors:
        result.input_errors.append(InputError(path, f"--crd: {reason}"))
    for finding in sources.findings:
        if finding.rule in ignore:
            finding = finding._replace(suppressed=True,
                                          details={**finding.details, "suppressedBy": "flag"})
        result.findings.append(finding)
    result.findings.sort(key=Finding.sort_key)
