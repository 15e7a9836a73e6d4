"""Output formats of `kcompat check`: name -> "module:function" writing a CheckResult to a stream.

Writers are imported only when chosen, so the default text path stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO, TypeAlias

    from kcompat.core.result import CheckResult

Writer: TypeAlias = "Callable[[CheckResult, TextIO], None]"

CHECK_FORMATS: dict[str, str] = {
    "text": "kcompat.report.text:write_text",
    "json": "kcompat.report.json_report:write_json",
    "sarif": "kcompat.report.sarif:write_sarif",
    "junit": "kcompat.report.junit:write_junit",
    "github": "kcompat.report.github:write_github",
    "markdown": "kcompat.report.markdown_check:write_markdown",
    "csv": "kcompat.report.csv_report:write_csv",
    "table": "kcompat.report.table:write_table",
}


def writer_for(name: str) -> Writer:
    module_name, _, function = CHECK_FORMATS[name].partition(":")
    writer: Writer = getattr(importlib.import_module(module_name), function)
    return writer
