"""The Chinese edition, chapters 06-11, in the browser: see test_jupyterlab_zh_00_05.py."""

from __future__ import annotations

from browser_run import REPO
from test_jupyterlab import *  # noqa: F401,F403  (the checks of one notebook, collected here for these chapters)

NOTEBOOKS = [p for p in sorted((REPO / "notebooks" / "zh").glob("*.ipynb")) if p.name >= "06"]
EXPLORER_BUDGET = 2.0
"""Seconds of moves per explorer (the English run, up to 10 s, drags every control): at least one control of each is dragged."""
