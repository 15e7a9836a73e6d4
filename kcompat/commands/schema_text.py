"""The schema parts of the CLI: `kcompat schemas` and `kcompat explain API --field PATH`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from kcompat.commands.common import EXIT_OK, UsageError, parse_version
from kcompat.core.escape import safe_text

if TYPE_CHECKING:
    from kcompat.catalog.lifecycle import ApiLifecycle


def explain_field_command(api: ApiLifecycle, args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.catalog.schema_store import StoreError, default_store
    from kcompat.report.schema_explain import FieldNotFound, describe_field, explain_field, parse_field
    from kcompat.schema.builtin import field_history

    version = parse_version(args.target_version, "--target-version") or load_catalog().newest
    store = default_store()
    try:
        info = explain_field(store, version.minor, api.api_version, api.kind, args.field or "")
    except FieldNotFound as error:
        message = str(error)
        path = tuple(parse_field(args.field or ""))
        if path:
            history = field_history(version.minor, api.api_version, api.kind, path)
            if history.last_before is not None:
                message += f"; it was last in 1.{history.last_before}"
            elif history.first_after is not None:
                message += f"; it is first in 1.{history.first_after}"
        raise UsageError(message) from None
    except StoreError as error:
        raise UsageError(f"the bundled schemas cannot be read: {error}") from None
    if args.output == "json":
        print(json.dumps(info.to_json(), indent=2))
    else:
        print("\n".join(safe_text(line) for line in describe_field(info)))
    return EXIT_OK


def schemas_command(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.catalog.schema_store import StoreError, default_store

    store = default_store()
    try:
        minors = store.minors
        counts = {minor: store.resource_kinds(minor) for minor in minors}
        files = store.manifest.get("files", {})
    except StoreError as error:
        raise UsageError(f"the bundled schemas cannot be read: {error}") from None
    newest = load_catalog().newest.minor
    if args.output == "json":
        print(json.dumps({"versions": [{"version": f"1.{m}", "kinds": counts[m]} for m in minors],
                          "default": f"1.{newest}", "location": str(store.folder)}, indent=2))
        return EXIT_OK
    for minor in minors:
        default = "  (default)" if minor == newest else ""
        print(f"1.{minor}  {counts[minor]:3d} kinds with schemas{default}")
    size = sum(int(item.get("bytes", 0)) for item in files.values())
    print(f"\n{len(minors)} versions in {store.folder} (shared pools {size / 1e6:.1f} MB); "
          "custom resources use the CRDs given with the inputs or --crd")
    return EXIT_OK
