"""Command-line entry point: builds the parser from kcompat.commands and maps errors to exit codes.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage error or
unreadable input.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from functools import cache

from kcompat import __version__
from kcompat.commands.common import EXIT_OK, EXIT_USAGE
from kcompat.core.errors import UsageError
from kcompat.core.escape import safe_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

# Command name -> module in kcompat.commands (add new commands here).
COMMANDS = ("check", "explain", "versions", "schemas", "rules", "graph", "plan", "fix", "clients", "report", "diff")


@cache
def _columns() -> int:
    """The terminal width as shutil.get_terminal_size() finds it (COLUMNS, then the terminal, then 80),
    without importing shutil and its archive modules on every start; asked once per main() call, not for
    each of the formatters argparse builds (one per argument it adds)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """argparse quotes unrecognised arguments raw: its one-line errors go through safe_text too
    (subcommand parsers are of the same class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, safe_text(f"{self.prog}: error: {message}") + "\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (only=a command name) the parser with that command's subparser alone: what
    main() builds when the first argument names a command, so `kcompat check` does not import the other
    ten command modules. Help, --version and unknown commands get the whole parser."""
    parser = _Parser(
        prog="kcompat",
        description="Find deprecated, removed and not-yet-served Kubernetes APIs before they break.",
        epilog="Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, "
        "2 usage error or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"kcompat {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"kcompat.commands.{name}").add_parser(commands)
    return parser


def _tune_garbage_collector() -> None:
    """A run keeps hundreds of thousands of long-lived objects (parsed documents, compiled schemas)
    that full collections would rescan again and again; they are freed when the process exits.
    Measured: about a third less CPU on CRD-heavy inputs (BENCHMARKS.md)."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def main(argv: Sequence[str] | None = None) -> int:
    _tune_garbage_collector()
    _columns.cache_clear()  # the terminal may have changed since an earlier in-process call
    args_list = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(args_list[0] if args_list and args_list[0] in COMMANDS else None)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code not in (0, None) else EXIT_OK
    module = importlib.import_module(f"kcompat.commands.{args.command}")
    try:
        code: int = module.run(args)
        return code
    except UsageError as error:
        print(safe_text(f"kcompat: error: {error}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
