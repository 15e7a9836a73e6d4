"""One module per CLI command: each defines `add_parser(subparsers)` and `run(args) -> int`.

Modules import their heavy dependencies inside `run`, so `kcompat check` never pays for the
libraries that only `graph` or `plan` need.
"""
