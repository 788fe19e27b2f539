"""gvr_helpers.transfer: tiled inference equals one pass, bounded tiles, the seed's call, alpha fusion."""
import numpy as np
import pytest
import keras
from keras import layers

from gvr_helpers import fusion, transfer
from gvr_helpers.transfer import ImageError, apply_generator, style_transfer


def strided_net(seed=0):
    """A small random fully convolutional translator with total stride 2 (receptive field 14 px)."""
    keras.utils.set_random_seed(seed)
    x = inputs = keras.Input((None, None, 3))
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = layers.UpSampling2D(2)(x)
    return keras.Model(inputs, layers.Conv2D(3, 3, padding="same", activation="sigmoid")(x))


@pytest.fixture(scope="module")
def net():
    return strided_net()


def image(h, w, seed=0):
    return np.random.default_rng(seed).random((h, w, 3)).astype(np.float32)


def test_tiles_equal_one_pass_when_the_overlap_covers_the_receptive_field(net):
    x = image(150, 230)  # not multiples of the tile: flush last tiles, reflect-padded to the stride
    whole = apply_generator(net, x, tile=None, align=2)
    tiled = apply_generator(net, x, tile=64, overlap=32, align=2)
    assert tiled.shape == x.shape
    assert np.max(np.abs(whole - tiled)) < 1e-5


def test_small_overlap_leaves_tile_borders(net):
    x = image(128, 128)
    whole = apply_generator(net, x, tile=None, align=2)
    assert np.max(np.abs(whole - apply_generator(net, x, tile=32, overlap=0, align=2))) > 1e-3


class Recorder:
    """A fake generator that records the largest batch it was given."""

    def __init__(self):
        self.largest = 0
        self.calls = 0

    def __call__(self, batch):
        self.largest = max(self.largest, int(np.prod(batch.shape)))
        self.calls += 1
        return 1.0 - batch


def test_4096x2048_runs_one_bounded_tile_at_a_time():
    rec = Recorder()
    x = np.zeros((2048, 4096, 3), np.float32)
    out = apply_generator(rec, x, tile=512, overlap=64)
    assert out.shape == x.shape and np.allclose(out, 1.0)
    assert rec.largest == 512 * 512 * 3  # memory bounded by one tile, whatever the image size
    assert rec.calls == 5 * 9


def test_plain_and_seed_forms_agree(net):
    x = image(40, 48)
    style_example = image(40, 48, seed=1)
    a = style_transfer(net, x, align=2)
    b = style_transfer(net, None, style_example, x, align=2)  # seed: (G, D, source = style, target = content)
    assert np.array_equal(a, b) and a.shape == x.shape


def test_seed_form_reports_realism_with_a_discriminator(net):
    keras.utils.set_random_seed(1)
    d_in = keras.Input((None, None, 3))
    disc = keras.Model(d_in, layers.Conv2D(1, 4, strides=2, padding="same")(d_in))  # logits, PatchGAN-like
    x, style_example = image(32, 32), image(32, 32, seed=2)
    result, scores = style_transfer(net, disc, style_example, x, align=2, return_score=True)
    assert result.shape == x.shape
    assert set(scores) == {"result", "source"} and all(0 < v < 1 for v in scores.values())
    with pytest.raises(ValueError, match="discriminator"):
        style_transfer(net, x, return_score=True)


def test_wrong_number_of_arguments(net):
    with pytest.raises(TypeError, match="style_transfer"):
        style_transfer(net, image(8, 8), image(8, 8))


@pytest.mark.parametrize("bad, message", [
    (None, "None"),
    (np.zeros((8, 8, 4), np.float32), "H×W×3"),
    (np.zeros((0, 8, 3), np.float32), "empty"),
    (np.full((8, 8, 3), 255, np.int64), r"\[0, 1\]"),
    (np.full((8, 8, 3), 2.0, np.float32), r"\[0, 1\]"),
    (np.full((8, 8, 3), np.nan, np.float32), "NaN"),
    (np.array([["a"]]), "real numbers"),
])
def test_bad_images_get_clear_errors(net, bad, message):
    with pytest.raises(ImageError, match=message):
        style_transfer(net, bad)


def test_bad_tiling_arguments(net):
    with pytest.raises(ValueError, match="tile"):
        apply_generator(net, image(64, 64), tile=30, align=8)
    with pytest.raises(ValueError, match="overlap"):
        apply_generator(net, image(64, 64), tile=16, overlap=16, align=8)


def test_a_generator_that_changes_the_shape_is_refused():
    with pytest.raises(ValueError, match="keep the image shape"):
        apply_generator(lambda b: b[:, :-1], image(16, 16), tile=None)


def test_alpha_blend():
    a, b = image(8, 8), image(8, 8, seed=1)
    assert np.allclose(fusion.fuse_alpha(b, a, 0.0), a)
    assert np.allclose(fusion.fuse_alpha(b, a, 1.0), b)
    assert np.allclose(fusion.fuse_alpha(b, a, 0.25), 0.75 * a + 0.25 * b, atol=1e-6)
    with pytest.raises(ValueError, match="alpha"):
        fusion.fuse_alpha(b, a, 1.5)
    with pytest.raises(ImageError, match="same shape"):
        fusion.fuse_alpha(image(8, 9), a, 0.5)


def test_auto_overlap_covers_the_receptive_field_of_a_resnet():
    from gvr_helpers import geometry, models

    keras.utils.set_random_seed(0)
    g = models.build_generator("resnet", filters=4, n_blocks=1, norm="none", upsampling="resize")
    rf = geometry.describe(g).receptive_field
    assert transfer.auto_overlap(g, tile=256) >= 4 * (rf // 2)
    assert transfer.auto_overlap(g, tile=64) == 32  # capped at half a tile
    x = image(96, 200)
    assert np.max(np.abs(apply_generator(g, x, tile=None) - apply_generator(g, x, tile=128))) < 1e-5
    assert transfer.auto_overlap(lambda b: b) == transfer.DEFAULT_OVERLAP
