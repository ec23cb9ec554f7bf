"""Evaluation numerics: confusion matrix, precision / recall, mistakes, predictions, CNN feature maps."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dlnotes import evaluation as ev


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    cm = ev.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], classes=3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert cm.sum() == 6


def test_confusion_matrix_accepts_one_hot_labels():
    y = np.eye(3)[[0, 1, 2]]
    np.testing.assert_array_equal(ev.confusion_matrix(y, [0, 1, 1], classes=3), [[1, 0, 0], [0, 1, 0], [0, 1, 0]])


def test_precision_and_recall_match_their_definitions():
    cm = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    p, r = ev.precision_recall(cm)
    np.testing.assert_allclose(p, [1 / 2, 1 / 2, 2 / 2])
    np.testing.assert_allclose(r, [1 / 2, 1 / 1, 2 / 3])


def test_precision_of_a_never_predicted_class_is_zero_without_warnings():
    cm = np.array([[2, 0], [1, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, r = ev.precision_recall(cm)
    assert p[1] == 0 and r[1] == 0


def test_predicted_class_is_the_argmax_of_the_probabilities():
    probs = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
    np.testing.assert_array_equal(ev.predict_classes(probs), [1, 0])
    with pytest.raises(ValueError, match="shape"):
        ev.predict_classes(np.array([0.1, 0.9]))


def test_most_confident_mistakes_come_first():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7], [0.95, 0.05]])
    y = np.array([0, 0, 0, 1, 1])  # wrong: #1 (0.8), #2 (0.6), #4 (0.95)
    np.testing.assert_array_equal(ev.most_confident_mistakes(probs, y, k=5), [4, 1, 2])
    np.testing.assert_array_equal(ev.most_confident_mistakes(probs, y, k=1), [4])


def test_bad_labels_give_clear_errors():
    with pytest.raises(ValueError, match="same length"):
        ev.confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="0..2"):
        ev.confusion_matrix([0, 3], [0, 1], classes=3)
    with pytest.raises(ValueError, match="square"):
        ev.precision_recall(np.zeros((2, 3)))


def test_model_predictions_go_through_predict_and_argmax():
    from dlnotes.keras_models import softmax_model

    model = softmax_model()
    x = np.random.default_rng(0).random((7, 784)).astype(np.float32)
    probs = ev.predict_proba(model, x)
    assert probs.shape == (7, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(ev.predict_classes(probs), np.argmax(model.predict(x, verbose=0), axis=1))


def test_feature_maps_have_the_documented_shapes():
    from dlnotes.keras_models import cnn

    maps = ev.feature_maps(cnn(), np.zeros((2, 28, 28, 1), np.float32))
    assert {k: v.shape for k, v in maps.items()} == {
        "conv1": (2, 26, 26, 32), "pool1": (2, 13, 13, 32), "conv2": (2, 11, 11, 64), "pool2": (2, 5, 5, 64)}
