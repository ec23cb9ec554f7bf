"""The Chinese edition (notebooks/zh/), chapters 00-05, in the browser: the checks of test_jupyterlab.py, chapter by chapter.

A module of its own (as are chapters 06-11), so that pytest-xdist (``--dist loadscope``) spreads
the browser runs over both workers. Every explorer's controls are moved for a shorter time than in English (the
code is the same, kept in step by tests/test_editions.py): what this module adds is the Chinese
page, labels that fit and figures that show Chinese text.
"""

from __future__ import annotations

from browser_run import REPO
from test_jupyterlab import (  # noqa: F401  (fixtures and tests, collected here for these chapters)
    explorer_checks,
    notebook_run,
    test_every_explorer_redraws_when_its_controls_move,
    test_every_explorer_shows_its_figure_beside_the_controls_at_natural_size,
    test_every_widget_renders,
    test_notebook_opens_with_its_kernel_and_no_dialog,
    test_run_all_cells_finishes_without_errors,
)

NOTEBOOKS = [p for p in sorted((REPO / "notebooks" / "zh").glob("*.ipynb")) if p.name < "06"]
EXPLORER_BUDGET = 4.0
"""Seconds of moves per explorer (the English run moves each for up to 10 s)."""
