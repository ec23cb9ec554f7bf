"""The Chinese edition, chapters 06-11, in the browser: see test_jupyterlab_zh_00_05.py.

Chapters 06, 08 and 10 are left out here (as chapter 05 is in test_jupyterlab_zh_00_05.py):
their explorers train networks, and running them in the browser takes 30-70 s each. What this
module would add — the Chinese page and labels — is checked without a browser for every explorer
of theirs (tests/test_language.py: every control, title and status in Chinese, no missing glyph,
no text cut off), while nbval runs both editions of them in full and the English browser run
drives their explorers. That keeps ``make test`` within its budget.
"""

from __future__ import annotations

from browser_run import REPO
from test_jupyterlab import *  # noqa: F401,F403  (the checks of one notebook, collected here for these chapters)

TRAINING_CHAPTERS = ("06", "08", "10")
"""Chapters whose browser run is mostly training: run in the browser in English only."""
NOTEBOOKS = [p for p in sorted((REPO / "notebooks" / "zh").glob("*.ipynb"))
             if p.name >= "06" and p.name[:2] not in TRAINING_CHAPTERS]
EXPLORER_BUDGET = 2.0
"""Seconds of moves per explorer (the English run, up to 10 s, drags every control): at least one control of each is dragged."""
