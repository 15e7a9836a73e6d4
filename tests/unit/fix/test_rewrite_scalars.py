"""`kcompat fix` re-emits a migrated document with ruamel.yaml; scalars must keep their meaning."""

from __future__ import annotations

from kcompat.core.versions import KubeVersion
from kcompat.fix.files import fix_context
from kcompat.fix.rewrite import fix_text
from kcompat.sources.k8s_yaml import load_document

CRONJOB = (
    "apiVersion: batch/v1beta1\n"
    "kind: CronJob\n"
    "metadata:\n"
    "  name: job\n"
    "  annotations:\n"
    "    at: 2024-01-31t12:00:00.10-05:00\n"
    "    local: 2024-01-31 12:00:00.1234567\n"
    "    window: 1:30\n"
    "    op: =\n"
    "spec:\n"
    "  schedule: '*/5 * * * *'\n"
    "  suspend: n\n"
    "  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}\n"
)


def test_timestamps_and_kubernetes_only_scalars_survive_a_migration() -> None:
    result = fix_text(CRONJOB, "cronjob.yaml", fix_context(KubeVersion.parse("1.29")))
    assert len(result.changes) == 1, result
    assert result.text.startswith("apiVersion: batch/v1\n")
    # ruamel.yaml alone would write `2024-01-31T12:00:00.100000-05:00`: another string.
    for line in CRONJOB.splitlines()[2:]:
        assert line in result.text.splitlines()
    before, after = load_document(CRONJOB), load_document(result.text)
    assert after["metadata"] == before["metadata"]
    assert after["metadata"]["annotations"] == {
        "at": "2024-01-31t12:00:00.10-05:00", "local": "2024-01-31 12:00:00.1234567", "window": "1:30", "op": "="}
    assert after["spec"]["suspend"] is False
