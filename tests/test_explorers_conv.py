"""Chapter 06 explorers: output size, feature maps, pooling (the shared checks are in test_explorer_contract.py)."""

from __future__ import annotations

import itertools
import re

import numpy as np

from dlnotes.conv import convolve_image
from dlnotes.data import load_image
from dlnotes.explorers import conv as ce


def _brute_force_count(H, FH, P, S):
    """Number of windows of size FH that fit on the padded axis [-P, H+P) stepping by S, and whether they cover it."""
    starts = [s for s in range(-P, H + P, S) if s + FH <= H + P]
    return len(starts), bool(starts) and starts[-1] + FH == H + P


def test_window_positions_match_brute_force_for_all_small_settings():
    for H, FH, P, S in itertools.product(range(1, 13), range(1, 8), range(0, 4), range(1, 5)):
        count, _ = _brute_force_count(H, FH, P, S)
        assert len(ce.window_positions(H, FH, P, S)) == count, (H, FH, P, S)


def test_output_size_explorer_formula_matches_brute_force_for_all_small_settings():
    e = ce.output_size_explorer()
    title = e.figure._suptitle
    centers = e.figure.axes[0].collections[0]
    for H, FH, P, S in itertools.product(range(3, 13), range(1, 8), range(0, 4), range(1, 5)):
        reply = e._update(H=H, FH=FH, P=P, S=S, window=0)  # the update alone, without a PNG render
        count, covers = _brute_force_count(H, FH, P, S)
        assert len(centers.get_offsets()) == count * count, (H, FH, P, S)
        assert reply.status.startswith(f"{count}×{count} windows")
        assert reply.limits["window"] == (0, max(count * count - 1, 0)), "the window slider spans the windows"
        if covers:
            assert title.get_text().endswith(f"= {count}"), (H, FH, P, S, title.get_text())
            assert not reply.notice
        else:
            assert title.get_text().endswith("✗")
            assert "does not fit" in reply.notice or "larger than" in reply.notice, reply.notice


def test_output_size_explorer_explains_a_stride_that_does_not_fit():
    e = ce.output_size_explorer().set(H=7, FH=3, P=0, S=3)
    assert e.error is None
    assert "stride S=3 does not fit" in e.notice and "4/3 is not an integer" in e.notice
    assert "dlnotes-notice" in e.message.value and "cannot be drawn" not in e.message.value
    note = [t for t in e.figure.axes[1].texts if t.get_visible()]
    assert note and "does not fit" in note[0].get_text()


def test_feature_map_kernels_do_what_their_names_say():
    img = load_image("photo")
    assert np.allclose(convolve_image(img, ce.KERNELS["identity"], P=1), img)
    flat = np.full((8, 8), 0.3)
    for name in ("vertical edge (Sobel x)", "horizontal edge (Sobel y)", "edge (Laplacian)"):
        assert np.allclose(convolve_image(flat, ce.KERNELS[name])[1:-1, 1:-1], 0), f"{name} must ignore flat regions"
    for name in ("box blur", "Gaussian blur", "sharpen"):
        assert np.allclose(convolve_image(flat, ce.KERNELS[name]), 0.3), f"{name} must keep brightness"


def test_pooling_explorer_reports_the_output_size():
    e = ce.pooling_explorer().set(image="photo", size=3, stride=2)
    assert e.error is None
    assert re.search(r"48×48 → 23×23", e.status) and "does not fit" in e.notice


def test_custom_kernel_sliders_show_only_while_the_kernel_is_custom():
    e = ce.feature_map_explorer()
    sliders = [k for k in e.controls if re.fullmatch(r"k[0-2][0-2]", k)]
    assert len(sliders) == 9 and all(not e.active(k) and e.controls[k].layout.display == "none" for k in sliders)
    e.set(kernel="custom")
    assert all(e.active(k) and e.controls[k].layout.display is None for k in sliders)


def test_the_window_slider_spans_only_the_windows_that_exist():
    e = ce.output_size_explorer().set(H=7, FH=3, P=0, S=2, window=40)
    assert e.controls["window"].max == 8 and e.controls["window"].value == 8  # 3×3 windows
    e.set(FH=7, H=3)
    assert e.controls["window"].max == 0 and not e.active("window")
