"""How many real documents validate, per Kubernetes version (schema validation agreement).

Run from the repository root:  python benchmarks/schema_corpus.py [--corpus DIR] [--versions 1.16,1.31]

For each version, `kcompat check` (in-process, schema validation on, CRDs gathered from the
whole corpus) runs over the corpus; then
  built-in   objects whose API a default cluster of that version serves: how many have no
             `schema` error, how many have one (grouped by rule, kind and field, with an example
             file, for review), and how many have unknown or removed fields (warnings)
  custom     custom resources: with a CRD in the corpus that serves their version and no schema
             error / with a schema error / version unserved / no CRD
Objects are identified by file, document and apiVersion/kind/name.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ensure_importable, markdown_table

ensure_importable()

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--versions", default="1.16,1.22,1.25,1.29,1.31,1.33,1.37")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--top", type=int, default=25, help="error groups to list per version")
    args = parser.parse_args()

    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.api_lifecycle import is_custom
    from kcompat.checks.context import CheckContext
    from kcompat.core.versions import KubeVersion
    from kcompat.engine.pipeline import check_paths
    from kcompat.schema.settings import SchemaSettings
    from kcompat.sources.discover import discover
    from kcompat.sources.load import load_input
    from kcompat.sources.resources import extract

    catalog = load_catalog()
    objects: list[tuple[str, int | None, str, str, str | None, bool]] = []
    for path in discover([str(args.corpus)]):
        if not isinstance(path, str):
            continue
        for resource in extract(load_input(path).documents).resources:
            custom = is_custom(resource, CheckContext(catalog, catalog.newest))
            objects.append((path, resource.document.origin.document, resource.api_version, resource.kind,
                            resource.name, custom))
    rows = []
    details: list[str] = []
    for text in args.versions.split(","):
        version = KubeVersion.parse(text)
        context = CheckContext(catalog, version, None, SchemaSettings(version))
        result = check_paths([str(args.corpus)], [], context, jobs=args.jobs)
        by_object: dict[tuple[object, ...], set[str]] = defaultdict(set)
        groups: Counter[tuple[str, str, str]] = Counter()
        example: dict[tuple[str, str, str], str] = {}
        for finding in result.findings:
            if finding.obj is None:
                continue
            key = (finding.origin.path, finding.origin.document, finding.obj.api_version, finding.obj.kind,
                   finding.obj.name)
            by_object[key].add(finding.rule)
            if finding.rule == "schema":
                group = (finding.obj.api_version + " " + finding.obj.kind,
                         str(finding.details.get("field", "")), str(finding.details.get("expected", ""))[:40])
                groups[group] += 1
                example.setdefault(group, finding.origin.path)
        counts: Counter[str] = Counter()
        for path, document, api_version, kind, name, custom in objects:
            rules = by_object.get((path, document, api_version, kind, name), set())
            if custom:
                if "no-schema" in rules:
                    counts["cr no CRD"] += 1
                elif "crd-version-unserved" in rules:
                    counts["cr unserved"] += 1
                elif "schema" in rules:
                    counts["cr invalid"] += 1
                else:
                    counts["cr valid"] += 1
                continue
            api = catalog.lookup(api_version, kind)
            if api is None or not api.served_in(version):
                continue
            counts["builtin"] += 1
            counts["builtin invalid" if "schema" in rules else "builtin valid"] += 1
            if rules & {"unknown-field", "removed-field"}:
                counts["builtin unknown/removed fields"] += 1
        rows.append([str(version), f"{counts['builtin']:,}", f"{counts['builtin valid']:,}",
                     f"{counts['builtin invalid']:,}", f"{counts['builtin unknown/removed fields']:,}",
                     f"{counts['cr valid']:,}", f"{counts['cr invalid']:,}", f"{counts['cr unserved']:,}",
                     f"{counts['cr no CRD']:,}"])
        details.append(f"\n#### {version}: schema errors by kind and field (top {args.top})\n")
        details.append(markdown_table(["count", "kind", "field", "expected", "example"], [
            [str(n), g[0], g[1], g[2], example[g].replace(str(args.corpus), "")]
            for g, n in groups.most_common(args.top)]))
        print(f"{version} done", file=sys.stderr)
    print(f"### Schema validation of {len(objects):,} objects in {args.corpus}\n")
    print(markdown_table(["version", "built-in served", "valid", "with schema errors", "with unknown/removed "
                          "fields", "CRs valid", "CRs with schema errors", "CRs version unserved",
                          "CRs without CRD"], rows))
    print("\n".join(details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
