"""The HTML report in a real headless browser (Debian's chromium), driven over the DevTools protocol.

Chromium is started with --remote-debugging-pipe: commands go to its fd 3 and answers come from
its fd 4, NUL-separated JSON, so no port, websocket library or network is needed. The test
records every console message, exception, log entry and network request of the page.

The screenshot is kept as a test artifact in .cache/artifacts/ (ignored by git), or in
$KCOMPAT_ARTIFACTS. Without chromium the test is skipped, unless $CI is set: then it fails.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI, FIXTURES, ROOT

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def _chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    message = "chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, so the browser test must run")
    pytest.skip(message)


class Browser:
    """A minimal DevTools protocol client over --remote-debugging-pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        command_read, self._command_write = os.pipe()
        self._answer_read, answer_write = os.pipe()
        high_read = fcntl.fcntl(command_read, fcntl.F_DUPFD, 10)
        high_write = fcntl.fcntl(answer_write, fcntl.F_DUPFD, 10)

        def child_fds() -> None:
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=child_fds, close_fds=False)  # close_fds would close 3 and 4 again
        for fd in (command_read, answer_write, high_read, high_write):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._answer_read], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self._answer_read, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._command_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer is None:
                raise TimeoutError(f"no answer to {method}")
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            message = self._read_message(deadline)
            if message is None:
                raise TimeoutError(f"no {method}")
            self.events.append(message)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (message := self._read_message(deadline)) is not None:
            self.events.append(message)

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._command_write, self._answer_read):
            os.close(fd)
        if self.process.stderr:
            self.process.stderr.close()


PAGE_FACTS = """JSON.stringify({
  counts: Object.fromEntries([...document.querySelectorAll('[data-count]')]
      .map(e => [e.dataset.count, e.textContent.trim()])),
  nodes: [...document.querySelectorAll('svg.graph g.node')].map(g => g.dataset.node),
  rects: document.querySelectorAll('svg.graph g.node > rect').length,
  svgWidth: document.querySelector('svg.graph').getBoundingClientRect().width,
  scripts: document.scripts.length,
  title: document.title,
})"""


LAYOUT_FACTS = """JSON.stringify({
  pageWidth: document.documentElement.scrollWidth,
  viewport: document.documentElement.clientWidth,
  cut: [...document.querySelectorAll('table')]
      .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                   || t.scrollWidth > t.clientWidth + 1)
      .map(t => t.querySelector('th') ? t.querySelector('th').textContent : t.outerHTML.slice(0, 60)),
  wrapped: [...document.querySelectorAll('td.rule')].filter(td => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return new Set([...range.getClientRects()].map(r => Math.round(r.bottom))).size > 1;
  }).map(td => td.textContent.trim()),
  ruleCells: document.querySelectorAll('td.rule').length,
})"""


def _artifact_dir() -> Path:
    return Path(os.environ.get("KCOMPAT_ARTIFACTS") or ROOT / ".cache" / "artifacts")


@pytest.mark.slow
def test_html_report_renders_offline_in_chromium(run_cli: CLI, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    executable = _chromium()
    monkeypatch.chdir(ROOT)
    demo = str((FIXTURES / "demo").relative_to(ROOT))
    page = tmp_path / "report.html"
    run = run_cli("report", demo, "-c", "1.21", "-t", "1.29", "-o", "html", "--output-file", str(page))
    assert run.code == 0, run.err
    check = run_cli("check", demo, "-c", "1.21", "-t", "1.29", "-o", "json").json()
    graph = run_cli("graph", demo, "-o", "json").json()

    browser = Browser(executable, tmp_path / "profile")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        url = page.as_uri()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")
        browser.drain(1.0)
        facts = json.loads(browser.send("Runtime.evaluate", {"expression": PAGE_FACTS, "returnByValue": True},
                                        session=session)["result"]["value"])
        layout = json.loads(browser.send("Runtime.evaluate", {"expression": LAYOUT_FACTS, "returnByValue": True},
                                         session=session)["result"]["value"])
        size = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
        shot = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}},
            session=session, timeout=60)
        browser.drain(0.3)
    finally:
        browser.close()

    screenshot = tmp_path / "report-demo.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    artifacts = _artifact_dir()
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshot, artifacts / "report-demo.png")
    shutil.copy(page, artifacts / "report-demo.html")
    assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 10_000

    def of(method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in browser.events if e.get("method") == method]

    console_errors = [c for c in of("Runtime.consoleAPICalled") if c["type"] in ("error", "assert", "warning")]
    log_errors = [entry["entry"] for entry in of("Log.entryAdded") if entry["entry"]["level"] in ("error", "warning")]
    assert console_errors == [] and of("Runtime.exceptionThrown") == [] and log_errors == []
    requests = [r["request"]["url"] for r in of("Network.requestWillBeSent")]
    assert requests == [url], f"the page made requests: {requests}"
    assert of("Network.loadingFailed") == []

    # what the page shows is what `kcompat check -o json` and `kcompat graph -o json` say
    summary, counts = check["summary"], facts["counts"]
    for key in ("errors", "warnings", "info", "suppressed", "files", "documents", "objects"):
        assert counts[key] == str(summary[key]), key
    assert {k.removeprefix("rule:"): int(v) for k, v in counts.items() if k.startswith("rule:")} == summary["byRule"]
    assert counts["findings"] == str(len(check["findings"]))
    hops: dict[str, int] = {}
    for finding in check["findings"]:
        if not finding["suppressed"]:
            hops[finding["hop"] or "not tied to a hop"] = hops.get(finding["hop"] or "not tied to a hop", 0) + 1
    assert {k.removeprefix("hop:"): int(v) for k, v in counts.items() if k.startswith("hop:")} == hops
    assert sorted(facts["nodes"]) == sorted(n["id"] for n in graph["nodes"])
    assert facts["rects"] == len(graph["nodes"])
    assert facts["svgWidth"] > 500
    assert facts["scripts"] == 0 and facts["title"].startswith("Kubernetes 1.21")
    # at 1280 px every table fits the page (the widest row is not cut) and no rule name wraps
    assert layout["viewport"] == 1280 and layout["pageWidth"] <= 1280, layout
    assert layout["cut"] == [], layout["cut"]
    assert layout["ruleCells"] > 10 and layout["wrapped"] == [], layout["wrapped"]
