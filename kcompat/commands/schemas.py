"""`kcompat schemas`: the bundled Kubernetes schema versions and how many kinds each has."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    schemas = commands.add_parser("schemas", help="list the bundled schema versions and their kinds")
    schemas.add_argument("-o", "--output", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from kcompat.commands.schema_text import schemas_command

    return schemas_command(args)
