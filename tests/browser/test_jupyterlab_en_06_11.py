"""Chapters 06-11 in the browser: the checks of test_jupyterlab.py (which runs chapters 00-05), in a
module of their own so that pytest-xdist spreads the browser runs over both workers."""

from __future__ import annotations

from browser_run import REPO
from test_jupyterlab import (  # noqa: F401  (fixtures and tests, collected here for chapters 06-11)
    explorer_checks,
    notebook_run,
    test_every_explorer_redraws_when_its_controls_move,
    test_every_explorer_shows_its_figure_beside_the_controls_at_natural_size,
    test_every_widget_renders,
    test_notebook_opens_with_its_kernel_and_no_dialog,
    test_run_all_cells_finishes_without_errors,
)

NOTEBOOKS = [p for p in sorted((REPO / "notebooks").glob("*.ipynb")) if p.name >= "06"]
