"""Check ../shared/corpus/bench against its SUMMARY.yaml: every file read, every object counted, the
removed-API counts of each target as the summary gives them (alpha APIs aside, which the upstream
deprecation guide omits). Tests never read ../shared; run this by hand or in a benchmark job:

    python benchmarks/shared_corpus_agreement.py [CORPUS_DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    bench = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "corpus" / "bench"
    summary = yaml.safe_load((bench / "SUMMARY.yaml").read_text())
    # every file of the index, named explicitly (a directory walk would skip its one hidden folder)
    files = [str(bench / entry["file"]) for entry in json.loads((bench / "index.json").read_text())]
    failures = 0
    for target, expected_removed in summary["removed_api_objects_at_target"].items():
        run = subprocess.run([sys.executable, "-m", "kcompat", "check", *files, "-t", str(target), "-o", "json",
                              "--fail-on", "none"], capture_output=True, text=True, check=False)
        data = json.loads(run.stdout)
        removed = sum(1 for f in data["findings"] if f["rule"] == "removed-api" and "alpha" not in f["apiVersion"])
        ok = (data["inputErrors"] == [] and data["summary"]["files"] == summary["total_files"]
              and data["summary"]["objects"] == summary["total_documents"] and removed == expected_removed)
        failures += not ok
        print(f"{target}: files {data['summary']['files']}/{summary['total_files']}, objects "
              f"{data['summary']['objects']}/{summary['total_documents']}, removed {removed}/{expected_removed}"
              f" {'ok' if ok else 'MISMATCH'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
