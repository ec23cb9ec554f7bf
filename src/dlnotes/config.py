"""Run-mode switches shared by every notebook: smoke mode for CI, full mode for learners."""

from __future__ import annotations

import os

SMOKE_ENV = "DLNOTES_SMOKE"
"""Environment variable that turns smoke mode on (``1``, ``true``, ``yes``)."""

_TRUE = {"1", "true", "yes", "on"}


def is_smoke() -> bool:
    """True when the ``DLNOTES_SMOKE`` environment variable asks for smoke mode."""
    return os.environ.get(SMOKE_ENV, "").strip().lower() in _TRUE


def size(full, smoke):
    """Return ``full`` normally and ``smoke`` in smoke mode (epochs, sample counts, grid sizes).

    Notebooks choose every expensive size through this one function, e.g.
    ``EPOCHS = size(full=20, smoke=2)``, so CI trains for real but briefly while a
    learner gets the full experiment.
    """
    return smoke if is_smoke() else full


def mode() -> str:
    """``"smoke"`` or ``"full"``: the name of the current run mode."""
    return "smoke" if is_smoke() else "full"
