"""Regular expressions from input (CRD `pattern`) with Go's semantics, through RE2.

The API server compiles a CRD's `pattern` with Go's regexp package, which is RE2 syntax with
linear-time matching. Python's `re` differs both ways: it rejects valid Go patterns (a flag
group after `^`, as in `^(?i)(abort|warn)?$` from prometheus-operator's CRDs) and accepts
ones Go rejects (backreferences, lookaround, possessive quantifiers), and it backtracks, so
`^(a+)+$` against a long string never finishes. google-re2 is the maintained binding of the
same engine Go's regexp re-implements, so what compiles and what matches is the server's
answer, in time linear in the input.

Options (documented in docs/schema-validation.md): RE2's defaults, which are Go's
`regexp.Compile` (syntax.Perl) flags: perl classes and word boundaries on, `^`/`$` anchor at
the text's ends unless `(?m)`, `.` does not match a newline unless `(?s)`, case-sensitive,
UTF-8 (Unicode classes such as `\\pL` work on characters, not bytes), leftmost-first rather
than leftmost-longest matching (`longest_match=False`; Go's `regexp.Compile`, not
`CompilePOSIX`), and no error logging to stderr. Where RE2-the-library and Go's syntax still
differ, Go's answer is used: `\\C` (any byte) is accepted by RE2 and rejected by Go, so it is
rejected here; `\\Z` is rejected by both (Go has `\\z`).
"""

from __future__ import annotations

from functools import cache


class GoRegexError(ValueError):
    """A pattern Go's regexp.Compile rejects; the message is RE2's reason."""


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol
    class GoPattern(Protocol):
        def search(self, text: str) -> Any: ...


@cache
def _re2() -> tuple[Any, Any]:
    """The module and the options, imported on first use (start-up stays cheap)."""
    import re2

    options = re2.Options()
    options.longest_match = False
    options.posix_syntax = False
    options.log_errors = False
    options.encoding = re2.Options.Encoding.UTF8
    return re2, options


def _go_only_rejects(pattern: str) -> str | None:
    """Escapes RE2 accepts but Go's regexp/syntax does not."""
    index = 0
    in_quote = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if in_quote:
                if escaped == "E":
                    in_quote = False
            elif escaped == "Q":
                in_quote = True
            elif escaped == "C":
                return "invalid escape sequence: \\C"
            index += 2
            continue
        index += 1
    return None


@cache
def compile_go(pattern: str) -> GoPattern:
    """The compiled pattern (cached per process); raises GoRegexError as Go would fail."""
    reason = _go_only_rejects(pattern)
    if reason is not None:
        raise GoRegexError(reason)
    re2, options = _re2()
    try:
        compiled: GoPattern = re2.compile(pattern, options)
    except re2.error as error:
        detail = error.args[0] if error.args else str(error)
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise GoRegexError(str(detail)) from None
    return compiled
