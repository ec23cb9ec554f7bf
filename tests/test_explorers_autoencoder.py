"""Chapter 10 autoencoder explorers: what is specific to them (the explorer contract covers the rest)."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.explorers.autoencoder import default_autoencoders, denoise_explorer, latent_explorer


@pytest.fixture(scope="module")
def models(shared_data):
    """The small models the factories train when called without arguments (once per test process)."""
    return default_autoencoders()


def test_latent_sliders_change_the_decoded_image(models):
    e = latent_explorer()
    lo, hi = e.controls["z1"].min, e.controls["z1"].max
    e.set(z1=lo)
    left, png = e.decoded.copy(), e.png
    e.set(z1=hi)
    assert e.error is None and e.png != png
    assert np.abs(e.decoded - left).max() > 0.1, "opposite ends of z1 must decode to visibly different images"
    assert e.decoded.shape == (28, 28) and 0 <= e.decoded.min() and e.decoded.max() <= 1
    np.testing.assert_allclose(e.decode(hi, e.values["z2"]), e.decoded)


def test_latent_explorer_names_its_digit_region(models):
    encoder, decoder, _, x, y = models
    e = latent_explorer(encoder, decoder, x, y)
    codes = e.codes
    z = np.median(codes[y == 0], axis=0)
    e.set(z1=float(z[0]), z2=float(z[1]))
    assert "0s" in e.status, e.status


def test_latent_explorer_needs_a_2d_code(models):
    from dlnotes.generative import dense_autoencoder

    _, encoder3, decoder3 = dense_autoencoder(code_dim=3, hidden=(8,))
    x = np.zeros((5, 784), np.float32)
    with pytest.raises(ValueError, match="2-D code"):
        latent_explorer(encoder3, decoder3, x, np.arange(5))


def test_denoiser_output_is_closer_to_the_clean_digits_than_its_noisy_input(models):
    e = denoise_explorer()
    e.set(noise=0.0)
    assert e.errors[0] == 0.0
    e.set(noise=0.6)
    noisy, denoised = e.errors
    assert denoised < noisy, f"denoised {denoised:.4f} vs noisy {noisy:.4f}"
    with pytest.raises(ValueError, match="at least 6"):
        denoise_explorer(models[2], np.zeros((3, 784), np.float32))
