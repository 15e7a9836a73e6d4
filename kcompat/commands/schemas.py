"""`kcompat schemas`: the bundled Kubernetes schema versions and how many kinds each has."""

from __future__ import annotations

import argparse
from typing import Any

from kcompat.commands.options import add_output


def add_parser(commands: Any) -> None:
    schemas = commands.add_parser("schemas", help="list the bundled schema versions and their kinds")
    add_output(schemas, ("text", "json"), "text")


def run(args: argparse.Namespace) -> int:
    from kcompat.commands.schema_text import schemas_command

    return schemas_command(args)
