"""The Chinese edition (notebooks/zh/), chapters 00-04, in the browser: the checks of test_jupyterlab.py, chapter by chapter.

A module of its own (as are chapters 06-11), so that pytest-xdist (``--dist loadscope``) spreads
the browser runs over both workers. Every explorer's controls are moved for a shorter time than in English (the
code is the same, kept in step by tests/test_editions.py): what this module adds is the Chinese
page, labels that fit and figures that show Chinese text.
"""

from __future__ import annotations

from browser_run import REPO
from test_jupyterlab import *  # noqa: F401,F403  (the checks of one notebook, collected here for these chapters)

NOTEBOOKS = [p for p in sorted((REPO / "notebooks" / "zh").glob("*.ipynb")) if p.name < "06" and p.name[:2] != "05"]
"""Chapter 05 is left out: its regularisation and batch-norm explorers train (see test_jupyterlab_zh_06_11.py)."""
EXPLORER_BUDGET = 2.0
"""Seconds of moves per explorer (the English run, up to 10 s, drags every control): at least one control of each is dragged."""
