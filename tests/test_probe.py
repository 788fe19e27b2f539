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


def test_split_roles_trains_the_ink_by_the_gan_and_the_colours_by_the_colour_loss_only():
    from gvr_helpers import unpaired
    from gvr_helpers.models import build_discriminator

    data = unpaired.style_data("toon", crop=16, n_crops=64)
    for colour_weight in (0.0, 10.0):
        g = probe.ink_over_colours()
        model = probe.SplitRolesTranslator(g, build_discriminator("patchgan", filters=8, receptive_field=16, norm="none"))
        model.compile(g_learning_rate=1e-2, colour_weight=colour_weight, colour_reference=data.b)
        ink = next(l for l in g.layers if isinstance(l, probe.InkOver))
        colour_vars = [v for v in g.trainable_variables if all(v is not w for w in ink.trainable_variables)]
        before = [v.numpy().copy() for v in colour_vars], [v.numpy().copy() for v in ink.trainable_variables]
        model.fit(unpaired.crop_stream(data.a, data.b, 8), steps_per_epoch=3, epochs=1, verbose=0)
        colours_moved = any(not np.array_equal(b, v.numpy()) for b, v in zip(before[0], colour_vars))
        ink_moved = any(not np.array_equal(b, v.numpy()) for b, v in zip(before[1], ink.trainable_variables))
        assert ink_moved
        assert colours_moved == (colour_weight > 0)   # without the colour loss nothing trains the colour map


def test_the_colour_map_anchor_ignores_the_ink_and_sees_the_colour_map():
    g = probe.ink_over_colours()
    anchor = probe.colour_map_anchor(g)
    x = tf.constant(np.random.default_rng(1).random((2, 24, 24, 3)).astype(np.float32))
    x = x * 0.08 + tf.constant(_step_image(24))                         # in [0, 1], a strong edge: ink there
    assert float(tf.reduce_max(tf.abs(g(x) - x))) > 0.1
    assert float(anchor(x, g(x))) == pytest.approx(0.0, abs=1e-6)       # the colour map is still the identity
    first, second, last = [l for l in g.layers if isinstance(l, probe.layers.Conv2D)]
    for layer, scale, bias in ((first, 1.0, 1.0), (second, 1.0, 0.0), (last, -1.0, 1.0)):
        kernel = np.zeros(layer.kernel.shape, np.float32)               # channels 0-2 carried through:
        kernel[0, 0, range(3), range(3)] = scale                        # 2x, 2x, then x + (1 - 2x) = 1 - x
        layer.kernel.assign(kernel)
        layer.bias.assign(np.where(np.arange(layer.bias.shape[0]) < 3, bias, 0.0).astype(np.float32))
    x = tf.clip_by_value(x, 0.05, 0.95)                                 # inside the clip both ways
    np.testing.assert_allclose(anchor.colours(x).numpy(), 1.0 - x.numpy(), atol=1e-5)
    assert float(anchor(x, g(x))) > 2.5                                 # light and dark swapped: near 4 (eps)


def test_the_ink_layers_width_thickens_its_lines_by_one_pixel():
    step = tf.constant(_step_image())
    white = tf.fill(step.shape, 1.0)

    def inked_columns(width):
        out = probe.InkOver(ink=-10.0, width=width)([step, white]).numpy()[0, 8]   # one row across the edge
        return np.where((out < 0.5).any(-1))[0]

    thin, thick = inked_columns(None), inked_columns(10.0)
    assert len(thin) > 0 and thick.min() == thin.min() - 1 and thick.max() == thin.max() + 1
