"""`kcompat versions`: the bundled Kubernetes versions."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kcompat.commands.common import EXIT_OK
from kcompat.commands.options import add_output


def add_parser(commands: Any) -> None:
    versions = commands.add_parser("versions", help="list the bundled Kubernetes versions")
    add_output(versions, ("text", "json"), "text")


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog

    catalog = load_catalog()
    if args.output == "json":
        print(json.dumps({"versions": [str(v) for v in catalog.versions],
                          "default": str(catalog.newest)}, indent=2))
        return EXIT_OK
    counts: dict[int, int] = dict.fromkeys(catalog.minors, 0)
    for api in catalog.apis.values():
        for minor in api.served:
            counts[minor] += 1
    for version in catalog.versions:
        default = "  (default target)" if version == catalog.newest else ""
        print(f"{version}  {counts[version.minor]:3d} built-in kinds served{default}")
    return EXIT_OK
