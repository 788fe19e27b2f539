"""gvr_helpers.styles: deterministic, visible, local styles; unpaired splits with no pairs; baselines."""
import numpy as np
import pytest
from skimage import color

from gvr_helpers import data, metrics, styles


@pytest.fixture(scope="module")
def photos():
    return data.content_images(size=128)


@pytest.fixture(scope="module")
def test_split(photos):
    return data.held_out_tiles(photos, crop=32)


def test_registry_has_the_required_styles():
    assert len(styles.STYLES) >= 4 and "toon" in styles.STYLES
    with pytest.raises(ValueError, match="unknown style 'sepia'"):
        styles.apply_style("sepia", np.zeros((8, 8, 3)))


@pytest.mark.parametrize("name", sorted(styles.STYLES))
def test_style_is_deterministic_and_clearly_visible(name, photos, test_split):
    out = styles.apply_style(name, photos[1])
    assert out.shape == photos[1].shape and out.dtype == np.float32
    assert 0 <= out.min() and out.max() <= 1
    np.testing.assert_array_equal(out, styles.apply_style(name, photos[1]))
    assert styles.identity_psnr(name, test_split) <= 20.0


@pytest.mark.parametrize("name", sorted(styles.STYLES))
def test_style_is_local_within_its_patch(name, photos):
    """A crop's style equals the style's crop, except within patch/2 of the crop's border."""
    x = photos[0]
    r = styles.STYLES[name].patch // 2
    top = left = 36  # a multiple of pixel_art's block
    full = styles.apply_style(name, x)[top:top + 64, left:left + 64]
    part = styles.apply_style(name, x[top:top + 64, left:left + 64])
    agree = np.all(np.abs(full - part)[r:-r or None, r:-r or None] <= 1 / 255, axis=-1)
    assert agree.mean() >= 0.999, f"{name}: only {agree.mean():.4f} of interior pixels agree"


def test_batches_are_styled_image_by_image(photos):
    batch = np.stack(photos[:2])
    out = styles.apply_style("toon", batch)
    np.testing.assert_array_equal(out[1], styles.toon(photos[1]))


def test_style_rejects_bad_images():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        styles.toon(np.full((8, 8, 3), 2.0))
    with pytest.raises(ValueError, match="H×W×3"):
        styles.toon(np.zeros((8, 8, 4)))


def test_histogram_matching_copies_the_colour_distribution(photos):
    out = styles.histogram_match(photos[0], photos[2])
    q = np.linspace(0.05, 0.95, 10)
    for c in range(3):
        target = np.quantile(photos[2][..., c], q)
        assert np.abs(np.quantile(photos[0][..., c], q) - target).max() > 0.1  # they did differ
        np.testing.assert_allclose(np.quantile(out[..., c], q), target, atol=0.035)
    pooled = styles.histogram_match(photos[0], np.stack(photos[1:3]))
    assert pooled.shape == photos[0].shape


def test_reinhard_matches_lab_mean_and_spread(photos):
    x, ref = photos[1] * 0.6 + 0.2, photos[3] * 0.6 + 0.2  # mid-range images: no clipping at 0 or 1
    out = styles.reinhard_transfer(x, ref)
    lab_out, lab_ref = color.rgb2lab(out).reshape(-1, 3), color.rgb2lab(ref).reshape(-1, 3)
    np.testing.assert_allclose(lab_out.mean(0), lab_ref.mean(0), atol=1.5)
    np.testing.assert_allclose(lab_out.std(0), lab_ref.std(0), rtol=0.1, atol=1.0)
    assert metrics.psnr(out, x) < 25  # it really changed the colours
