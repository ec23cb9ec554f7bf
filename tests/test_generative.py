"""Chapter 10 numerics: autoencoders, the GAN losses and training step, toy targets, sample measures."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from dlnotes import generative as gen
from dlnotes.config import size


# --- GAN losses -----------------------------------------------------------------------------------
def _softplus(t):
    return np.logaddexp(0.0, t)


PER_SAMPLE = {"minimax": lambda l: -_softplus(l), "nonsaturating": lambda l: _softplus(-l)}


@pytest.mark.parametrize("kind", gen.GAN_LOSSES)
def test_generator_loss_slope_matches_numerical_gradient_and_gradient_tape_in_float64(kind):
    logits = np.linspace(-12.0, 12.0, 49)
    by_hand = gen.generator_loss_slope(1.0 / (1.0 + np.exp(-logits)), kind)
    h = 1e-6
    numerical = (PER_SAMPLE[kind](logits + h) - PER_SAMPLE[kind](logits - h)) / (2 * h)
    x = tf.constant(logits, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = gen.generator_loss(x, kind) * len(logits)  # a mean over samples: times N gives per-sample slopes
    tape_grad = tape.gradient(total, x).numpy()
    assert tape_grad.dtype == np.float64
    for name, other in (("numerical", numerical), ("GradientTape", tape_grad)):
        rel = np.max(np.abs(by_hand - other) / np.maximum(np.abs(by_hand) + np.abs(other), 1e-12))
        assert rel < 1e-6, f"{kind}: slope by hand vs {name}: relative error {rel:.2e}"


def test_minimax_slope_vanishes_where_the_discriminator_rejects_fakes_and_nonsaturating_does_not():
    d = np.array([1e-4, 0.01, 0.5])
    assert np.allclose(gen.generator_loss_slope(d, "minimax"), -d)
    assert np.allclose(gen.generator_loss_slope(d, "nonsaturating"), d - 1)
    assert abs(gen.generator_loss_slope(1e-4, "minimax")) < 1e-3 < abs(gen.generator_loss_slope(1e-4, "nonsaturating"))


def test_gan_losses_stay_finite_for_extreme_logits():
    logits = tf.constant([-1e4, -50.0, 0.0, 50.0, 1e4])
    values = [gen.discriminator_loss(logits, logits)] + [gen.generator_loss(logits, k) for k in gen.GAN_LOSSES]
    assert all(np.isfinite(float(v)) for v in values)


def test_discriminator_loss_is_log_4_when_the_discriminator_says_one_half_everywhere():
    zero = tf.zeros(8)
    assert float(gen.discriminator_loss(zero, zero)) == pytest.approx(np.log(4.0), rel=1e-6)


# --- toy targets and measures ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(gen.TARGETS))
def test_toy_targets_are_seeded_2d_samples_inside_the_plot(name):
    a, b = gen.sample_target(name, 500, seed=3), gen.sample_target(name, 500, seed=3)
    assert a.shape == (500, 2) and a.dtype == np.float32 and np.array_equal(a, b)
    assert np.abs(a).max() < 1.5


def test_ring_samples_lie_near_its_eight_modes():
    cov = gen.mode_coverage(gen.sample_target("ring", 2000, seed=0))
    assert cov["covered"] == 8 and cov["near_share"] > 0.98


def test_energy_distance_is_zero_for_one_sample_and_grows_with_a_shift():
    x = gen.sample_target("moons", 400, seed=0)
    y = gen.sample_target("moons", 400, seed=1)
    assert gen.energy_distance(x, x) == pytest.approx(0.0, abs=1e-12)
    near, far = gen.energy_distance(x, y), gen.energy_distance(x, y + [0.5, 0.0])
    assert near < 0.01 < far
    assert gen.energy_distance(x, np.full_like(x, np.nan)) == float("inf")


def test_mode_coverage_counts_a_collapsed_sample_as_one_mode():
    centres = gen.RING_CENTERS
    collapsed = centres[[0] * 200] + 0.01 * np.random.default_rng(0).standard_normal((200, 2))
    cov = gen.mode_coverage(collapsed)
    assert cov["covered"] == 1 and cov["near_share"] == 1.0
    spread = np.random.default_rng(0).uniform(-1.5, 1.5, (400, 2))
    assert gen.mode_coverage(spread)["near_share"] < 0.2


# --- the GAN training loop -------------------------------------------------------------------------
def _weights(model):
    return [w.numpy().copy() for w in model.weights]


def test_one_discriminator_step_changes_only_d_and_one_generator_step_only_g():
    g = gen.ToyGAN("ring", seed=0)
    G0, D0 = _weights(g.generator), _weights(g.discriminator)
    g.d_step()
    assert all(np.array_equal(a, b) for a, b in zip(G0, _weights(g.generator)))
    assert not all(np.array_equal(a, b) for a, b in zip(D0, _weights(g.discriminator)))
    D1 = _weights(g.discriminator)
    g.g_step()
    assert all(np.array_equal(a, b) for a, b in zip(D1, _weights(g.discriminator)))
    assert not all(np.array_equal(a, b) for a, b in zip(G0, _weights(g.generator)))
    assert (g.d_updates, g.g_updates) == (1, 1)


def test_a_seeded_run_reproduces_after_reset_and_in_a_new_object():
    a = gen.ToyGAN("moons", d_steps=2, seed=4)
    a.train(40, chunk=15)
    first = a.generate(a.z_eval)
    assert a.d_updates == 80 and a.g_updates == 40 and len(a.history["g_loss"]) == 40
    a.reset()
    assert a.g_updates == 0 and a.history["d_loss"] == []
    a.train(40, chunk=40)
    np.testing.assert_array_equal(a.generate(a.z_eval), first)
    b = gen.ToyGAN("moons", d_steps=2, seed=4)
    b.train(40)
    np.testing.assert_array_equal(b.generate(b.z_eval), first)


def test_good_setting_improves_energy_distance_tenfold_and_covers_the_ring_within_1000_rounds():
    """Default settings (Adam 1e-3 for both, one D step per G step, non-saturating loss), seed 0."""
    g = gen.ToyGAN("ring", seed=0)
    start = g.quality()
    g.train(1000)
    end = g.quality()
    assert end["energy"] < start["energy"] / 10, f"energy distance {start['energy']:.3f} -> {end['energy']:.3f}"
    assert end["modes"] >= 6, f"only {end['modes']} of 8 modes covered"


def test_strong_discriminator_with_minimax_loss_collapses_onto_a_few_modes():
    """D ten times faster and five D steps per G step, minimax loss: good-looking points on few modes."""
    g = gen.ToyGAN("ring", lr_d=1e-2, lr_g=1e-3, d_steps=5, loss="minimax", seed=0)
    g.train(500)
    q = g.quality()
    assert q["modes"] <= 4, f"expected a collapse onto at most 4 modes, got {q['modes']}"
    assert q["near_share"] > 0.5, "the generated points should sit near (some) modes"
    assert q["energy"] > 0.1


def test_manifold_and_gradients_have_the_shapes_the_explorer_draws():
    g = gen.ToyGAN(noise_dim=3)
    assert g.manifold(lines=5, points=7).shape == (10, 7, 2)
    pts, grad = g.sample_gradients(g.z_eval[:6])
    assert pts.shape == grad.shape == (6, 2) and np.all(np.isfinite(grad))
    assert gen.ToyGAN(noise_dim=1).manifold(points=9).shape == (1, 9, 2)
    surface = g.decision_surface(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    assert surface.shape == (3, 4) and np.all((surface >= 0) & (surface <= 1))


# --- autoencoders -------------------------------------------------------------------------------------
def test_add_noise_is_seeded_and_clipped():
    x = np.full((3, 784), 0.5, np.float32)
    a, b = gen.add_noise(x, 0.3, seed=1), gen.add_noise(x, 0.3, seed=1)
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1 and not np.array_equal(a, x)
    assert np.array_equal(gen.add_noise(x, 0.0), x)


def test_autoencoder_shapes_and_any_number_of_hidden_layers():
    for hidden in ((), (32,), (64, 32, 16)):
        auto, enc, dec = gen.dense_autoencoder(code_dim=3, hidden=hidden)
        x = np.zeros((2, 784), np.float32)
        assert enc(x).shape == (2, 3) and dec(np.zeros((2, 3), np.float32)).shape == (2, 784)
        assert auto(x).shape == (2, 784)


def test_pca_error_falls_as_the_code_grows():
    x = np.random.default_rng(0).random((300, 20))
    errors = [gen.pca_reconstruction_error(x[:200], x[200:], k) for k in (1, 5, 20)]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-12


def test_2d_autoencoder_beats_the_best_linear_2d_code_on_mnist_test_images(shared_data):
    """Reconstruction error per pixel on 2,000 test images below PCA's with the same 2-D code.

    Smoke: 3,000 training images, 4 epochs; full: 20,000 images, 6 epochs (then also below 0.045).
    """
    from dlnotes.data import load_mnist
    from dlnotes.keras_models import normalize

    (x_tr, _), (x_te, _) = load_mnist()
    x, xt = normalize(x_tr[: size(full=20000, smoke=3000)]), normalize(x_te[:2000])
    auto, _, _ = gen.dense_autoencoder(code_dim=2)
    gen.train_autoencoder(auto, x, epochs=size(full=6, smoke=4), batch_size=64, lr=3e-3)
    error, pca = gen.reconstruction_error(auto, xt), gen.pca_reconstruction_error(x, xt, 2)
    assert error < pca, f"autoencoder {error:.4f} should beat PCA's {pca:.4f}"
    assert error < size(full=0.045, smoke=0.055), f"reconstruction error {error:.4f}"


def test_digit_coverage_counts_confident_digits_and_their_classes():
    probs = np.full((100, 10), 0.01)
    probs[:60, 3] = 0.91  # 60 confident 3s
    probs[60:70, 7] = 0.91  # 10 confident 7s
    probs[70:, 0] = 0.5  # 30 unsure
    seen = gen.digit_coverage(probs)
    assert seen["confident_share"] == pytest.approx(0.7) and seen["classes"] == 2
    assert gen.digit_coverage(probs, min_share=0.2)["classes"] == 1
