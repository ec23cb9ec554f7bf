"""Chapter 09 explorer: filters and feature maps inside a Keras CNN."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from dlnotes.explorers.base import randomize
from dlnotes.explorers.keras_cnn import cnn_feature_explorer
from dlnotes.keras_models import cnn


def test_cnn_feature_explorer_redraws_for_every_control_and_survives_random_settings(shared_data):
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32)
    e = cnn_feature_explorer(cnn(), images, labels=[0, 1, 2, 3])
    assert e.error is None
    png = e.png
    e.set(digit=2)
    assert e.png != png
    png = e.png
    e.set(view="filters")
    assert e.png != png
    before = len(plt.get_fignums())
    rng = np.random.default_rng(0)
    times = []
    for _ in range(200):
        randomize(e, rng)
        assert e.error is None and e.warnings == []
        times.append(e.last_update_ms)
    assert len(plt.get_fignums()) == before
    print(f"cnn_feature_explorer median update {np.median(times):.1f} ms")
