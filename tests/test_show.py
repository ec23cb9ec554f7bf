"""show_source: the one way a notebook shows the package code it teaches."""

from __future__ import annotations

import pytest

from dlnotes.autograd import Value
from dlnotes.functions import sigmoid
from dlnotes.layers import Affine
from dlnotes.show import Source, show_source


def test_a_function_is_shown_whole_under_its_full_name():
    src = show_source(sigmoid)
    assert isinstance(src, Source) and src.name == "dlnotes.functions.sigmoid"
    assert src.code.startswith("def sigmoid(x):") and "np.exp(-np.abs(x))" in src.code
    assert src.text.startswith("# dlnotes.functions.sigmoid\ndef sigmoid")


def test_a_method_is_dedented_so_it_reads_as_written():
    src = show_source(Value.__mul__)
    assert src.name == "dlnotes.autograd.Value.__mul__"
    assert src.code.startswith("def __mul__(self, other):") and "\n    out = Value(" in src.code


def test_a_bound_method_shows_its_function():
    assert show_source(Value(1.0).backward).code == show_source(Value.backward).code


def test_notebooks_render_it_as_a_highlighted_python_block_and_consoles_as_text():
    src = show_source(Affine)
    md = src._repr_markdown_()
    assert md.startswith("```python\n# dlnotes.layers.Affine\nclass Affine(") and md.endswith("\n```")
    assert repr(src) == str(src) == src.text


def test_several_pieces_are_shown_one_after_the_other():
    src = show_source(Value.__add__, Value.__mul__)
    assert src.name == "dlnotes.autograd.Value.__add__, dlnotes.autograd.Value.__mul__"
    assert src.text.index("# dlnotes.autograd.Value.__add__\ndef __add__") < src.text.index("\n\n# dlnotes.autograd.Value.__mul__")


def test_something_without_python_source_is_a_clear_error():
    with pytest.raises(TypeError, match=r"show_source\(obj\) needs a function, method or class.*got 3 \(int\)"):
        show_source(3)
    with pytest.raises(TypeError, match="got <built-in function len>"):
        show_source(len)
    with pytest.raises(TypeError, match="at least one"):
        show_source()
