import keras
import numpy as np
import pytest

from gvr_helpers import models

SMALL = dict(filters=8, n_blocks=1)


def _images(b=2, h=16, w=32, seed=0):
    return np.random.default_rng(seed).random((b, h, w, 3)).astype("float32")


def test_mlp_generator_and_discriminator_shapes():
    g = models.build_generator("mlp", noise_dim=3, data_dim=2)
    d = models.build_discriminator("mlp", data_dim=2)
    z = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    x = g(z)
    assert tuple(x.shape) == (5, 2)
    assert tuple(d(x).shape) == (5, 1)


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown generator kind 'gan9'.*mlp"):
        models.build_generator("gan9")
    with pytest.raises(ValueError, match=r"unknown discriminator kind"):
        models.build_discriminator("nope")


# ---------------------------------------------------------------- translators
@pytest.mark.parametrize("kind", ["resnet", "unet"])
@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
@pytest.mark.parametrize("norm", ["instance", "batch", "none"])
def test_translators_keep_size_and_range(kind, upsampling, norm):
    g = models.build_generator(kind, upsampling=upsampling, norm=norm, **SMALL)
    for h, w in [(16, 16), (24, 40)]:
        y = np.asarray(g(_images(h=h, w=w)))
        assert y.shape == (2, h, w, 3)
        assert y.min() >= 0.0 and y.max() <= 1.0
        assert np.isfinite(y).all()
        if norm == "instance":  # untrained with N(0, 0.02) weights, only instance norm keeps activations O(1)
            assert y.std() > 1e-3


@pytest.mark.parametrize("kind,stride", [("resnet", 4), ("unet", 8)])
@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
def test_circular_padding_commutes_with_horizontal_rolls(kind, stride, upsampling):
    g = models.build_generator(kind, padding="circular", upsampling=upsampling, **SMALL)
    assert models.total_stride(g) == stride
    x = _images(h=16, w=48)
    y = np.asarray(g(x))
    for shift in (stride, 3 * stride, -2 * stride):
        rolled = np.asarray(g(np.roll(x, shift, axis=2)))
        assert np.abs(rolled - np.roll(y, shift, axis=2)).max() < 2e-5, shift


def test_reflect_padding_does_not_commute_with_rolls():
    """The control for the test above: without circular padding the border breaks the symmetry."""
    g = models.build_generator("resnet", padding="reflect", **SMALL)
    x = _images(h=16, w=48)
    diff = np.abs(np.asarray(g(np.roll(x, 4, axis=2))) - np.roll(np.asarray(g(x)), 4, axis=2)).max()
    assert diff > 1e-2


def test_circular_pad_layer_wraps_width_and_reflects_height():
    x = np.arange(12, dtype="float32").reshape(1, 3, 4, 1)
    y = np.asarray(models.Pad2D(((1, 1), (2, 1)), "circular")(x))[0, :, :, 0]
    assert y.shape == (5, 7)
    np.testing.assert_array_equal(y[1:4, 2:6], x[0, :, :, 0])                    # the image itself
    np.testing.assert_array_equal(y[1:4, :2], x[0, :, 2:, 0])                    # left = right edge
    np.testing.assert_array_equal(y[1:4, 6], x[0, :, 0, 0])                      # right = left edge
    np.testing.assert_array_equal(y[0, 2:6], x[0, 1, :, 0])                      # top reflects row 1
    z = np.asarray(models.Pad2D(1, "zero")(x))[0, :, :, 0]
    assert z[0].sum() == 0 and z[:, 0].sum() == 0


@pytest.mark.parametrize("kernel", [3, 4])
def test_zero_padded_transpose_block_equals_keras_same(kernel):
    """Pad -> valid transposed conv -> crop is Keras' padding='same' when the pad is zeros."""
    p, before, after = models._transpose_pad_and_crop(kernel, 2)
    inp = keras.Input((None, None, 4))
    ours = keras.layers.Conv2DTranspose(5, kernel, strides=2, padding="valid")
    out = keras.layers.Cropping2D(((before, after), (before, after)))(ours(models.Pad2D(p, "zero")(inp)))
    theirs = keras.layers.Conv2DTranspose(5, kernel, strides=2, padding="same")
    m1, m2 = keras.Model(inp, out), keras.Model(inp, theirs(inp))
    theirs.set_weights(ours.get_weights())
    x = _images(1, 6, 8)[..., :1].repeat(4, axis=-1)
    np.testing.assert_allclose(np.asarray(m1(x)), np.asarray(m2(x)), atol=1e-5)


def test_wrong_size_is_a_clear_error():
    g = models.build_generator("unet", **SMALL)
    with pytest.raises(ValueError, match=r"height 18 must be a multiple of .* 8"):
        g(_images(1, 18, 16))


@pytest.mark.parametrize("bad,match", [
    (dict(padding="wrap"), "padding"),
    (dict(norm="layer"), "normalisation"),
    (dict(upsampling="bilinear"), "upsampling"),
    (dict(filters=0), "filters"),
    (dict(n_blocks=-1), "n_blocks"),
])
def test_bad_generator_options(bad, match):
    with pytest.raises(ValueError, match=match):
        models.build_generator("resnet", **bad)


# ---------------------------------------------------------------- dcgan generator
@pytest.mark.parametrize("size", [8, 32])
@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
def test_dcgan_generator_makes_images_in_0_1(size, upsampling):
    g = models.build_generator("dcgan", noise_dim=16, image_size=size, filters=8, upsampling=upsampling)
    y = np.asarray(g(np.random.default_rng(0).normal(size=(3, 16)).astype("float32")))
    assert y.shape == (3, size, size, 3)
    assert y.min() >= 0 and y.max() <= 1


def test_dcgan_generator_rejects_bad_size():
    with pytest.raises(ValueError, match="image_size must be 4"):
        models.build_generator("dcgan", image_size=48)


# ---------------------------------------------------------------- save / load
GENERATOR_KINDS = [
    ("mlp", {}),
    ("dcgan", dict(image_size=16, filters=8)),
    ("resnet", dict(padding="circular", **SMALL)),
    ("resnet", dict(upsampling="resize", norm="batch", **SMALL)),
    ("unet", dict(padding="zero", **SMALL)),
]
DISCRIMINATOR_KINDS = [
    ("mlp", {}),
    ("dcgan", dict(image_size=16, filters=8, spectral_norm=True)),
    ("patchgan", dict(filters=8, n_layers=2)),
    ("patchgan", dict(filters=8, n_layers=1, spectral_norm=True, norm="none", padding="circular")),
]


def _sample_input(model):
    shape = [d if d is not None else 16 for d in model.input_shape[1:]]
    return np.random.default_rng(1).random((2, *shape)).astype("float32")


@pytest.mark.parametrize("kind,options", GENERATOR_KINDS + DISCRIMINATOR_KINDS,
                         ids=[f"G-{k}-{i}" for i, (k, _) in enumerate(GENERATOR_KINDS)]
                         + [f"D-{k}-{i}" for i, (k, _) in enumerate(DISCRIMINATOR_KINDS)])
def test_keras_file_round_trip_in_safe_mode(tmp_path, kind, options):
    is_g = (kind, options) in GENERATOR_KINDS
    model = (models.build_generator if is_g else models.build_discriminator)(kind, **options)
    x = _sample_input(model)
    path = tmp_path / f"{kind}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), atol=1e-6)
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
