"""Unpaired translators: shapes, losses that go down, resume, NaN guard, safe-mode saving, inverse transfer."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from gvr_helpers import callbacks, evaluation, losses, recipes, transfer, translators, unpaired, unpaired_data
from gvr_helpers.models import build_discriminator


@pytest.fixture(scope="module")
def toon():
    return unpaired_data.style_data("toon", crop=16, size=128, n_crops=32, block=32)


def test_style_data_splits_and_ground_truth(toon):
    from gvr_helpers.styles import apply_style

    assert toon.a.shape == toon.b.shape == toon.a_styled.shape == (32, 16, 16, 3)
    assert toon.test_x.shape == toon.test_y.shape and len(toon.test_x) >= 8
    np.testing.assert_allclose(toon.test_y[0], apply_style("toon", toon.test_x[0]), atol=1e-6)
    # Domain B really is styled (few distinct colours), domain A is not.
    assert len(np.unique(toon.b.reshape(-1, 3).round(3), axis=0)) < len(np.unique(toon.a.reshape(-1, 3).round(3), axis=0))
    with pytest.raises(ValueError, match="unknown style"):
        unpaired_data.style_data("cubism")
    with pytest.raises(ValueError, match="crop"):
        unpaired_data.style_data("toon", crop=100, size=256)


def test_crop_stream_is_a_function_of_the_step(toon):
    first = [np.asarray(x) for x in next(iter(unpaired_data.crop_stream(toon.a, toon.b, 4, seed=3, start_step=5)))]
    it = iter(unpaired_data.crop_stream(toon.a, toon.b, 4, seed=3))
    for _ in range(5):
        next(it)
    again = [np.asarray(x) for x in next(it)]
    for u, v in zip(first, again):
        np.testing.assert_array_equal(u, v)
    x, y = (np.asarray(t) for t in next(iter(unpaired_data.crop_stream(toon.a, toon.a_styled, 4, paired=True))))
    for xi, yi in zip(x, y):  # paired batches are really pairs: y = S(x) for the same crop
        idx = int(np.argmin(np.abs(toon.a - xi).sum(axis=(1, 2, 3))))
        np.testing.assert_array_equal(yi, toon.a_styled[idx])
    with pytest.raises(ValueError, match="NaN"):
        unpaired_data.crop_stream(np.full((2, 8, 8, 3), np.nan), toon.b)
    with pytest.raises(ValueError, match="N×H×W×3"):
        unpaired_data.crop_stream(np.zeros((8, 8, 3)), toon.b)


def test_residual_translator_starts_as_identity_and_keeps_shape():
    g = translators.residual_translator(filters=8, depth=3)
    x = np.random.default_rng(0).random((2, 24, 40, 3)).astype(np.float32)
    y = keras.ops.convert_to_numpy(g(x))
    assert y.shape == x.shape
    np.testing.assert_allclose(y, x, atol=1e-6)  # zero-initialised Δ: no harm before training
    with pytest.raises(ValueError, match="depth"):
        translators.residual_translator(depth=0)


def test_sliced_wasserstein_is_zero_for_equal_colours_and_grows_with_a_shift():
    x = tf.random.stateless_uniform([2, 16, 16, 3], [1, 2])
    swd = lambda u, v: float(unpaired.sliced_wasserstein_colours(u, v, n_samples=16384, seed=4))  # noqa: E731
    same, near, far = swd(x, tf.reverse(x, [1])), swd(x, x + 0.05), swd(x, x + 0.3)
    assert same < 0.2 * near and near < 0.1 * far  # pixels sampled with replacement: "same" is noise only


def test_colour_preserving_augment_keeps_the_colour_set():
    x = tf.random.stateless_uniform([3, 16, 16, 3], [5, 6])
    y = unpaired.colour_preserving_augment()(x)
    np.testing.assert_allclose(np.sort(np.asarray(x).reshape(3, -1), axis=1).sum(0),
                               np.sort(np.asarray(y).reshape(3, -1), axis=1).sum(0), atol=1e-5)
    noisy = np.asarray(unpaired.colour_preserving_augment(noise=0.1)(tf.zeros([4, 32, 32, 3])))
    assert 0.09 < noisy.std() < 0.11 and abs(noisy.mean()) < 0.01   # instance noise of the stated σ


def _fit(model, stream, steps, callbacks=()):
    return model.fit(stream, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=list(callbacks))


def test_residual_recipe_moves_g_off_the_identity_only_with_its_adversarial_term(toon):
    """The previous recipe's correlation anchors are zero, with zero gradient, at the identity: the
    adversarial term moves its residual G, and without it (the no-GAN ablation) nothing does."""
    def change(**options):
        keras.utils.set_random_seed(0)
        model = recipes.fast_recipe(patch=5, generator="residual", filters=8, spectral_norm=False,
                                     decay_steps=None, **options)
        hist = callbacks.LossHistory()
        model.fit(unpaired_data.crop_stream(toon.a, toon.b, 8), epochs=2, steps_per_epoch=20, verbose=0,
                  callbacks=[hist])
        out = model.translate(toon.test_x[:4])
        assert out.shape == toon.test_x[:4].shape and out.min() >= 0 and out.max() <= 1
        return float(np.abs(out - toon.test_x[:4]).mean()), set(hist.epochs[-1])

    moved, logged = change()
    assert logged >= {"g_loss", "d_loss", "g_adv", "identity", "content"} and "colour" not in logged
    assert moved > 1e-3
    still, logged = change(adversarial=False)
    assert still == 0.0 and "d_loss" not in logged


def test_correlation_anchor_ignores_a_crops_colours_but_not_its_pattern():
    x = tf.random.stateless_uniform([4, 16, 16, 3], [7, 8])
    recoloured = 0.8 * x + tf.constant([0.1, -0.05, 0.0])   # per-channel affine
    moved = tf.roll(x, 5, axis=2)
    anchor = unpaired.ANCHORS["correlation"]
    assert float(anchor(x, x)) < 1e-10
    assert float(anchor(x, recoloured)) < 0.05 * float(anchor(x, moved))
    assert float(unpaired.ANCHORS["squared"](x, recoloured)) > 0.05 * float(unpaired.ANCHORS["squared"](x, moved))


def test_colour_loss_is_optional_and_falls_when_on(toon):
    keras.utils.set_random_seed(0)
    model = recipes.fast_recipe(patch=5, adversarial=False, colour_weight=30.0, g_learning_rate=2e-3,
                                 colour_reference=toon.b)
    hist = callbacks.LossHistory()
    model.fit(unpaired_data.crop_stream(toon.a, toon.b, 8), epochs=4, steps_per_epoch=15, verbose=0, callbacks=[hist])
    colour = hist.series("colour")
    assert colour[-1] < colour[0]
    with pytest.raises(ValueError, match="colour_weight"):
        recipes.fast_recipe(patch=5, colour_weight=-1.0)
    with pytest.raises(ValueError, match="noise"):
        recipes.fast_recipe(patch=5, noise=-0.1)


def test_paired_oracle_learns_the_style(toon):
    keras.utils.set_random_seed(0)
    model = recipes.paired_oracle(patch=5, filters=16, learning_rate=3e-3)
    before = evaluation.style_psnr(model.generator, toon)
    _fit(model, unpaired_data.crop_stream(toon.a, toon.a_styled, 16, paired=True), 120)
    assert evaluation.style_psnr(model.generator, toon) > before + 0.3


def _small_cyclegan(crop=16):
    gens = [translators.residual_translator(filters=8, depth=2, name=f"g{i}") for i in range(2)]
    from gvr_helpers.models import build_discriminator
    discs = [build_discriminator("patchgan", filters=8, n_layers=1) for _ in range(2)]
    model = unpaired.CycleGAN(gens[0], gens[1], discs[0], discs[1], crop=crop, pool_size=6)
    model.compile()
    return model


def test_cyclegan_step_cycle_loss_falls_and_inverse_transfer_is_measured(toon):
    keras.utils.set_random_seed(0)
    model = _small_cyclegan()
    hist = callbacks.LossHistory()
    model.fit(unpaired_data.crop_stream(toon.a, toon.b, 4), epochs=3, steps_per_epoch=10, verbose=0, callbacks=[hist])
    assert set(hist.epochs[-1]) == {"epoch", "g_loss", "d_loss", "cycle", "identity"}
    assert int(model.history_b.count.numpy()) == 30 * 4
    report = transfer.inverse_transfer(model.generator, model.inverse, toon.test_x[0])
    assert report["stylized"].shape == report["reconstructed"].shape == toon.test_x[0].shape
    assert math.isfinite(report["reconstruction_psnr"]) and report["reconstruction_psnr"] > 15


def test_image_history_returns_old_images_only_after_it_has_some():
    keras.utils.set_random_seed(1)
    pool = unpaired.ImageHistory(size=4, image_shape=(2, 2, 3))
    first = tf.ones([4, 2, 2, 3])
    np.testing.assert_array_equal(np.asarray(pool(first)), np.asarray(first))  # empty pool: nothing old
    shown = np.asarray(pool(tf.zeros([64, 2, 2, 3])))
    assert 0 < shown.mean() < 1  # a mix of the stored ones and the new zeros


def test_resume_and_nan_guard_with_the_shared_callbacks(toon, tmp_path):
    keras.utils.set_random_seed(0)
    model = recipes.fast_recipe(patch=5)
    ckpt = callbacks.Checkpoints(tmp_path / "ck", export=("generator",))
    model.fit(unpaired_data.crop_stream(toon.a, toon.b, 4), epochs=2, steps_per_epoch=3, verbose=0, callbacks=[ckpt])
    resumed = recipes.fast_recipe(patch=5)
    assert callbacks.Checkpoints(tmp_path / "ck").restore(resumed) == 2
    for u, v in zip(model.generator.weights, resumed.generator.weights):
        np.testing.assert_array_equal(np.asarray(u), np.asarray(v))
    assert int(resumed.g_optimizer.iterations.numpy()) == 6
    # Safe-mode round trip of the exported generator.
    loaded = keras.saving.load_model(tmp_path / "ck" / "generator.keras", safe_mode=True)
    np.testing.assert_allclose(np.asarray(loaded(toon.test_x[:2])), np.asarray(model.generator(toon.test_x[:2])),
                               atol=1e-6)
    # A NaN in the data makes a loss NaN: the guard stops with a message naming the loss.
    bad = toon.a.copy()
    bad[:] = np.inf
    stream = tf.data.Dataset.from_tensors((tf.constant(bad[:4]), tf.constant(toon.b[:4]))).repeat()
    with pytest.raises(callbacks.TrainingDivergedError, match="loss"):
        model.fit(stream, epochs=1, steps_per_epoch=3, verbose=0, callbacks=[callbacks.NaNGuard(ckpt)])


def test_time_budget_stops_fit(toon):
    model = recipes.paired_oracle(patch=3, filters=4)
    budget = evaluation.TimeBudget(1e-6)
    _fit(model, unpaired_data.crop_stream(toon.a, toon.a_styled, 2, paired=True), 50, [budget])
    assert budget.steps == 2  # the first step (graph tracing) is not counted against the budget
    with pytest.raises(ValueError, match="seconds"):
        evaluation.TimeBudget(0)


def test_ablation_rows_and_bad_variant(toon):
    rows = evaluation.ablation("toon", seconds=0.5, variants=["recipe", "no adversarial term"], train_data=toon,
                               test_data=toon)
    assert [r["variant"] for r in rows] == ["recipe", "no adversarial term"]
    assert all(r["steps"] >= 1 and math.isfinite(r["db"]) for r in rows)
    with pytest.raises(ValueError, match="unknown ablation"):
        evaluation.ablation("toon", variants=["more cowbell"], test_data=toon)


def test_drop_flat_crops_keeps_only_crops_with_some_texture():
    rng = np.random.default_rng(0)
    textured = rng.random((3, 16, 16, 3)).astype(np.float32)
    flat = np.full((2, 16, 16, 3), 0.4, np.float32)
    one_channel = np.full((1, 16, 16, 3), 0.2, np.float32)
    one_channel[0, :, :8, 1] = 0.8                      # texture in green only: kept
    kept = unpaired_data.drop_flat_crops(np.concatenate([flat[:1], textured, flat[1:], one_channel]))
    assert len(kept) == 4 and np.array_equal(kept[:3], textured) and np.array_equal(kept[3], one_channel[0])
    with pytest.raises(ValueError, match="every one of the 2 crops is flat"):
        unpaired_data.drop_flat_crops(flat)
    with pytest.raises(ValueError, match="N×H×W×3"):
        unpaired_data.drop_flat_crops(flat[0])


def test_fast_translator_anchor_is_absolute_or_squared(toon):
    g = translators.residual_translator(filters=4, depth=2)
    d = build_discriminator("patchgan", filters=4, receptive_field=16, norm="none")
    a = tf.zeros([1, 4, 4, 3])
    b = tf.fill([1, 4, 4, 3], 0.5)
    assert float(unpaired.ANCHORS["absolute"](a, b)) == pytest.approx(0.5)
    assert float(unpaired.ANCHORS["squared"](a, b)) == pytest.approx(0.25)
    model = unpaired.FastTranslator(g, d)
    model.compile(anchor="squared", colour_reference=toon.b)
    logs = model.train_step(tf.data.Dataset.from_tensor_slices((toon.a[:4], toon.b[:4])).batch(4).get_single_element())
    assert np.isfinite(float(logs["content"])) and model.anchor is unpaired.ANCHORS["squared"]
    with pytest.raises(ValueError, match="anchor must be one of"):
        model.compile(anchor="huber")
    own = lambda x, y: tf.reduce_mean(tf.abs(x - y)) * 0.0   # noqa: E731  (any function (x, y) -> loss)
    model.compile(anchor=own, colour_reference=toon.b)
    assert model.anchor is own


def test_negatives_show_d_the_photos_as_fakes(toon):
    """With ``negatives``, D's fake batch is G(a) and a together: its loss is the loss on both."""
    keras.utils.set_random_seed(0)
    g = translators.residual_translator(filters=4, depth=2)
    delta = g.get_layer("delta")
    delta.set_weights([np.full_like(w, 0.5) for w in delta.get_weights()])   # G(a) far from a
    d = build_discriminator("patchgan", filters=4, receptive_field=16, norm="none")
    rng = np.random.default_rng(0)
    d.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in d.get_weights()])   # D not near 0
    a, b = tf.constant(toon.a[:4]), tf.constant(toon.b[:4])
    loss = losses.get_gan_loss("least_squares").d_loss
    before = [d(b), d(g(a)), d(a)]
    expected_with = float(loss(before[0], tf.concat(before[1:], 0)))
    expected_without = float(loss(before[0], before[1]))
    assert abs(expected_with - expected_without) > 1e-4
    model = unpaired.FastTranslator(g, d)
    model.compile(negatives=True, g_learning_rate=0.0, colour_weight=0.0)
    logs = model.train_step((a, b))
    assert float(logs["d_loss"]) == pytest.approx(expected_with, rel=1e-4)


def test_psnr_curves_draws_one_line_per_method_and_can_put_its_legend_outside(tmp_path, monkeypatch):
    from gvr_helpers import plotting

    monkeypatch.setenv("GVR_FIGURES_DIR", str(tmp_path))
    curves = {"a": [(0, 0, 14.0), (1, 10, 15.0)], "b": [(0, 0, 14.0), (1, 10, 13.0)]}
    inside = plotting.psnr_curves(curves, identity_db=14.0, name="inside")
    outside = plotting.psnr_curves(curves, identity_db=14.0, name="outside", legend_outside=True)
    for fig in (inside, outside):
        assert len(fig.axes[0].lines) == 3   # two methods and the input's line
    box = outside.axes[0].get_legend().get_window_extent(outside.canvas.get_renderer())
    assert box.x0 > outside.axes[0].get_window_extent().x1   # right of the axes
    with pytest.raises(ValueError, match="at least one"):
        plotting.psnr_curves({})
