"""The course's generic unpaired recipe: its losses, its translator, its loading and its independence
from the algorithmic styles it is measured on."""
import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from gvr_helpers import geometry, losses, recipes, styles, translators, unpaired_data

ROOT = Path(__file__).resolve().parents[1]


def _batch(seed=0, n=8, size=16):
    return tf.constant(np.random.default_rng(seed).random((n, size, size, 3)), tf.float32)


def test_patch_distance_compares_bags_of_patches_not_pairs():
    x = _batch()
    # the same patches in another order (other crops, rotated by 90°): distance exactly 0
    assert float(losses.patch_sliced_wasserstein(x, tf.reverse(x, [0]))) == pytest.approx(0.0, abs=1e-10)
    flat = tf.nn.avg_pool2d(x, 3, 1, "SAME")   # smoother patches: another distribution
    assert float(losses.patch_sliced_wasserstein(x, flat)) > 1e-3
    # differentiable in x
    with tf.GradientTape() as tape:
        tape.watch(flat)
        d = losses.patch_sliced_wasserstein(flat, x)
    assert float(tf.reduce_sum(tf.abs(tape.gradient(d, flat)))) > 0


def test_patch_distance_rejects_nothing_silently_on_unequal_batches():
    assert np.isfinite(float(losses.patch_sliced_wasserstein(_batch(n=4), _batch(1, n=6))))


def test_structure_anchor_ignores_brightness_and_contrast_but_not_layout():
    from gvr_helpers.data import bundled_image, tiles

    x = tf.constant(tiles(bundled_image("astronaut", 128), 32))
    recoloured = float(losses.structure_anchor(x, 0.5 * x + 0.2))
    moved = float(losses.structure_anchor(x, tf.reverse(x, [1])))
    assert recoloured < 0.1 * moved, (recoloured, moved)   # ε keeps flat tiles finite: not exactly 0


def test_style_translator_starts_as_the_identity_and_fits_the_vr_budget():
    g = translators.style_translator()
    x = np.random.default_rng(0).random((2, 32, 48, 3)).astype(np.float32)
    np.testing.assert_allclose(translators.translate(g, x), x, atol=1e-6)
    # issue budget: about 20 k multiply-accumulates a pixel at full resolution
    assert geometry.describe(g).macs_per_output_pixel <= 21_000
    # sizes the pooled branch does not divide are padded and cropped back
    assert translators.translate(g, x[:, :25, :30]).shape == (2, 25, 30, 3)


@pytest.mark.parametrize("bad", [{"depth": 0}, {"low": -1}, {"filters": 2.5}, {"low_filters": True}])
def test_style_translator_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        translators.style_translator(**bad)


def test_a_saved_translator_loads_in_a_fresh_python_in_safe_mode_without_the_package(tmp_path):
    g = translators.style_translator(depth=2)
    g.get_layer("delta").set_weights([w + 0.01 for w in g.get_layer("delta").get_weights()])
    path = tmp_path / "g.keras"
    g.save(path)
    x = np.random.default_rng(1).random((1, 16, 16, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    code = ("import sys, numpy as np, keras\n"
            f"g = keras.saving.load_model({str(path)!r}, safe_mode=True)\n"
            "assert not any(m.startswith('gvr_helpers') for m in sys.modules)\n"
            f"np.save({str(tmp_path / 'y.npy')!r}, np.asarray(g(np.load({str(tmp_path / 'x.npy')!r}))))\n")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ""}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env=env, timeout=120)
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), translators.translate(g, x), atol=1e-5)


def test_recipe_trains_with_and_without_its_adversarial_term():
    rng = np.random.default_rng(0)
    a = rng.random((64, 16, 16, 3)).astype(np.float32)
    b = np.round(a[::-1] * 3) / 3          # another "style": a few flat levels
    for adversarial in (True, False):
        model = recipes.style_recipe(adversarial=adversarial, depth=2)
        history = model.fit(unpaired_data.crop_stream(a, b, 8), epochs=1, steps_per_epoch=3, verbose=0)
        logs = {k: v[-1] for k, v in history.history.items()}
        assert all(np.isfinite(v) for v in logs.values()), logs
        assert ("d_loss" in logs) == adversarial and "patches" in logs


def _style_names() -> set[str]:
    tree = ast.parse(Path(styles.__file__).read_text())
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    return names - {"STYLES", "BASELINES"}


@pytest.mark.parametrize("part", [translators.style_translator, recipes.style_recipe,
                                  losses.patch_sliced_wasserstein, losses.structure_anchor])
def test_the_recipe_uses_nothing_of_the_styles_it_is_scored_on(part):
    """No operator, palette or constant of gvr_helpers/styles.py in the recipe's code."""
    source = inspect.getsource(part)
    used = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)} | \
        {n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute)}
    assert not used & _style_names(), used & _style_names()
    assert "styles" not in used


def test_load_translator_checks_the_manifest():
    g = translators.load_translator("woodblock_fast")
    assert g.output_shape == (None, None, None, 3)
    with pytest.raises(ValueError, match="no shipped translator 'cubism'"):
        translators.load_translator("cubism")
    with pytest.raises(ValueError, match="no inverse"):
        translators.load_translator("woodblock_fast", inverse=True)
    assert translators.load_translator("toon_cyclegan", inverse=True).name != g.name
