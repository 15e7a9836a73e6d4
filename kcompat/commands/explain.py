"""`kcompat explain`: the lifecycle of one built-in API."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kcompat.commands.common import EXIT_OK, UsageError
from kcompat.commands.options import add_output, add_target
from kcompat.core.escape import safe_text


def add_parser(commands: Any) -> None:
    explain = commands.add_parser("explain", help="show the lifecycle of a built-in API")
    explain.add_argument("api", nargs="+", metavar="API",
                         help="GROUP/VERSION KIND or GROUP/VERSION/KIND")
    add_output(explain, ("text", "json"), "text")
    explain.add_argument("--field", metavar="PATH",
                         help="show this field's schema instead (e.g. spec.template.spec.containers.ports)")
    add_target(explain, help="Kubernetes version whose schema --field reads (default: the newest bundled)")


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.report.api_explain import UnknownApi, describe, find_api, parse_api_arguments, to_json

    catalog = load_catalog()
    try:
        api_version, kind = parse_api_arguments(args.api)
        api = find_api(catalog, api_version, kind)
    except (ValueError, UnknownApi) as error:
        raise UsageError(str(error)) from None
    if args.field is not None or args.target_version is not None:
        from kcompat.commands.schema_text import explain_field_command

        return explain_field_command(api, args)
    if args.output == "json":
        print(json.dumps(to_json(api), indent=2))
    else:
        print("\n".join(safe_text(line) for line in describe(api, catalog)))
    return EXIT_OK
