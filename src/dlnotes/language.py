"""The language of figures and explorers: English (the default) or Chinese (中文).

A notebook's first code cell chooses it with :func:`set_language` (``"en"`` or ``"zh"``);
the Chinese edition in ``notebooks/zh/`` says ``set_language("zh")``.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")
"""The languages the collection is written in: English and Simplified Chinese."""

_current = "en"


def set_language(lang: str) -> None:
    """Show figures, explorers and self-check verdicts in ``lang``: ``"en"`` or ``"zh"``."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"set_language: lang must be one of {LANGUAGES}, got {lang!r}")
    _current = lang


def language() -> str:
    """The current language: ``"en"`` or ``"zh"``."""
    return _current
