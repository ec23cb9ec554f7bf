"""Self-check helper for the exercises (练习) at the end of each chapter.

An exercise cell starts with ``# Exercise N.M`` and leaves ``answer = ...`` (or a
function whose body raises ``NotImplementedError``) for the learner. The self-check
cell below it calls :func:`check`, which says "not attempted yet" until the learner
fills in an answer, then runs the chapter's assertions and prints a tick.
"""

from __future__ import annotations

from typing import Any, Callable

from dlnotes.language import tr


def check(answer: Any, test: Callable[[Any], None], *, name: str = "exercise") -> None:
    """Run ``test(answer)`` (plain ``assert``s with readable messages) and print the verdict.

    Prints "not attempted yet", without raising, while ``answer`` is still ``...`` or a
    function that raises ``NotImplementedError``: an unattempted exercise never breaks the
    notebook. A failing ``assert`` raises with its message. Returns None, so a self-check
    cell ending in ``check(...)`` shows only the printed verdict, no stray ``True``/``False``.
    """
    if answer is Ellipsis:
        print("⏳ " + tr(f"{name}: not attempted yet — fill in `answer` above and run this cell again."))
        return
    try:
        test(answer)
    except NotImplementedError:
        print("⏳ " + tr(f"{name}: not attempted yet — replace the `raise NotImplementedError` with your code."))
        return
    print("✓ " + tr(f"{name}: correct!"))
