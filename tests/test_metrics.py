import numpy as np
import pytest

from gvr_helpers import metrics


def test_psnr_matches_its_definition():
    a = np.zeros((8, 8, 3))
    b = np.full((8, 8, 3), 0.1)
    assert metrics.psnr(b, a) == pytest.approx(20.0)  # 10 log10(1 / 0.01)
    assert metrics.psnr(a, a) == float("inf")
    with pytest.raises(ValueError, match="same shape"):
        metrics.psnr(a, a[:4])


def test_ssim_is_one_for_identical_images():
    rng = np.random.default_rng(0)
    x = rng.random((32, 32, 3))
    assert metrics.ssim(x, x) == pytest.approx(1.0)
    assert metrics.ssim(x, rng.random((32, 32, 3))) < 0.2


def test_wrap_seam_ratio_sees_a_seam():
    noise = np.random.default_rng(0).random((400, 64))  # every column pair, seam included, alike
    assert metrics.wrap_seam_ratio(noise) == pytest.approx(1.0, rel=0.1)
    ramp = np.tile(np.linspace(0, 1, 64), (16, 1))
    assert metrics.wrap_seam_ratio(ramp) > 50


def test_warp_rebuilds_the_left_view_from_an_exact_disparity():
    rng = np.random.default_rng(1)
    right = rng.random((10, 40, 3))
    d = np.full((10, 40), 3.0)
    left = np.zeros_like(right)
    left[:, 3:] = right[:, :-3]  # left pixel x sees right pixel x - 3
    warped, valid = metrics.warp_horizontal(right, -d)
    assert not valid[:, :3].any() and valid[:, 3:].all()
    np.testing.assert_allclose(warped[valid], left[valid])
    assert metrics.stereo_warp_error(left, right, d) == pytest.approx(0.0, abs=1e-12)


def test_occlusion_mask_hides_the_farther_pixel():
    d = np.zeros((1, 10))
    d[0, 5] = 2.0  # pixel 5 lands on 3, where pixel 3 (d=0) also lands
    visible = metrics.occlusion_mask(d)
    assert visible[0, 5] and not visible[0, 3]
    assert metrics.occlusion_mask(np.full((2, 4), np.nan)).sum() == 0
