"""Settings and the shared record of the real-browser run (imported by conftest and the tests)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("DLNOTES_BROWSER_ARTIFACTS", REPO / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
CONTACT_SHEET = ARTIFACTS / "explorers-contact-sheet.png"
RESULTS = Path(os.environ.get("DLNOTES_BROWSER_RESULTS", REPO / "benchmarks" / "results" / "browser_latency.json"))
NOTEBOOK_TIMEOUT = float(os.environ.get("DLNOTES_BROWSER_TIMEOUT", "300"))
MOVES = int(os.environ.get("DLNOTES_BROWSER_MOVES", "1"))
MOVE_TIMEOUT = float(os.environ.get("DLNOTES_BROWSER_MOVE_TIMEOUT", "60"))
EXPLORER_BUDGET = float(os.environ.get("DLNOTES_BROWSER_EXPLORER_BUDGET", "10"))


class Record:
    """What the browser run measured, written to ``RESULTS`` and summarised at the end."""

    def __init__(self):
        self.notebooks: list[dict] = []
        self.explorers: list[dict] = []
        self.playing: list[dict] = []
        self.t0: float | None = None
        self.wall_s = 0.0
        self.chromium = ""
        self.used = False
        self.contact_sheet = None


RECORD = Record()
