"""Show the package's own code in a notebook: one source, never a copy that drifts apart.

``show_source(Affine)`` as the last line of a cell displays the class as a syntax-highlighted
Python block (Markdown in JupyterLab, plain text elsewhere), headed by where it lives::

    # dlnotes.layers.Affine
    class Affine(Layer):
        ...

``show_source(Value.__add__, Value.__mul__)`` shows several pieces, one after the other.
"""

from __future__ import annotations

import inspect
import textwrap

__all__ = ["Source", "show_source"]


class Source:
    """The source code of functions, methods or classes, displayed as one Python code block."""

    def __init__(self, pieces: list[tuple[str, str]]):
        self.pieces = list(pieces)

    @property
    def name(self) -> str:
        """Where the code lives, ``module.qualname`` (comma-separated for several pieces)."""
        return ", ".join(name for name, _ in self.pieces)

    @property
    def code(self) -> str:
        """The code alone, pieces separated by a blank line."""
        return "\n\n".join(code for _, code in self.pieces)

    @property
    def text(self) -> str:
        """Each piece headed by a comment naming it: ``# module.qualname``."""
        return "\n\n".join(f"# {name}\n{code}" for name, code in self.pieces)

    def _repr_markdown_(self) -> str:
        fence = "````" if "```" in self.text else "```"
        return f"{fence}python\n{self.text}\n{fence}"

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def show_source(*objs) -> Source:
    """The source of each of ``objs`` (functions, methods or classes written in Python), for display in a notebook."""
    if not objs:
        raise TypeError("show_source(obj, ...) needs at least one function, method or class")
    return Source([_piece(obj) for obj in objs])


def _piece(obj) -> tuple[str, str]:
    target = inspect.unwrap(getattr(obj, "__func__", obj))  # bound and class methods show their function
    try:
        code = inspect.getsource(target)
    except (TypeError, OSError) as exc:
        raise TypeError(
            f"show_source(obj) needs a function, method or class written in Python, got {obj!r} "
            f"({type(obj).__name__})"
        ) from exc
    name = ".".join(part for part in (getattr(target, "__module__", None), getattr(target, "__qualname__", None)) if part)
    return name or getattr(target, "__name__", "?"), textwrap.dedent(code).rstrip("\n")
