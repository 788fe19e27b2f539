"""gvr_helpers.world and world_views: deterministic landscapes, seamless panoramas, exact stereo, head rotation."""
import numpy as np
import py360convert
import pytest

from gvr_helpers import metrics, world, world_views


@pytest.fixture(scope="module")
def pano():
    return world.panorama(0, 128, 256)


def test_periodic_noise_wraps_around():
    n = world.periodic_noise(5, 64)
    assert n.min() == 0 and n.max() == 1
    interior = np.mean(np.abs(np.diff(n, axis=0)))
    assert np.mean(np.abs(n[0] - n[-1])) < 1.5 * interior  # last row continues into the first


def test_panorama_is_deterministic_and_seamless(pano):
    assert pano.shape == (128, 256, 3) and pano.dtype == np.float32
    assert 0 <= pano.min() and pano.max() <= 1 and pano.std() > 0.1
    np.testing.assert_array_equal(pano, world.panorama(0, 128, 256))
    assert not np.array_equal(pano, world.panorama(1, 128, 256))
    assert 0.5 < metrics.wrap_seam_ratio(pano) < 1.5
    # Control: the same image cut anywhere else has a visible seam (the ratio can detect one).
    assert metrics.wrap_seam_ratio(np.concatenate([pano[:, 100:], pano[:, :60]], axis=1)) > 1.5


def test_panorama_depth_is_infinite_only_for_the_sky():
    image, depth = world.panorama(0, 64, 128, return_depth=True)
    assert np.isinf(depth[:8]).all()             # straight up: sky
    assert np.isfinite(depth[-8:]).all()          # straight down: the ground under the viewer
    assert depth[-1].max() < 5 * world.EYE_HEIGHT


@pytest.mark.parametrize("yaw, pitch", [(60, 0), (-120, 15), (170, -10)])
def test_perspective_view_agrees_with_py360convert(pano, yaw, pitch):
    """Rendering a view directly and cutting it out of the panorama give the same picture."""
    big = world.panorama(0, 256, 512)
    view = world_views.perspective_view(0, yaw=yaw, pitch=pitch, fov=60, size=48)
    cut = py360convert.e2p(big, fov_deg=60, u_deg=yaw, v_deg=pitch, out_hw=(48, 48)).astype(np.float32)
    assert metrics.psnr(view, cut) > 22
    mirrored = py360convert.e2p(big, fov_deg=60, u_deg=-yaw, v_deg=pitch, out_hw=(48, 48)).astype(np.float32)
    assert metrics.psnr(view, mirrored) < metrics.psnr(view, cut) - 5


def test_stereo_disparity_is_exact():
    pair = world_views.stereo_pair(0, yaw=20, size=(96, 128))
    assert pair.left.shape == pair.right.shape == (96, 128, 3)
    np.testing.assert_allclose(pair.disparity_left, pair.focal * pair.baseline / pair.depth_left, rtol=1e-5)
    sky = np.isinf(pair.depth_left)
    assert sky.any() and (pair.disparity_left[sky] == 0).all() and pair.disparity_left.max() > 5
    warped, valid = metrics.warp_horizontal(pair.right, -pair.disparity_left)
    valid &= metrics.occlusion_mask(pair.disparity_left)
    mse = np.mean((pair.left - warped)[valid] ** 2)
    assert 10 * np.log10(1 / mse) > 28  # the right eye, moved by the disparity, is the left eye
    wrong, _ = metrics.warp_horizontal(pair.right, np.zeros_like(pair.disparity_left))
    assert np.mean((pair.left - wrong)[valid] ** 2) > 4 * mse
    # Left and right disparities agree: left x -> right x - d_L, whose d_R points back.
    rows, cols = np.nonzero(valid & ~sky)
    target = np.round(cols - pair.disparity_left[rows, cols]).astype(int)
    back = pair.disparity_right[rows, target]
    assert np.median(np.abs(back - pair.disparity_left[rows, cols])) < 0.2


def test_rotation_sequence_is_a_smooth_head_turn():
    seq = world_views.rotation_sequence(3, n_frames=5, size=32)
    assert seq.frames.shape == (5, 32, 32, 3) and seq.yaw.shape == seq.pitch.shape == (5,)
    steps = np.abs(np.diff(seq.yaw))
    assert 0.5 < steps.min() and steps.max() < 6
    again = world_views.perspective_view(3, yaw=seq.yaw[2], pitch=seq.pitch[2], fov=seq.fov, size=32)
    np.testing.assert_allclose(seq.frames[2], again, atol=1e-6)
    np.testing.assert_array_equal(seq.frames, world_views.rotation_sequence(3, n_frames=5, size=32).frames)


def test_landscape_views_are_distinct():
    views = world_views.landscape_views(0, n=3, size=32)
    assert views.shape == (3, 32, 32, 3)
    assert metrics.psnr(views[0], views[1]) < 20


@pytest.mark.parametrize("call, message", [
    (lambda: world.panorama(-1, 8, 16), "seed"),
    (lambda: world.panorama(0, 0, 16), "height"),
    (lambda: world_views.perspective_view(0, pitch=95), "pitch"),
    (lambda: world_views.perspective_view(0, fov=0), "fov"),
    (lambda: world_views.stereo_pair(0, baseline=0), "baseline"),
    (lambda: world_views.rotation_sequence(0, n_frames=0), "n_frames"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_stereo_warp_psnr_metric():
    rng = np.random.default_rng(0)
    right = rng.random((6, 30, 3))
    left = np.zeros_like(right)
    left[:, 2:] = right[:, :-2]
    assert metrics.stereo_warp_psnr(left, right, np.full((6, 30), 2.0)) == float("inf")
    assert metrics.stereo_warp_psnr(left, right, np.zeros((6, 30))) < 15


def test_local_wrap_seam_ratio(pano):
    assert 0.6 < metrics.local_wrap_seam_ratio(pano) < 1.6
    ramp = np.tile(np.linspace(0, 1, 64), (8, 1))
    assert metrics.local_wrap_seam_ratio(ramp) > 50


def test_data_tour_figures_are_written(tmp_path, monkeypatch, pano):
    import matplotlib

    matplotlib.use("Agg")
    from gvr_helpers import plotting

    monkeypatch.setenv("GVR_FIGURES_DIR", str(tmp_path))
    pair = world_views.stereo_pair(0, size=(24, 32))
    rows = [pano[:32, :32], pano[-32:, :32]]
    figures = [
        plotting.data_content(rows, ["sky", "ground"]),
        plotting.data_styles(rows, {"flip": [r[::-1] for r in rows]}),
        plotting.data_panorama(pano),
        plotting.data_stereo(pair.left, pair.right, pair.disparity_left),
    ]
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figures)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "00_data_content.png", "00_data_panorama.png", "00_data_stereo.png", "00_data_styles.png"]
    matplotlib.pyplot.close("all")


def test_stereo_panorama_is_an_exact_seamless_ods_pair():
    """One panorama per eye (omnidirectional stereo): the right eye moved by the exact disparity
    is the left eye, the rows agree, both eyes wrap around without a seam, and a zero-width
    rig would be the mono panorama."""
    pair = world.stereo_panorama(0, 128, 256, baseline=1.0)
    assert pair.left.shape == pair.right.shape == (128, 256, 3) and pair.left.dtype == np.float32
    sky = pair.disparity_left == 0
    assert sky[:20].all() and not sky[-20:].any()
    ground = pair.disparity_left[~sky]
    assert np.median(ground) > 2  # a few pixels at 256 columns for a 1-cell baseline
    warped, valid = metrics.warp_horizontal(pair.right, -pair.disparity_left)
    valid &= metrics.occlusion_mask(pair.disparity_left)
    valid[-16:] = False  # straight down the eyes' rays part: the disparity grows to W/2
    mse = np.mean((pair.left - warped)[valid] ** 2)
    assert 10 * np.log10(1 / mse) > 30
    still, _ = metrics.warp_horizontal(pair.right, np.zeros_like(pair.disparity_left))
    assert np.mean((pair.left - still)[valid] ** 2) > 4 * mse
    # right pixel x sees left pixel x + d_R: the two disparities point at each other
    rows, cols = np.nonzero(valid & ~sky)
    target = np.round(cols - pair.disparity_left[rows, cols]).astype(int)
    assert np.median(np.abs(pair.disparity_right[rows, target] - pair.disparity_left[rows, cols])) < 0.2
    for eye in (pair.left, pair.right):
        assert 0.5 < metrics.local_wrap_seam_ratio(eye) < 2.0
    thin = world.stereo_panorama(0, 64, 128, baseline=1e-9)
    np.testing.assert_allclose(thin.left, world.panorama(0, 64, 128), atol=1e-5)
    with pytest.raises(ValueError, match="baseline"):
        world.stereo_panorama(0, 64, 128, baseline=0)
