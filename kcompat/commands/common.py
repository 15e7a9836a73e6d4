"""What every command shares: exit codes, usage errors, version options."""

from __future__ import annotations

from kcompat.core.errors import UsageError
from kcompat.core.versions import KubeVersion, VersionError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "UsageError", "parse_version", "target_and_current"]


def parse_version(text: str | None, option: str) -> KubeVersion | None:
    """Parse a version option and make sure kcompat bundles its knowledge."""
    from kcompat.catalog.lifecycle import load_catalog

    if text is None:
        return None
    try:
        version = KubeVersion.parse(text)
    except VersionError as error:
        raise UsageError(f"{option}: {error}") from None
    catalog = load_catalog()
    if not catalog.bundles(version):
        first, last = min(catalog.minors), max(catalog.minors)
        raise UsageError(f"{option} {text}: not a bundled version; kcompat knows 1.{first} to 1.{last}")
    return version


def target_and_current(target_text: str | None, current_text: str | None) -> tuple[KubeVersion, KubeVersion | None]:
    from kcompat.catalog.lifecycle import load_catalog

    target = parse_version(target_text, "--target-version") or load_catalog().newest
    current = parse_version(current_text, "--current-version")
    if current is not None and current > target:
        raise UsageError(f"--current-version {current} is newer than --target-version {target}")
    return target, current
