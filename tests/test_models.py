import keras
import numpy as np
import pytest

from gvr_helpers import geometry, layers, models

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
    assert geometry.total_stride(g) == stride
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
    y = np.asarray(layers.Pad2D(((1, 1), (2, 1)), "circular")(x))[0, :, :, 0]
    assert y.shape == (5, 7)
    np.testing.assert_array_equal(y[1:4, 2:6], x[0, :, :, 0])                    # the image itself
    np.testing.assert_array_equal(y[1:4, :2], x[0, :, 2:, 0])                    # left = right edge
    np.testing.assert_array_equal(y[1:4, 6], x[0, :, 0, 0])                      # right = left edge
    np.testing.assert_array_equal(y[0, 2:6], x[0, 1, :, 0])                      # top reflects row 1
    z = np.asarray(layers.Pad2D(1, "zero")(x))[0, :, :, 0]
    assert z[0].sum() == 0 and z[:, 0].sum() == 0


@pytest.mark.parametrize("kernel", [3, 4])
def test_zero_padded_transpose_block_equals_keras_same(kernel):
    """Pad -> valid transposed conv -> crop is Keras' padding='same' when the pad is zeros."""
    p, before, after = models._transpose_pad_and_crop(kernel, 2)
    inp = keras.Input((None, None, 4))
    ours = keras.layers.Conv2DTranspose(5, kernel, strides=2, padding="valid")
    out = keras.layers.Cropping2D(((before, after), (before, after)))(ours(layers.Pad2D(p, "zero")(inp)))
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


# ---------------------------------------------------------------- discriminators
@pytest.mark.parametrize("n_layers,rf", [(1, 16), (2, 34), (3, 70), (4, 142)])
def test_patchgan_receptive_field_matches_the_textbook(n_layers, rf):
    assert models.patchgan_receptive_field(n_layers) == rf
    d = models.build_discriminator("patchgan", receptive_field=rf, filters=8)
    assert geometry.describe(d).receptive_field == rf
    n_down = sum(1 for layer in d.layers if getattr(layer, "strides", None) == (2, 2))
    assert n_down == n_layers


def test_patchgan_returns_a_map_of_logits():
    d = models.build_discriminator("patchgan", filters=8, n_layers=3)
    y = np.asarray(d(_images(2, 64, 96)))
    assert y.shape == (2, 8, 12, 1)       # one logit per patch, stride 8
    assert y.min() < 0 < y.max() or np.abs(y).max() < 1  # logits: no sigmoid squashing to [0, 1]
    assert not isinstance(d.layers[-1], keras.layers.Activation)


def test_patchgan_unreachable_receptive_field_lists_the_options():
    with pytest.raises(ValueError, match=r"receptive_field 50 .* \[7, 16, 34, 70"):
        models.build_discriminator("patchgan", receptive_field=50)


def test_dcgan_discriminator_returns_one_logit_per_image():
    d = models.build_discriminator("dcgan", image_size=32, filters=8)
    assert tuple(d(_images(3, 32, 32)).shape) == (3, 1)
    with pytest.raises(ValueError, match="image_size"):
        models.build_discriminator("dcgan", image_size=30)


def test_spectral_normalisation_brings_sigma_max_to_one():
    d = models.build_discriminator("patchgan", filters=8, n_layers=2, norm="none", spectral_norm=True)
    x = _images(2, 32, 32)
    d(x)
    before = geometry.largest_singular_values(d)
    assert len(before) == 4 and max(before.values()) < 0.6  # small N(0, 0.02) init
    for _ in range(30):  # each training call runs one power iteration and rescales the kernel
        d(x, training=True)
    after = geometry.largest_singular_values(d)
    assert all(abs(s - 1.0) < 0.05 for s in after.values()), after


# ---------------------------------------------------------------- describe
def test_describe_counts_macs_of_one_conv_by_hand():
    inp = keras.Input((None, None, 3))
    model = keras.Model(inp, keras.layers.Conv2D(8, 3, padding="same")(inp))
    info = geometry.describe(model, size=(10, 20))
    assert info.macs_per_output_pixel == 3 * 3 * 3 * 8      # k·k·C_in·C_out
    assert info.macs == 216 * 10 * 20
    assert info.params == 3 * 3 * 3 * 8 + 8
    assert info.receptive_field == 3
    assert info.output_shape == (10, 20, 8)


def test_describe_counts_transposed_conv_and_dense():
    inp = keras.Input((None, None, 4))
    model = keras.Model(inp, keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same")(inp))
    info = geometry.describe(model, size=8)
    assert info.macs == 8 * 8 * 4 * 3 * 3 * 2                # every input pixel scatters k·k·C_out
    assert info.macs_per_output_pixel == info.macs / (16 * 16)
    dense_in = keras.Input((5,))
    dense = keras.Model(dense_in, keras.layers.Dense(7)(dense_in))
    d_info = geometry.describe(dense)
    assert d_info.macs == 35 and d_info.receptive_field is None


def test_receptive_field_of_a_small_stack_by_hand():
    inp = keras.Input((None, None, 1))
    x = keras.layers.Conv2D(1, 3)(inp)                          # 1 + 2·1 = 3, jump 1
    x = keras.layers.Conv2D(1, 3, strides=2)(x)                 # 3 + 2·1 = 5, jump 2
    x = keras.layers.MaxPooling2D(2)(x)                         # 5 + 1·2 = 7, jump 4
    x = keras.layers.Conv2D(1, 3, dilation_rate=2)(x)           # k_eff 5: 7 + 4·4 = 23
    assert geometry.describe(keras.Model(inp, x), size=64).receptive_field == 23


def test_describe_the_default_models():
    g = geometry.describe(models.build_generator("resnet"))
    # c7 (7) + two stride-2 k3 (+2, +4) + 12 k3 convs at jump 4 (+96) + two transposed k3 (+4, +2) + c7 (+6)
    assert g.receptive_field == 121 and g.total_stride == 4
    assert g.output_shape == (256, 256, 3)
    assert 1e5 < g.macs_per_output_pixel < 2e5
    dcgan_d = geometry.describe(models.build_discriminator("dcgan"))
    assert dcgan_d.receptive_field == 32 and dcgan_d.output_shape == (1,)   # Flatten: it sees everything
    sn = geometry.describe(models.build_discriminator("patchgan", spectral_norm=True, norm="none"))
    plain = geometry.describe(models.build_discriminator("patchgan", norm="none"))
    assert sn.macs == plain.macs and sn.receptive_field == 70
    assert "parameters" in str(g)


def test_describe_rejects_a_non_model():
    with pytest.raises(ValueError, match="functional Keras model"):
        geometry.describe("resnet")


def test_build_gan_wraps_the_pair():
    from gvr_helpers import train

    g, d = models.build_generator("mlp", noise_dim=2, data_dim=2), models.build_discriminator("mlp", data_dim=2)
    gan = train.build_gans(g, d)
    assert isinstance(gan, train.GAN) and gan.generator is g and gan.discriminator is d


# ---------------------------------------------------------------- checkerboard artefacts
def test_upsampling_overlap_counts():
    np.testing.assert_array_equal(models.upsampling_overlap(3, 2, "transpose", n=6)[:4], [1, 2, 1, 2])
    assert set(models.upsampling_overlap(4, 2, "transpose").tolist()) == {2}
    assert set(models.upsampling_overlap(3, 2, "resize").tolist()) == {3}
    with pytest.raises(ValueError, match="upsampling"):
        models.upsampling_overlap(3, 2, "bilinear")


def test_untrained_transposed_generator_has_a_checkerboard_and_resize_conv_does_not():
    from skimage import data, transform

    from gvr_helpers import metrics
    photo = transform.resize(data.astronaut(), (64, 64), anti_aliasing=True).astype("float32")[None]
    for seed in (0, 1):
        scores = {}
        for up in ("transpose", "resize"):
            keras.utils.set_random_seed(seed)
            g = models.build_generator("resnet", filters=8, n_blocks=1, upsampling=up)
            scores[up] = metrics.checkerboard_score(np.asarray(g(photo))[0])
        assert scores["transpose"] > 5 * scores["resize"], scores


def test_custom_layers_validate_and_serialise():
    with pytest.raises(ValueError, match="padding mode"):
        layers.Pad2D(1, "wrap")
    with pytest.raises(ValueError, match="non-negative"):
        layers.Pad2D(((1, -1), (0, 0)))
    with pytest.raises(ValueError, match="multiple"):
        layers.SizeCheck(0)
    pad = layers.Pad2D(((1, 2), (3, 0)), "circular")
    clone = layers.Pad2D.from_config(pad.get_config())
    assert clone.padding == ((1, 2), (3, 0)) and clone.mode == "circular"
    assert pad.compute_output_shape((None, 5, None, 3)) == (None, 8, None, 3)
    assert layers.SizeCheck.from_config(layers.SizeCheck(8).get_config()).multiple == 8
