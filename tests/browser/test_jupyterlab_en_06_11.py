"""Chapters 06-11 in the browser: the checks of test_jupyterlab.py (which runs chapters 00-05), in a
module of their own so that pytest-xdist spreads the browser runs over both workers."""

from __future__ import annotations

from browser_run import REPO
from test_jupyterlab import *  # noqa: F401,F403  (the checks of one notebook, collected here for these chapters)

NOTEBOOKS = [p for p in sorted((REPO / "notebooks").glob("*.ipynb")) if p.name >= "06"]
