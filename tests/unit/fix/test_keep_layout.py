"""`fix` re-emits only what the migration changes: every other line stays byte for byte
(flow sequences, quotes, comments and their columns, unusual indentation of untouched siblings)."""

from __future__ import annotations

import difflib

from kcompat.core.versions import KubeVersion
from kcompat.fix.files import fix_context
from kcompat.fix.rewrite import fix_text, keep_untouched_lines

INGRESS = """# top comment
apiVersion: extensions/v1beta1   # old
kind: Ingress
metadata:
  name: "web"
  annotations: { a: 'x',  b: "y" }
  labels:
      app: web    # deeper indent than usual
spec:
  rules:
  - host: 'example.com'
    http:
      paths:
      - path: /
        backend:
          serviceName: web
          servicePort: 80
  tls:
    - hosts: [ "example.com",  'www.example.com' ]
      secretName: tls
"""


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_only_the_migrated_lines_change() -> None:
    fixed = fix_text(INGRESS, "ingress.yaml", fix_context(KubeVersion.parse("1.29")))
    assert fixed.changed
    removed, added = changed_lines(INGRESS, fixed.text)
    assert removed == ["apiVersion: extensions/v1beta1   # old", "          serviceName: web",
                       "          servicePort: 80"]
    assert added == ["apiVersion: networking.k8s.io/v1   # old", "        pathType: ImplementationSpecific",
                     "          service:", "            name: web", "            port:", "              number: 80"]


def test_merge_falls_back_to_the_emitted_lines_where_a_layout_change_meets_a_change() -> None:
    original = "a: [ 1,  2 ]\nb: x\n"
    baseline = "a: [1, 2]\nb: x\n"
    dumped = "a: [1, 3]\nb: x\n"
    assert keep_untouched_lines(original, baseline, dumped) == "a: [ 1,  3 ]\nb: x\n"  # value patched in place
    assert keep_untouched_lines(original, baseline, "a: [1, 2]\nb: y\n") == "a: [ 1,  2 ]\nb: y\n"
    two = keep_untouched_lines("a: [ 2,  2 ]\n", "a: [2, 2]\n", "a: [2, 3]\n")
    assert two == "a: [2, 3]\n"  # the change is ambiguous in the original line: the emitted line
