"""The Chinese edition (notebooks/zh/) in the browser: the checks of test_jupyterlab.py, chapter by chapter.

A module of its own, so that pytest-xdist (``--dist loadscope``) runs it beside the English one on
the second worker. Every explorer's controls are moved for a shorter time than in English (the
code is the same, kept in step by tests/test_editions.py): what this module adds is the Chinese
page, labels that fit and figures that show Chinese text.
"""

from __future__ import annotations

from browser_run import REPO
from test_jupyterlab import (  # noqa: F401  (fixtures and tests, collected here for notebooks/zh)
    explorer_checks,
    notebook_run,
    test_every_explorer_redraws_when_its_controls_move,
    test_every_explorer_shows_its_figure_beside_the_controls_at_natural_size,
    test_every_widget_renders,
    test_notebook_opens_with_its_kernel_and_no_dialog,
    test_run_all_cells_finishes_without_errors,
)

NOTEBOOKS = sorted((REPO / "notebooks" / "zh").glob("*.ipynb"))
EXPLORER_BUDGET = 4.0
"""Seconds of moves per explorer (the English run moves each for up to 10 s)."""
