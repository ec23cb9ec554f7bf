"""Benchmarks for dlnotes: ``make bench`` (``python -m benchmarks``) writes ``benchmarks/results/``.

- ``python -m benchmarks``         notebooks, explorers, browser latency, training -> JSON + summary.md
- ``python -m benchmarks.readme``  rewrite README.md's "Performance" section from summary.md
"""

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[1]
