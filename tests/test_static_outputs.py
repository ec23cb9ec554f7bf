"""Read it without running it: an executed chapter shows each explorer's picture where no kernel runs.

A renderer without a kernel or widget manager (nbviewer, GitHub, ``nbconvert --to html``
without widget state, the static book of ``make book``) cannot draw a widget view. Every
explorer's display bundle also carries a still of its figure (``Explorer._repr_mimebundle_``);
here chapter 01 runs (in smoke mode under ``make test``) as a learner's kernel runs it (nbclient), is converted to
HTML without widget state, and each explorer's picture must be in the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "notebooks" / "01_perceptron.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(CHAPTER, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(CHAPTER.parent)}}).execute()
    return nb


def _explorer_outputs(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
            if WIDGET_VIEW in out.get("data", {})]


def test_each_explorer_output_carries_the_widget_and_its_picture(executed):
    outputs = _explorer_outputs(executed)
    assert len(outputs) == 2, "chapter 01 shows two explorers"
    for out in outputs:
        assert {"image/png", "text/html", "text/plain"} <= set(out["data"])
        assert out["metadata"]["image/png"]["width"] > 0, "the picture keeps its natural size"


def test_nbconvert_without_widget_state_shows_the_explorers_pictures(executed):
    assert "widgets" not in executed.metadata, "no widget state: as GitHub and nbviewer see a saved notebook"
    html, _ = HTMLExporter().from_notebook_node(executed)
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', html)  # nbconvert sorts attributes
    for out in _explorer_outputs(executed):
        assert out["data"]["image/png"] in images, "the explorer's picture is an <img> in the page"
    assert "A still of this explorer" in html
