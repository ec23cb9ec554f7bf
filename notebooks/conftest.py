"""nbval runs every notebook here; this hook also fails a cell that writes to stderr or shows a stray value.

A learner's notebook should show only what the chapter means to show: no library
start-up logs, no warnings the learner did not cause, and no stray ``True`` / ``False``
/ ``None`` left by a cell whose last line returns a flag. nbval already collects every
output of every cell it executes (``IPyNbCell.test_outputs``); after each cell this hook
reads them, so the check costs no second execution.

Output the chapters are *meant* to show on stderr goes in :data:`ALLOWED_STDERR`
(notebook file name → regular expressions matched against each stderr line). It is
empty: no chapter should write to stderr.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest
from nbval.plugin import IPyNbCell

ALLOWED_STDERR: dict[str, list[str]] = {}
"""Per notebook, regular expressions for stderr lines that are expected (none are)."""

STRAY_VALUES = {"True", "False", "None"}
"""A cell's displayed result that is only one of these is a flag nobody meant to show."""


def unexpected_output(notebook: str, outputs) -> list[str]:
    """The lines of ``outputs`` (nbval's outputs of one cell) a learner should not see."""
    allowed = [re.compile(p) for p in ALLOWED_STDERR.get(notebook, [])]
    found = []
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            for line in out.get("text", "").splitlines():
                if line.strip() and not any(p.search(line) for p in allowed):
                    found.append(f"stderr: {line}")
        elif out.get("output_type") == "execute_result":
            text = out.get("data", {}).get("text/plain", "")
            if text.strip() in STRAY_VALUES:
                found.append(f"stray value: {text.strip()} (end the line with ';' or print a sentence)")
    return found


def _kernel_as_in_jupyterlab(setup):
    """Wrap nbval's kernel start so the kernel does not inherit PYTEST_CURRENT_TEST.

    ipykernel forwards what C libraries (TensorFlow's start-up log) write to the process'
    stderr into the notebook, as a learner sees it in JupyterLab, unless it finds that
    variable; nbval starts the kernel while pytest has it set.
    """

    @functools.wraps(setup)
    def start():
        current = os.environ.pop("PYTEST_CURRENT_TEST", None)
        try:
            return setup()
        finally:
            if current is not None:
                os.environ["PYTEST_CURRENT_TEST"] = current

    return start


def pytest_collection_modifyitems(items):
    for notebook in {item.parent for item in items if isinstance(item, IPyNbCell)}:
        notebook.setup = _kernel_as_in_jupyterlab(notebook.setup)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if isinstance(item, IPyNbCell) and item.test_outputs:  # test_outputs: what nbval's runtest collected
        notebook = item.path.name
        found = unexpected_output(notebook, item.test_outputs)
        if found:
            shown = "\n".join(f"  {line[:300]}" for line in found[:20])
            more = f"\n  ... and {len(found) - 20} more lines" if len(found) > 20 else ""
            item.raise_cell_error(
                f"{notebook}, code cell {item.cell_num} (id {item.cell.get('id', '?')}) showed output "
                "a learner should not see",
                f"{shown}{more}\nFix the cause; stderr a chapter really means to show goes in "
                f"ALLOWED_STDERR in {Path(__file__).name} next to the notebooks.",
            )
    return result
