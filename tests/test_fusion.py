"""Step 4, fusion and strength choice (gvr_helpers.fusion) and the style distances
(gvr_helpers.metrics, 06 section): exact properties, monotone curves, clear errors."""
import numpy as np
import pytest
from skimage.color import rgb2lab, rgb2ycbcr

from gvr_helpers import fusion, metrics, styles, transfer
from gvr_helpers.data import bundled_image
from gvr_helpers.transfer import ImageError


@pytest.fixture(scope="module")
def pair():
    original = bundled_image("chelsea", 64)
    return styles.apply_style("woodblock", original), original


@pytest.fixture(scope="module")
def style_set():
    return styles.apply_style("woodblock", np.stack([bundled_image(n, 64) for n in ("coffee", "astronaut", "rocket")]))


def test_alpha_endpoints_and_middle(pair):
    s, o = pair
    np.testing.assert_array_equal(fusion.fuse_alpha(s, o, 0.0), o)
    np.testing.assert_allclose(fusion.fuse_alpha(s, o, 1.0), s, atol=1e-7)
    np.testing.assert_allclose(fusion.fuse_alpha(s, o, 0.25), 0.75 * o + 0.25 * s, atol=1e-6)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan"), "half", [0.5]])
def test_alpha_rejects_bad_strength(pair, alpha):
    with pytest.raises(ValueError, match="alpha"):
        fusion.fuse_alpha(*pair, alpha)


def test_luminance_only_keeps_original_chroma_exactly_in_ycbcr(pair):
    s, o = pair
    out = fusion.fuse_luminance(s, o, space="ycbcr")
    assert out.dtype == np.float32 and out.shape == o.shape and out.min() >= 0 and out.max() <= 1
    np.testing.assert_allclose(rgb2ycbcr(out)[..., 1:], rgb2ycbcr(o)[..., 1:], atol=1e-4)
    # and the luminance is the stylized one wherever the gamut allows (most pixels)
    moved = np.abs(rgb2ycbcr(out)[..., 0] - rgb2ycbcr(s)[..., 0]) < 1e-3
    assert moved.mean() > 0.8
    assert np.abs(rgb2ycbcr(o)[..., 0] - rgb2ycbcr(s)[..., 0]).mean() > 5  # the test is not trivial


def test_luminance_only_keeps_original_chroma_in_lab(pair):
    s, o = pair
    out = fusion.fuse_luminance(s, o, space="lab")
    np.testing.assert_allclose(rgb2lab(out)[..., 1:], rgb2lab(o)[..., 1:], atol=2e-3)
    lum_gap = np.abs(rgb2lab(out)[..., 0] - rgb2lab(s)[..., 0])
    assert np.median(lum_gap) < 0.01 and lum_gap.mean() < 0.25 * np.abs(rgb2lab(o)[..., 0] - rgb2lab(s)[..., 0]).mean()


@pytest.mark.parametrize("space", fusion.COLOUR_SPACES)
def test_colour_only_keeps_stylized_chroma_and_original_luminance(pair, space):
    s, o = pair
    out = fusion.fuse_colour(s, o, space=space)
    to = rgb2ycbcr if space == "ycbcr" else rgb2lab
    np.testing.assert_allclose(to(out)[..., 1:], to(s)[..., 1:], atol=2e-3)
    assert np.abs(to(out)[..., 0] - to(o)[..., 0]).mean() < 0.25 * np.abs(to(s)[..., 0] - to(o)[..., 0]).mean()


def test_luminance_clamp_never_leaves_gamut():
    black, white = np.zeros((4, 4, 3), np.float32), np.ones((4, 4, 3), np.float32)
    red = np.zeros((4, 4, 3), np.float32)
    red[..., 0] = 1.0
    for space in fusion.COLOUR_SPACES:
        out = fusion.fuse_luminance(white, red, space=space)  # pure red cannot get brighter
        assert 0 <= out.min() and out.max() <= 1
        np.testing.assert_allclose(fusion.fuse_luminance(black, black, space=space), black, atol=1e-6)


def test_laplacian_pyramid_reconstructs_exactly(pair):
    s, o = pair
    bands = fusion.laplacian_pyramid(o)
    assert [b.shape[0] for b in bands] == [64, 32, 16, 8]
    assert np.max(np.abs(fusion.reconstruct_laplacian(bands) - o)) < 1e-6
    odd = o[:45, :61]
    assert np.max(np.abs(fusion.reconstruct_laplacian(fusion.laplacian_pyramid(odd, 3)) - odd)) < 1e-6


def test_laplacian_fusion_with_all_bands_from_one_image(pair):
    s, o = pair
    n = len(fusion.laplacian_pyramid(o))
    assert np.max(np.abs(fusion.fuse_laplacian(s, o, style_bands=[]) - o)) < 1e-6
    assert np.max(np.abs(fusion.fuse_laplacian(s, o, style_bands=range(n)) - s)) < 1e-6
    # the two complementary choices add up to s + o (before clipping), band by band
    coarse = fusion.fuse_laplacian(s, o, style_bands=[-1])
    fine = fusion.fuse_laplacian(s, o, style_bands=range(n - 1))
    inside = (coarse > 0.01) & (coarse < 0.99) & (fine > 0.01) & (fine < 0.99)
    assert np.max(np.abs((coarse + fine) - (s + o))[inside]) < 1e-5


def test_laplacian_coarse_band_carries_the_colours(pair):
    s, o = pair
    out = fusion.fuse_laplacian(s, o, style_bands=[-1])
    assert np.abs(out.mean((0, 1)) - s.mean((0, 1))).max() < 0.02  # the style's average colour
    assert metrics.ssim(out, o) > metrics.ssim(s, o) + 0.1           # the original's detail


@pytest.mark.parametrize("kwargs, match", [({"style_bands": [7]}, "band 7 does not exist"),
                                           ({"style_bands": 3}, "list of band indices"),
                                           ({"style_bands": [1.5]}, "does not exist"),
                                           ({"levels": 9}, "levels must be"),
                                           ({"levels": -1}, "levels must be")])
def test_laplacian_bad_arguments(pair, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fusion.fuse_laplacian(*pair, **kwargs)


def test_fusion_input_errors(pair):
    s, o = pair
    with pytest.raises(ImageError, match="same shape"):
        fusion.fuse_luminance(s[:32], o)
    with pytest.raises(ImageError, match=r"\[0, 1\]"):
        fusion.fuse_laplacian(s * 255, o)
    with pytest.raises(ImageError, match="NaN"):
        fusion.fuse_colour(np.full_like(s, np.nan), o)
    with pytest.raises(ValueError, match="space must be one of"):
        fusion.fuse_luminance(s, o, space="hsv")


def test_style_distances(pair, style_set):
    s, o = pair
    assert metrics.colour_distance(style_set, style_set) == pytest.approx(0.0, abs=1e-12)
    assert metrics.texture_distance(style_set, style_set) == pytest.approx(0.0, abs=1e-12)
    d_style, d_orig = metrics.style_distance(s, style_set), metrics.style_distance(o, style_set)
    assert d_style["texture"] < d_orig["texture"] - 0.3
    assert d_style["colour"] < d_orig["colour"]
    assert d_style["total"] == pytest.approx(d_style["colour"] + d_style["texture"])
    ref = metrics.StyleReference(style_set)
    assert ref.distance(s) == d_style
    hist = metrics.texture_statistics(o)
    assert hist.shape == (len(metrics.GRADIENT_BINS) + metrics.LBP_POINTS + 2,)
    assert hist.sum() == pytest.approx(2.0)
    with pytest.raises(ValueError, match="H×W×3"):
        metrics.colour_distance(o[..., 0], style_set)
    with pytest.raises(ValueError, match="empty"):
        metrics.texture_distance([], style_set)


def test_strength_curve_is_monotone_where_it_must_be(pair, style_set):
    s, o = pair
    curve = fusion.strength_curve(s, o, style_set, strengths=np.linspace(0, 1, 6), reference=s)
    assert curve["content_psnr"][0] == np.inf and np.all(np.diff(curve["content_psnr"]) < 0)  # ‖t(s-o)‖² grows
    assert np.all(np.diff(curve["content_ssim"]) < 0) and curve["content_ssim"][0] == pytest.approx(1.0)
    assert np.all(np.diff(curve["reference_psnr"]) > 0) and curve["reference_psnr"][-1] == np.inf
    assert curve["style_distance"][-1] < curve["style_distance"][0] - 0.3
    assert curve["texture_distance"][-1] == pytest.approx(metrics.texture_distance(s, style_set))


@pytest.mark.parametrize("method, options", [("luminance", {}), ("colour", {"space": "lab"}),
                                             ("laplacian", {"style_bands": [-1]})])
def test_strength_curve_other_methods(pair, style_set, method, options):
    s, o = pair
    curve = fusion.strength_curve(s, o, style_set, strengths=[0.0, 0.5, 1.0], method=method, **options)
    full = fusion.FUSIONS[method](s, o, **options)
    assert curve["method"] == method and curve["content_ssim"][0] == pytest.approx(1.0)
    assert curve["content_ssim"][-1] == pytest.approx(metrics.ssim(full, o), abs=1e-6)


def test_choose_strength_respects_the_floor(pair, style_set):
    s, o = pair
    curve = fusion.strength_curve(s, o, style_set, strengths=np.linspace(0, 1, 11), reference=s)
    for floor in (0.3, 0.6, 0.9):
        best = fusion.choose_strength(curve, floor=floor, criterion="reference_psnr")
        assert best["content_ssim"] >= floor
        allowed = curve["strength"][curve["content_ssim"] >= floor]
        assert best["strength"] == pytest.approx(allowed.max())  # PSNR to s grows with strength
    loose = fusion.choose_strength(curve, floor=0.3)
    assert loose["value"] == pytest.approx(curve["style_distance"][curve["content_ssim"] >= 0.3].min())


def test_choose_strength_errors(pair, style_set):
    s, o = pair
    curve = fusion.strength_curve(s, o, style_set, strengths=[0.5, 1.0])
    with pytest.raises(ValueError, match="no strength keeps"):
        fusion.choose_strength(curve, floor=0.99)
    with pytest.raises(ValueError, match="discriminator"):
        fusion.choose_strength(curve, criterion="realism")
    with pytest.raises(ValueError, match="unknown criterion"):
        fusion.choose_strength(curve, criterion="beauty")
    with pytest.raises(ValueError, match="floor"):
        fusion.choose_strength(curve, floor=1.5)


@pytest.mark.parametrize("strengths", [[], [0.5, 0.2], [0, 2], [[0, 1]], [0, np.nan]])
def test_strength_curve_bad_strengths(pair, style_set, strengths):
    with pytest.raises(ValueError, match="strengths"):
        fusion.strength_curve(*pair, style_set, strengths=strengths)


def test_strength_curve_unknown_method(pair, style_set):
    with pytest.raises(ValueError, match="unknown fusion method"):
        fusion.strength_curve(*pair, style_set, method="median")


def test_style_critic_prefers_the_style(pair, style_set):
    s, o = pair
    content = [bundled_image(n, 64) for n in ("coffee", "astronaut", "rocket")]
    critic = fusion.train_style_critic(style_set, content, steps=60, crop=32, seed=0)
    assert transfer.realism_score(critic, s) > transfer.realism_score(critic, o) + 0.1
    curve = fusion.strength_curve(s, o, style_set, strengths=[0.0, 1.0], discriminator=critic)
    assert curve["realism"][1] > curve["realism"][0]
    with pytest.raises(ValueError, match="steps"):
        fusion.train_style_critic(style_set, content, steps=0)
    with pytest.raises(ImageError, match="smaller than the crop"):
        fusion.train_style_critic(style_set, content, steps=1, crop=128)


def test_results_table_reads_the_usual_shapes():
    import matplotlib
    matplotlib.use("Agg")
    from gvr_helpers import plotting

    flat = [{"setting": "base", "psnr": 20.0}, {"setting": "big G", "psnr": 21.5}]
    assert plotting.table_rows(flat) == flat
    assert plotting.table_rows({"rows": flat}) == flat
    assert plotting.table_rows({"base": {"psnr": 20.0}}) == [{"setting": "base", "psnr": 20.0}]
    nested = plotting.table_rows({"styles": {"toon": {"course_db": 21.0}, "ink": {"course_db": 19.0}}})
    assert nested == [{"group": "styles", "setting": "toon", "course_db": 21.0},
                      {"group": "styles", "setting": "ink", "course_db": 19.0}]
    assert plotting.table_rows({"seconds": 3.0}) == [{"setting": "seconds", "value": 3.0}]
    fig = plotting.results_table(flat + [{"setting": "odd", "note": {"a": 1}}])
    assert fig.axes[0].tables and len(fig.axes[0].tables[0].get_celld()) == 4 * 3
    with pytest.raises(ValueError, match="one dict per row"):
        plotting.table_rows([1, 2])
    with pytest.raises(ValueError, match="at least one row"):
        plotting.results_table([])
