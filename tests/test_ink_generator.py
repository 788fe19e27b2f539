"""gvr_helpers.unpaired's ink generator: its blur, ink layer, colour-map anchor and the recipe built on it."""
import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy import ndimage

from gvr_helpers import recipes, translators, unpaired, unpaired_data


def _step_image(size=32):
    """Left half dark blue, right half light yellow: one vertical edge in the middle."""
    x = np.zeros((1, size, size, 3), np.float32)
    x[:, :, : size // 2] = [0.1, 0.2, 0.5]
    x[:, :, size // 2:] = [0.9, 0.85, 0.4]
    return x


@pytest.mark.parametrize("sigma", [1.0, 1.5])
def test_gaussian_blur_matches_scipy(sigma):
    x = np.random.default_rng(0).random((2, 20, 24, 3)).astype(np.float32)
    ours = translators.gaussian_blur(tf.constant(x), sigma).numpy()
    ref = ndimage.gaussian_filter(x, sigma=(0, sigma, sigma, 0), mode="mirror", truncate=3.0)
    assert ours.shape == x.shape
    np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_ink_over_colours_starts_with_the_colours_kept_and_ink_only_at_edges():
    g = translators.ink_over_colours()
    flat = np.full((1, 24, 24, 3), 0.6, np.float32)
    np.testing.assert_allclose(g(flat).numpy(), flat, atol=1e-4)   # no edge, no ink; the colour map starts at x
    step = _step_image()
    out = g(step).numpy()
    darker = out.mean(-1) < step.mean(-1) - 0.05
    cols = np.where(darker[0].any(axis=0))[0]
    assert len(cols) > 0 and np.all(np.abs(cols - 16) <= 4)   # ink drawn next to the edge, nowhere else


def test_ink_over_with_an_unreachable_threshold_draws_no_ink():
    layer = translators.InkOver(t=100.0)
    step = tf.constant(_step_image())
    colours = tf.fill(step.shape, 0.3)
    np.testing.assert_allclose(layer([step, colours]).numpy(), 0.3, atol=1e-6)


def test_the_ink_layers_width_thickens_its_lines_by_one_pixel():
    step = tf.constant(_step_image())
    white = tf.fill(step.shape, 1.0)

    def inked_columns(width):
        out = translators.InkOver(ink=-10.0, width=width)([step, white]).numpy()[0, 8]   # one row across the edge
        return np.where((out < 0.5).any(-1))[0]

    thin, thick = inked_columns(None), inked_columns(10.0)
    assert len(thin) > 0 and thick.min() == thin.min() - 1 and thick.max() == thin.max() + 1


def test_lr_scale_changes_how_fast_the_ink_numbers_move_not_what_the_layer_draws():
    step = tf.constant(_step_image())
    colours = tf.fill(step.shape, 0.8)
    slow, fast = translators.InkOver(), translators.InkOver(lr_scale=10.0)
    np.testing.assert_allclose(slow([step, colours]).numpy(), fast([step, colours]).numpy(), atol=1e-6)
    assert float(fast.t) == pytest.approx(0.6) and float(fast.t_) == pytest.approx(0.06)
    moved = []
    for layer in (slow, fast):
        optimizer = keras.optimizers.SGD(0.01)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(layer([step, colours]))   # a darker image wanted: more ink, t falls
        optimizer.apply_gradients(zip(tape.gradient(loss, [layer.t_]), [layer.t_]))
        moved.append(float(layer.t) - 0.6)
    assert moved[0] < 0 and moved[1] == pytest.approx(100 * moved[0], rel=1e-3)   # SGD: lr_scale² faster


@pytest.mark.parametrize("bad", [{"sigma": 0.0}, {"lr_scale": -1.0}, {"t": float("nan")}, {"k": "20"}])
def test_ink_over_rejects_bad_numbers_by_name(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        translators.InkOver(**bad)


def test_the_ink_generator_saves_and_loads_in_safe_mode(tmp_path):
    g = translators.ink_over_colours({"t": 0.5, "width": -2.0, "lr_scale": 10.0})
    g.get_layer("ink").t_.assign(0.045)   # a trained threshold, 0.45
    path = tmp_path / "ink.keras"
    g.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    x = np.random.default_rng(2).random((2, 20, 20, 3)).astype(np.float32)
    np.testing.assert_allclose(loaded(x).numpy(), g(x).numpy(), atol=1e-6)
    assert float(loaded.get_layer("ink").t) == pytest.approx(0.45)


def test_the_colour_map_anchor_ignores_the_ink_and_sees_the_colour_map():
    g = translators.ink_over_colours()
    anchor = unpaired.colour_map_anchor(g)
    x = tf.constant(np.random.default_rng(1).random((2, 24, 24, 3)).astype(np.float32))
    x = x * 0.08 + tf.constant(_step_image(24))                         # in [0, 1], a strong edge: ink there
    assert float(tf.reduce_max(tf.abs(g(x) - x))) > 0.1
    assert float(anchor(x, g(x))) == pytest.approx(0.0, abs=1e-6)       # the colour map is still the identity
    first, second, last = [l for l in g.layers if isinstance(l, keras.layers.Conv2D)]
    for layer, scale, bias in ((first, 1.0, 1.0), (second, 1.0, 0.0), (last, -1.0, 1.0)):
        kernel = np.zeros(layer.kernel.shape, np.float32)               # channels 0-2 carried through:
        kernel[0, 0, range(3), range(3)] = scale                        # 2x, 2x, then x + (1 - 2x) = 1 - x
        layer.kernel.assign(kernel)
        layer.bias.assign(np.where(np.arange(layer.bias.shape[0]) < 3, bias, 0.0).astype(np.float32))
    x = tf.clip_by_value(x, 0.05, 0.95)                                 # inside the clip both ways
    np.testing.assert_allclose(anchor.colours(x).numpy(), 1.0 - x.numpy(), atol=1e-5)
    assert float(anchor(x, g(x))) > 2.5                                 # light and dark swapped: near 4 (eps)


def test_the_colour_map_anchor_needs_an_ink_layer():
    with pytest.raises(ValueError, match="InkOver"):
        unpaired.colour_map_anchor(translators.residual_translator(filters=4, depth=2))


@pytest.fixture(scope="module")
def toon():
    return unpaired_data.style_data("toon", crop=16, n_crops=64)


def _ink_numbers(model):
    return np.concatenate([np.ravel(v.numpy()) for v in model.generator.get_layer("ink").trainable_variables])


def test_in_the_recipe_only_the_adversarial_term_trains_the_ink(toon):
    """The colour-map anchor charges nothing for ink, so without the GAN the ink layer must not move."""
    moved = {}
    for adversarial in (False, True):
        model = recipes.fast_recipe(patch=11, adversarial=adversarial, g_learning_rate=1e-2)
        before = _ink_numbers(model)
        model.fit(unpaired_data.crop_stream(toon.a, toon.b, 8), steps_per_epoch=3, epochs=1, verbose=0)
        moved[adversarial] = float(np.abs(_ink_numbers(model) - before).max())
    assert moved[False] == 0.0 and moved[True] > 0.0


def test_the_recipes_learning_rates_reach_zero_at_decay_steps(toon):
    model = recipes.fast_recipe(patch=11, decay_steps=4)
    model.fit(unpaired_data.crop_stream(toon.a, toon.b, 8), steps_per_epoch=4, epochs=1, verbose=0)
    assert float(model.g_optimizer.learning_rate) == pytest.approx(0.0, abs=1e-12)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(0.0, abs=1e-12)
    frozen = [v.numpy().copy() for v in model.generator.trainable_variables]
    model.fit(unpaired_data.crop_stream(toon.a, toon.b, 8, start_step=4), steps_per_epoch=2, epochs=1, verbose=0)
    for before, v in zip(frozen, model.generator.trainable_variables):
        np.testing.assert_array_equal(before, v.numpy())   # the game is over: G keeps its weights


@pytest.mark.parametrize("bad, match", [({"generator": "unet"}, "generator"), ({"decay_steps": 0}, "decay_steps"),
                                        ({"anchor": "colour"}, "anchor")])
def test_the_recipe_rejects_bad_arguments_by_name(bad, match):
    with pytest.raises(ValueError, match=match):
        recipes.fast_recipe(patch=11, **bad)


def test_ink_layers_take_the_output_apart_exactly():
    g = translators.ink_over_colours({"t": 0.3})
    x = np.concatenate([_step_image(24), np.full((1, 24, 24, 3), 0.5, np.float32)])
    parts = translators.ink_layers(g, x)
    m = parts["mask"][..., None]
    np.testing.assert_allclose((1 - m) * parts["colour_map"] + m * parts["ink"], parts["output"], atol=1e-5)
    assert parts["mask"][1].max() < 0.01 and parts["mask"][0].max() > 0.9   # ink on the edge; sigmoid(-6) on the flat
    assert parts["t"] == pytest.approx(0.3) and parts["k"] == pytest.approx(20.0)
    with pytest.raises(ValueError, match="InkOver"):
        translators.ink_layers(translators.residual_translator(filters=4, depth=2), x)
    with pytest.raises(ValueError, match="N×H×W×3"):
        translators.ink_layers(g, x[0])


def test_describe_counts_the_ink_layers_reach_in_the_receptive_field():
    g = translators.ink_over_colours()
    from gvr_helpers import geometry

    reach = geometry.translator_geometry(g).rf
    assert reach > 1 and geometry.describe(g).receptive_field == reach
