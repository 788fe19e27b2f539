"""Each loss against a value computed by hand (probabilities written out, not via the code under test)."""
import math

import numpy as np
import pytest
import tensorflow as tf

from gvr_helpers import losses, metrics, ring

# Two logits with easy sigmoids: sigmoid(0) = 1/2, sigmoid(log 3) = 3/4.
L3 = math.log(3.0)
REAL = np.array([[L3], [0.0]], dtype=np.float32)   # D(x) = 3/4, 1/2
FAKE = np.array([[0.0], [-L3]], dtype=np.float32)  # D(G(z)) = 1/2, 1/4


def close(got, expected, tol=1e-5):
    assert float(got) == pytest.approx(expected, abs=tol)


def test_minimax_discriminator_loss_is_minus_v():
    v = 0.5 * (math.log(3 / 4) + math.log(1 / 2)) + 0.5 * (math.log(1 - 1 / 2) + math.log(1 - 1 / 4))
    close(losses.minimax_d_loss(REAL, FAKE), -v)


def test_saturating_and_nonsaturating_generator_losses():
    close(losses.minimax_g_loss(FAKE), 0.5 * (math.log(1 / 2) + math.log(3 / 4)))
    close(losses.nonsaturating_g_loss(FAKE), 0.5 * (-math.log(1 / 2) - math.log(1 / 4)))


def test_losses_stay_finite_for_huge_logits():
    huge = np.array([[-200.0], [200.0]], dtype=np.float32)  # sigmoid rounds to exactly 0 and 1
    for value in (losses.minimax_d_loss(huge, huge), losses.nonsaturating_g_loss(huge), losses.minimax_g_loss(huge)):
        assert np.isfinite(float(value))
    close(losses.nonsaturating_g_loss(huge[:1]), 200.0, tol=1e-3)  # -log sigmoid(-200) = 200


def test_least_squares_losses():
    close(losses.least_squares_d_loss(REAL, FAKE),
          0.5 * ((L3 - 1) ** 2 + 1) / 2 + 0.5 * (0 + L3 ** 2) / 2)
    close(losses.least_squares_g_loss(FAKE), 0.5 * (1 + (L3 + 1) ** 2) / 2)


def test_hinge_losses():
    real = np.array([2.0, 0.5, -1.0], dtype=np.float32)
    fake = np.array([-2.0, 0.0, 0.5], dtype=np.float32)
    close(losses.hinge_d_loss(real, fake), (0 + 0.5 + 2) / 3 + (0 + 1 + 1.5) / 3)
    close(losses.hinge_g_loss(fake), -(-2.0 + 0.0 + 0.5) / 3)


def test_r1_penalty_of_a_linear_discriminator_is_its_squared_slope():
    # D(x) = w·x + b has gradient w everywhere: R1 = |w|^2 = 9 + 16 = 25.
    d = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    d.layers[0].set_weights([np.array([[3.0], [-4.0]], np.float32), np.array([0.5], np.float32)])
    real = np.random.default_rng(0).normal(size=(6, 2)).astype(np.float32)
    close(losses.r1_penalty(d, real), 25.0, tol=1e-4)


def test_r1_penalty_of_a_quadratic_depends_on_the_point():
    # D(x) = x^2 (one feature) has gradient 2x: R1 over x = [1, 2] is (4 + 16)/2 = 10.
    class Square(tf.keras.Model):
        def call(self, x, training=None):
            return tf.reduce_sum(tf.square(x), axis=1, keepdims=True)

    close(losses.r1_penalty(Square(), np.array([[1.0], [2.0]], np.float32)), 10.0)


def test_cycle_and_identity_losses_are_mean_absolute_errors():
    a = np.zeros((1, 2, 2, 3), np.float32)
    b = np.full((1, 2, 2, 3), 0.25, np.float32)
    b[0, 0, 0, 0] = 1.0
    expected = (11 * 0.25 + 1.0) / 12
    close(losses.cycle_loss(a, b), expected)
    close(losses.identity_loss(b, a), expected)


def test_loss_registry():
    assert losses.get_gan_loss("saturating").g_loss is losses.minimax_g_loss
    assert losses.get_gan_loss("LSGAN").d_loss is losses.least_squares_d_loss
    with pytest.raises(ValueError, match=r"unknown GAN loss 'wgan'.*hinge"):
        losses.get_gan_loss("wgan")


def test_ring_metrics_count_modes_and_quality():
    centers = ring.ring_centers()
    assert centers.shape == (8, 2) and np.allclose(np.linalg.norm(centers, axis=1), 2.0)
    perfect = ring.sample_ring(4000, std=0.05, seed=1)
    cov = ring.mode_coverage(perfect, centers, 0.05)
    # in 2-D, a Gaussian puts 1 - exp(-9/2) = 98.9 % of its mass within 3 std
    assert cov["modes_covered"] == 8 and abs(cov["hq_fraction"] - (1 - np.exp(-4.5))) < 0.01
    collapsed = np.repeat(centers[:2], 500, axis=0) + 0.01
    cov = ring.mode_coverage(collapsed, centers, 0.05)
    assert cov["modes_covered"] == 2 and cov["hq_fraction"] == 1.0
    assert ring.mode_coverage(np.zeros((10, 2)), centers, 0.05)["hq_fraction"] == 0.0
    with pytest.raises(ValueError, match="NaN"):
        ring.mode_coverage(np.full((3, 2), np.nan), centers, 0.05)


def test_histogram_density_integrates_to_one_and_checks_its_grid():
    grid = np.linspace(-5, 5, 101)
    dens = metrics.histogram_density(np.random.default_rng(0).normal(size=100_000), grid)
    assert abs(dens.sum() * 0.1 - 1) < 1e-3 and abs(dens[50] - 0.3989) < 0.02
    with pytest.raises(ValueError, match="evenly spaced"):
        metrics.histogram_density([0.0], [0.0, 1.0, 3.0])
