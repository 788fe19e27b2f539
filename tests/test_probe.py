"""benchmarks/unpaired_probe.py: its straight-through clip, CartoonGAN's edge smoothing, split roles, one probe run
(the ink generator itself is tested in test_ink_generator.py)."""
import importlib.util

import numpy as np
import pytest
import tensorflow as tf

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
    from gvr_helpers import translators, unpaired_data
    from gvr_helpers.models import build_discriminator

    data = unpaired_data.style_data("toon", crop=16, n_crops=64)
    for colour_weight in (0.0, 10.0):
        g = probe.ink_over_colours()
        model = probe.SplitRolesTranslator(g, build_discriminator("patchgan", filters=8, receptive_field=16, norm="none"))
        model.compile(g_learning_rate=1e-2, colour_weight=colour_weight, colour_reference=data.b)
        ink = next(l for l in g.layers if isinstance(l, translators.InkOver))
        colour_vars = [v for v in g.trainable_variables if all(v is not w for w in ink.trainable_variables)]
        before = [v.numpy().copy() for v in colour_vars], [v.numpy().copy() for v in ink.trainable_variables]
        model.fit(unpaired_data.crop_stream(data.a, data.b, 8), steps_per_epoch=3, epochs=1, verbose=0)
        colours_moved = any(not np.array_equal(b, v.numpy()) for b, v in zip(before[0], colour_vars))
        ink_moved = any(not np.array_equal(b, v.numpy()) for b, v in zip(before[1], ink.trainable_variables))
        assert ink_moved
        assert colours_moved == (colour_weight > 0)   # without the colour loss nothing trains the colour map
