"""Counts shared by every output format."""

from __future__ import annotations

from collections import Counter

from kcompat.core.model import Finding, Severity
from kcompat.core.records import Record
from kcompat.core.result import CheckResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final


class Summary(Record):
    __slots__ = ("by_rule", "errors", "info", "suppressed", "warnings")

    def __init__(self, errors: int, warnings: int, info: int, suppressed: int, by_rule: dict[str, int]) -> None:
        self.errors: Final[int] = errors
        self.warnings: Final[int] = warnings
        self.info: Final[int] = info
        self.suppressed: Final[int] = suppressed
        self.by_rule: Final[dict[str, int]] = by_rule

    @classmethod
    def of(cls, result: CheckResult) -> Summary:
        active = [f for f in result.findings if not f.suppressed]
        severities = Counter(f.severity for f in active)
        return cls(
            errors=severities[Severity.ERROR],
            warnings=severities[Severity.WARNING],
            info=severities[Severity.INFO],
            suppressed=len(result.findings) - len(active),
            by_rule=dict(sorted(Counter(f.rule for f in active).items())),
        )


def failing(findings: list[Finding], fail_on: Severity | None) -> bool:
    if fail_on is None:
        return False
    return any(not f.suppressed and f.severity >= fail_on for f in findings)


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def hop_phrase(finding: Finding) -> str:
    """What the finding's hop means, in words: a deprecation starts at its hop, a removal breaks there."""
    if finding.hop is None:
        return ""
    if finding.rule == "deprecated-api":
        return f"deprecated at {finding.hop}"
    return f"breaks at {finding.hop}"
