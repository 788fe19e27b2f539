"""benchmarks/unpaired_probe.py: the print-shaped generator, its blur, CartoonGAN's edge smoothing, one probe run."""
import importlib.util

import numpy as np
import pytest
import tensorflow as tf
from scipy import ndimage

from gvr_helpers import config

spec = importlib.util.spec_from_file_location("unpaired_probe", config.REPO_ROOT / "benchmarks" / "unpaired_probe.py")
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)


def _step_image(size=32):
    """Left half dark blue, right half light yellow: one vertical edge in the middle."""
    x = np.zeros((1, size, size, 3), np.float32)
    x[:, :, : size // 2] = [0.1, 0.2, 0.5]
    x[:, :, size // 2:] = [0.9, 0.85, 0.4]
    return x


@pytest.mark.parametrize("sigma", [1.0, 1.5])
def test_gaussian_blur_matches_scipy(sigma):
    x = np.random.default_rng(0).random((2, 20, 24, 3)).astype(np.float32)
    ours = probe.gaussian_blur(tf.constant(x), sigma).numpy()
    ref = ndimage.gaussian_filter(x, sigma=(0, sigma, sigma, 0), mode="mirror", truncate=3.0)
    assert ours.shape == x.shape
    np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_ink_over_colours_starts_with_the_colours_kept_and_ink_only_at_edges():
    g = probe.ink_over_colours()
    flat = np.full((1, 24, 24, 3), 0.6, np.float32)
    np.testing.assert_allclose(g(flat).numpy(), flat, atol=1e-4)   # no edge, no ink; the colour map starts at x
    step = _step_image()
    out = g(step).numpy()
    darker = out.mean(-1) < step.mean(-1) - 0.05
    cols = np.where(darker[0].any(axis=0))[0]
    assert len(cols) > 0 and np.all(np.abs(cols - 16) <= 4)   # ink drawn next to the edge, nowhere else


def test_ink_over_with_an_unreachable_threshold_draws_no_ink():
    layer = probe.InkOver(t=100.0)
    step = tf.constant(_step_image())
    colours = tf.fill(step.shape, 0.3)
    np.testing.assert_allclose(layer([step, colours]).numpy(), 0.3, atol=1e-6)


@pytest.mark.parametrize("straight_through", [False, True])
def test_the_colour_maps_clip_passes_gradients_only_when_straight_through(straight_through):
    g = probe.ink_over_colours(straight_through=straight_through)
    last = [l for l in g.layers if isinstance(l, probe.layers.Conv2D)][-1]   # the colour map's output layer
    last.bias.assign([2.0, 2.0, 2.0])                                        # every colour pushed above 1
    x = tf.constant(np.full((1, 8, 8, 3), 0.5, np.float32))
    with tf.GradientTape() as tape:
        out = g(x)
        total = tf.reduce_sum(out)
    np.testing.assert_allclose(out.numpy(), 1.0, atol=1e-5)                  # clipped forward either way
    grad = tape.gradient(total, last.bias)
    assert grad is not None
    assert (float(tf.reduce_max(tf.abs(grad))) > 0) == straight_through


def test_smooth_edges_blurs_near_edges_only():
    step = _step_image()
    flat = np.full((1, 32, 32, 3), 0.4, np.float32)
    smoothed = probe.smooth_edges(np.concatenate([step, flat]))
    np.testing.assert_array_equal(smoothed[1], flat[0])                    # nothing to smooth
    changed = np.abs(smoothed[0] - step[0]).max(-1) > 1e-3
    cols = np.where(changed.any(axis=0))[0]
    assert len(cols) > 0 and np.all(np.abs(cols - 16) <= 4)
    assert not changed[:, :8].any() and not changed[:, 24:].any()


def test_a_short_probe_of_the_ink_generator_with_edge_promoting_trains():
    result = probe.probe("toon", 2.0, {"generator": "ink_over_colours", "content_weight": 0, "identity_weight": 0,
                                       "edge_promoting": 1.0, "n_crops": 64})
    assert result["steps"] > 1 and np.isfinite(result["db"])
    assert result["curve_db"][0] != pytest.approx(result["identity_db"], abs=0.01)   # its start already draws ink


def test_importing_the_probe_leaves_the_packages_anchors_alone():
    from gvr_helpers import unpaired

    assert set(unpaired.ANCHORS) == {"absolute", "squared", "correlation"}
