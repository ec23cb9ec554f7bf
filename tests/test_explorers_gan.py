"""Chapter 10 GAN explorer (after GAN Lab): moves of one player, reproducible settings, Play (the contract covers the rest)."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.explorers.gan import gan_lab

XS = np.linspace(-1.5, 1.5, 16)


@pytest.fixture(scope="module")
def lab():
    return gan_lab()


def test_a_discriminator_step_moves_the_surface_and_a_generator_step_the_points(lab):
    lab.set(rounds=100)
    gan = lab.gan
    surface, points = gan.decision_surface(XS, XS), gan.generate(gan.z_eval)
    lab.buttons["d_step"].click()
    assert lab.error is None and np.array_equal(points, gan.generate(gan.z_eval))
    assert not np.array_equal(surface, gan.decision_surface(XS, XS))
    surface = gan.decision_surface(XS, XS)
    lab.buttons["g_step"].click()
    assert np.array_equal(surface, gan.decision_surface(XS, XS))
    assert not np.array_equal(points, gan.generate(gan.z_eval))
    assert (gan.d_updates, gan.g_updates) == (101, 101)


def test_a_setting_reproduces_its_picture(lab):
    lab.set(target="moons", lr_g=3e-3, rounds=100)
    first = lab.png
    lab.set(lr_g=1e-2)
    assert lab.png != first
    lab.set(lr_g=3e-3)
    assert lab.error is None and lab.png == first, "the same setting must give the same picture"


def test_play_trains_a_few_rounds_per_tick_and_reset_goes_back_to_step_zero(lab):
    lab.set(target="ring", rounds=0)
    for _ in range(3):
        lab.play.value += 1
    assert lab.gan.g_updates == 30 and "ms per round" in lab.status
    lab.buttons["reset"].click()
    assert lab.gan.g_updates == 0 and lab.error is None


def test_the_status_reports_modes_for_the_ring_and_the_time_per_round(lab):
    lab.set(target="ring", rounds=200)
    assert "modes covered" in lab.status and "ms per round" in lab.status


def test_the_progress_bar_ends_full_even_without_training(lab):
    lab.set(rounds=0, lr_d=2e-3)
    assert lab.progress.value == lab.progress.max
    lab.set(rounds=100)
    assert lab.progress.value == lab.progress.max
