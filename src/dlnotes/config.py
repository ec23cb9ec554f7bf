"""Run-mode switches shared by every notebook: smoke mode for CI, full mode for learners."""

from __future__ import annotations

import os
from numbers import Integral, Real

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
    learner gets the full experiment. Each is a number or None ("all"); an int
    (a count) is paired with an int, a float (a threshold) with a float.
    """
    kinds = {}
    for name, value in (("full", full), ("smoke", smoke)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"size: {name} must be a number or None, got {value!r} ({type(value).__name__})")
        kinds[name] = "an int" if isinstance(value, Integral) else "a float"
    if len(set(kinds.values())) > 1:
        raise TypeError(f"size: full and smoke must both be ints (counts) or both floats, got full={full!r} "
                        f"({kinds['full']}) and smoke={smoke!r} ({kinds['smoke']})")
    return smoke if is_smoke() else full


def mode() -> str:
    """``"smoke"`` or ``"full"``: the name of the current run mode."""
    return "smoke" if is_smoke() else "full"
