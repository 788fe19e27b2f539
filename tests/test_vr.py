"""gvr_helpers.vr: conventions checked against py360convert, seam-free stylization measured,
skybox files, stereo agreement, head-motion flicker and the frame budget."""
import json

import keras
import numpy as np
import pytest
from keras import layers
from scipy.ndimage import gaussian_filter

from gvr_helpers import headset, metrics, sphere, vr

from test_transfer import strided_net


def smooth_panorama(h=64, seed=0, sigma=3):
    pano = gaussian_filter(np.random.default_rng(seed).random((h, 2 * h, 3)), (sigma, sigma, 0), mode="wrap")
    return ((pano - pano.min()) / (pano.max() - pano.min())).astype(np.float32)


def box_blur(k=7):
    """A translator stand-in with zero padding: a one-sided blur (the mean of the pixels
    0–3 px to the right and below) that darkens the right and bottom borders only, the way
    a CNN's zero padding marks image borders; receptive field 3 px."""
    inputs = keras.Input((None, None, 3))
    conv = layers.DepthwiseConv2D(k, padding="same", use_bias=False)
    model = keras.Model(inputs, conv(inputs))
    kernel = np.zeros((k, k, 3, 1), np.float32)
    kernel[k // 2:, k // 2:] = 1.0 / (k - k // 2) ** 2
    conv.set_weights([kernel])
    return model


@pytest.fixture(scope="module")
def blur():
    return box_blur()


@pytest.fixture(scope="module")
def net():
    return strided_net()


# ------------------------------------------------------------ conventions
def test_faces_match_py360convert_names_and_orientation():
    pano = smooth_panorama(128)
    ours = sphere.render_faces(pano, 64)
    theirs = sphere.equirect_to_cubemap(pano, 64)
    assert list(theirs) == list(sphere.FACE_ORDER)
    for name in sphere.FACE_ORDER:
        assert np.mean(np.abs(ours[name] - theirs[name])) < 0.01, name
        others = [np.mean(np.abs(ours[name] - theirs[n])) for n in sphere.FACE_ORDER if n != name]
        assert min(others) > 0.05


def test_perspective_is_py360convert_e2p_in_our_convention():
    pano = smooth_panorama(128)
    for yaw, pitch in [(0, 0), (90, 0), (-135, 30), (20, -60)]:
        view = sphere.perspective(pano, yaw, pitch, 80, (48, 48))
        ours = sphere.sample_equirect(pano, sphere.perspective_directions(yaw, pitch, 80, (48, 48)))
        assert np.max(np.abs(view - ours)) < 1e-4


def test_yaw_90_looks_at_three_quarters_of_the_width():
    pano = np.zeros((32, 64, 3), np.float32)
    pano[:, 48] = 1.0  # longitude +90°
    view = sphere.perspective(pano, 90, 0, 60, (33, 33))
    assert view[16, 16].min() > 0.3 and view[16, 2].max() < 0.1


def test_directions_round_trip_and_sampling_is_exact_on_pixel_centres():
    pano = smooth_panorama(32)
    d = sphere.equirect_directions(32, 64)
    assert np.allclose(np.linalg.norm(d, axis=-1), 1)
    assert np.allclose(sphere.sample_equirect(pano, d), pano, atol=1e-5)
    assert np.allclose(d[16, 32], sphere.lonlat_to_direction(np.pi / 64, -np.pi / 64), atol=1e-9)


def test_cubemap_round_trip():
    pano = smooth_panorama(64, sigma=4)
    back = sphere.cubemap_to_equirect(sphere.equirect_to_cubemap(pano, 48), 64)
    assert back.shape == pano.shape and np.mean(np.abs(back - pano)[8:-8]) < 0.02  # poles are resampled most
    with pytest.raises(ValueError, match="missing"):
        sphere.cubemap_to_equirect({"px": np.zeros((4, 4, 3))}, 8)


def test_rejects_non_equirect():
    with pytest.raises(ValueError, match="width = 2"):
        vr.stylize_panorama(lambda b: b, np.zeros((10, 30, 3), np.float32))
    with pytest.raises(ValueError, match="unknown method"):
        vr.stylize_panorama(lambda b: b, smooth_panorama(16), method="spherical")
    with pytest.raises(ValueError, match="multiple of align"):
        vr.stylize_panorama(lambda b: b, smooth_panorama(16), method="circular", pad=5)


# ------------------------------------------------------------ seams
def test_naive_has_a_wrap_seam_and_circular_has_none(blur):
    pano = smooth_panorama(64)
    base = metrics.wrap_seam_ratio(pano)
    naive = vr.stylize_panorama(blur, pano, method="naive", tile=None)
    circular = vr.stylize_panorama(blur, pano, method="circular", pad=16, tile=None)
    assert metrics.wrap_seam_ratio(naive) > 3 * base
    # circular = stylizing the endlessly repeated panorama, so the wrap is an ordinary column pair
    three = np.concatenate([pano, pano, pano], axis=1)
    reference = vr.apply_generator(blur, three, tile=None)[:, 128:256]
    assert np.max(np.abs(circular - reference)) < 1e-6
    assert metrics.wrap_seam_ratio(circular) < 1.3


@pytest.mark.parametrize("tile", [None, 64])
def test_circular_commutes_with_yaw_by_multiples_of_the_stride(net, tile):
    pano = smooth_panorama(64)
    run = lambda x: vr.stylize_panorama(net, x, method="circular", pad=16, tile=tile, overlap=32, align=2)
    for k in (2, 14, 64):
        assert metrics.yaw_equivariance_mse(run, pano, k) <= 1e-6
    naive = lambda x: vr.stylize_panorama(net, x, method="naive", tile=None, align=2)
    assert metrics.yaw_equivariance_mse(naive, pano, 14) > 1e-5


def test_overlapped_cubemap_hides_the_cube_edges(blur):
    pano = smooth_panorama(128, sigma=2)
    assert metrics.cube_seam_ratio(sphere.render_faces(pano, 48)) < 1.2  # the input itself is seamless
    independent = vr.stylize_cubemap(blur, pano, 48, pad=0, tile=None)
    overlapped = vr.stylize_cubemap(blur, pano, 48, pad=8, tile=None)
    assert metrics.cube_seam_ratio(independent) > 1.5
    assert metrics.cube_seam_ratio(overlapped) <= 1.2


def test_cubemap_method_gives_a_seamless_panorama(blur):
    pano = smooth_panorama(64)
    out = vr.stylize_panorama(blur, pano, method="cubemap", face_size=32, face_pad=8, tile=None)
    assert out.shape == pano.shape
    assert metrics.wrap_seam_ratio(out) <= 1.05 * metrics.wrap_seam_ratio(pano) + 0.1


def test_blend_with_identical_faces_is_the_identity():
    pano = smooth_panorama(64, sigma=4)
    d = sphere.equirect_directions(64, 128)
    hard = sphere.blend_faces(sphere.render_faces(pano, 32), 32, 0, d)
    soft = sphere.blend_faces(sphere.render_faces(pano, 32, pad=6), 32, 6, d)
    # blending adds no error of its own: only the resampling to 32-px faces remains
    assert np.mean(np.abs(soft - pano)) < np.mean(np.abs(hard - pano)) + 0.002 < 0.02


# ------------------------------------------------------------ skybox files
def test_skybox_export_and_load(tmp_path, blur):
    faces = vr.stylize_cubemap(blur, smooth_panorama(64), 32, pad=4, tile=None)
    manifest = headset.export_skybox(faces, tmp_path / "sky")
    data = json.loads(manifest.read_text())
    assert data["order"] == ["px", "nx", "py", "ny", "pz", "nz"] and data["face_size"] == 32
    assert data["axes"]["nz"]["forward"] == [0, 0, -1]
    back = headset.load_skybox(tmp_path / "sky")
    for name in sphere.FACE_ORDER:
        assert (tmp_path / "sky" / f"{name}.png").is_file()
        assert np.max(np.abs(back[name] - faces[name])) <= 0.5 / 255 + 1e-6
    with pytest.raises(FileNotFoundError, match="manifest"):
        headset.load_skybox(tmp_path)


def test_skybox_needs_six_square_faces(tmp_path):
    with pytest.raises(ValueError, match="missing"):
        headset.export_skybox({"px": np.zeros((4, 4, 3), np.float32)}, tmp_path)
    faces = {n: np.zeros((4, 5, 3), np.float32) for n in sphere.FACE_ORDER}
    with pytest.raises(ValueError, match="square"):
        headset.export_skybox(faces, tmp_path)


# ------------------------------------------------------------ stereo
def synthetic_pair(h=48, w=96, seed=0):
    """A textured wall 4 px away in disparity and a nearer square at 11 px."""
    rng = np.random.default_rng(seed)
    left = gaussian_filter(rng.random((h, w, 3)), (1.5, 1.5, 0))
    left = ((left - left.min()) / (left.max() - left.min())).astype(np.float32)
    disp = np.full((h, w), 4.0)
    disp[12:36, 40:64] = 11.0
    dr = vr.right_view_disparity(disp)
    right, valid = metrics.warp_horizontal(left, dr)
    right = np.where(valid[..., None], right, rng.random((h, w, 3))).astype(np.float32)
    return left, right, disp


def test_right_view_disparity_keeps_the_nearest_and_marks_holes():
    d = np.array([[1.0, 1.0, 1.0, 3.0, 3.0, 1.0, 1.0, 1.0]])
    dr = vr.right_view_disparity(d)
    assert dr[0, 0] == 3.0 and dr[0, 1] == 3.0  # the near pixels hide what was behind them
    assert np.isnan(dr[0, 7])  # nothing lands on the last right pixel
    with pytest.raises(ValueError, match="H×W"):
        vr.right_view_disparity(np.zeros(5))


def test_warp_stylization_agrees_between_the_eyes(net):
    left, right, disp = synthetic_pair()
    per = vr.stylize_stereo(net, left, right, disp, method="per_eye", tile=None, align=2)
    warp = vr.stylize_stereo(net, left, right, disp, method="warp", tile=None, align=2)
    r_per = vr.stereo_consistency_ratio(per[0], per[1], left, right, disp)
    r_warp = vr.stereo_consistency_ratio(warp[0], warp[1], left, right, disp)
    assert r_warp <= 2.0 and r_warp < r_per
    assert 0 < warp[2]["disoccluded"] < 0.2
    with pytest.raises(ValueError, match="agree"):
        vr.stylize_stereo(net, left, right, disp[:, :-1])


# ------------------------------------------------------------ head motion
def test_rotation_flow_explains_the_input_frames():
    pano = smooth_panorama(128)
    yaws = [0, 4, 8, 12]
    frames = sphere.rotation_sequence(pano, yaws, pitch=10, fov=70, hw=(48, 48))
    poses = [(y, 10) for y in yaws]
    warped_error = vr.sequence_flicker(frames, poses, 70)
    assert warped_error < 0.01
    still = [(0, 10)] * 4  # pretending the head did not move explains the frames badly
    assert vr.sequence_flicker(frames, still, 70) > 3 * warped_error


def test_texture_space_flickers_less_than_screen_space(net):
    pano = smooth_panorama(128)
    out = vr.head_motion(net, pano, yaws=[0, 3, 6, 9], fov=70, hw=(48, 48), pad=16, tile=None, align=2)
    assert out["texture"].shape == out["screen"].shape == (4, 48, 48, 3)
    assert out["flicker_texture"] < out["flicker_screen"]


def test_temporal_warping_error_checks_its_inputs():
    with pytest.raises(ValueError, match="at least 2"):
        metrics.temporal_warping_error(np.zeros((1, 4, 4, 3)), [])
    with pytest.raises(ValueError, match="sampling maps"):
        metrics.temporal_warping_error(np.zeros((3, 4, 4, 3)), [])


# ------------------------------------------------------------ frame budget
def test_frame_budget_arithmetic():
    rows = vr.frame_budget(macs_per_pixel=1e5, macs_per_second=1e11, eye_hw=(100, 100), rates=(90,),
                           panorama_hw=(10, 20))
    (row,) = rows
    assert row["budget_ms"] == pytest.approx(1000 / 90)
    assert row["screen_gmacs_per_frame"] == pytest.approx(2 * 1e4 * 1e5 / 1e9)
    assert row["screen_ms_per_frame"] == pytest.approx(2e9 / 1e11 * 1000)
    assert row["screen_fits"] is False
    assert row["texture_ms_per_frame"] == 0 and row["texture_ms_once"] == pytest.approx(200 * 1e5 / 1e11 * 1000)
    with pytest.raises(ValueError, match="positive"):
        vr.frame_budget(0, 1)


def test_measure_macs_per_second(blur):
    m = vr.measure_macs_per_second(blur, smooth_panorama(32), macs_per_pixel=147, tile=None)
    assert m["pixels"] == 32 * 64 and m["seconds"] > 0 and m["macs_per_second"] > 0


# ------------------------------------------------------------ circular padding inside the model
def test_model_level_circular_padding_equals_input_level_wrapping():
    from gvr_helpers import models

    keras.utils.set_random_seed(0)
    flat = models.build_generator("resnet", filters=4, n_blocks=1, norm="none", padding="reflect",
                                  upsampling="resize")
    wrapped = vr.with_padding(flat, "circular")
    assert np.array_equal(flat.get_weights()[0], wrapped.get_weights()[0])
    pano = smooth_panorama(32)
    by_input = vr.stylize_panorama(flat, pano, method="circular", pad=32, tile=None)
    by_model = vr.stylize_panorama(wrapped, pano, method="circular", pad=0, tile=None)
    strips = vr.stylize_panorama(wrapped, pano, method="circular", pad=0, tile=16, overlap=8)
    assert np.max(np.abs(by_input - by_model)) < 1e-5
    assert np.max(np.abs(strips[8:-8] - by_model[8:-8])) < 1e-2  # full-width strips, blended in rows
    run = lambda x: vr.stylize_panorama(wrapped, x, method="circular", pad=0, tile=None)
    assert metrics.yaw_equivariance_mse(run, pano, 4) <= 1e-6
    with pytest.raises(ValueError, match="padding"):
        vr.with_padding(flat, "wrap")


# ------------------------------------------------------------ helpers for the notebooks
def test_circular_pad_covers_the_receptive_field():
    from gvr_helpers import geometry, models

    keras.utils.set_random_seed(0)
    g = models.build_generator("resnet", filters=4, n_blocks=1, norm="none", upsampling="resize")
    info = geometry.describe(g)
    pad = vr.circular_pad(g)
    assert pad >= info.receptive_field // 2 and pad % 8 == 0 and pad % info.total_stride == 0


def test_a_shipped_gan_translator_has_stride_1_and_no_wrap_seam():
    """The VR notebooks' GAN-trained woodblock translator: circular stylization commutes with a roll
    by one column, and its wrap column pair is no stronger than the input's (averaged over 32 yaw
    positions: one column pair is a noisy sample of the scenery), while the naive method's seam is
    clearly stronger (the translator does change the image)."""
    from gvr_helpers import geometry, translators, world

    g = translators.load_translator("woodblock_fast")
    info = geometry.describe(g)
    assert info.total_stride == 1 and info.receptive_field == geometry.translator_geometry(g).rf > 1
    pad = vr.circular_pad(g)
    pano = world.panorama(seed=0, height=64, width=128)
    circular = lambda x: vr.stylize_panorama(g, x, method="circular", pad=pad)  # noqa: E731
    assert metrics.yaw_equivariance_mse(circular, pano, 1) < 1e-10

    def seam_over_yaws(fn):
        return np.mean([metrics.wrap_seam_ratio(fn(np.roll(pano, k, axis=1))) for k in range(0, 128, 4)])

    seam_input = seam_over_yaws(lambda x: x)
    assert seam_over_yaws(circular) <= 1.05 * seam_input
    assert seam_over_yaws(lambda x: vr.stylize_panorama(g, x, method="naive")) > 1.5 * seam_input


def test_with_padding_rebuilds_every_pad_layer_and_keeps_the_weights():
    from gvr_helpers import geometry, translators
    from gvr_helpers.layers import Pad2D

    keras.utils.set_random_seed(0)
    g = translators.residual_translator(depth=5)
    wrapped = vr.with_padding(g, "circular")
    assert {layer.mode for layer in wrapped.layers if isinstance(layer, Pad2D)} == {"circular"}
    assert geometry.describe(wrapped, size=32).receptive_field == geometry.describe(g, size=32).receptive_field == 11
    x = smooth_panorama(32)[None, :32, :32]
    inner = (slice(None), slice(8, -8), slice(8, -8))
    np.testing.assert_allclose(wrapped(x).numpy()[inner], g(x).numpy()[inner], atol=1e-6)  # same away from borders
    with pytest.raises(ValueError, match="padding"):
        vr.with_padding(g, "mirror")


# ------------------------------------------------------------ correct by default (issue 17, point 3)
def lively(model, seed=0):
    """He-normal kernels: at the builders' N(0, 0.02) init a deep network's output barely depends
    on its input, so no padding could make a difference there."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, np.sqrt(2 / np.prod(v.shape[:-1])), v.shape).astype(np.float32)
                       if v.ndim == 4 else v for v in model.get_weights()])
    return model


def course_translator(kind):
    from gvr_helpers import models

    keras.utils.set_random_seed(0)
    return lively(models.build_generator(kind, filters=4, norm="none"))


def old_default_circular(generator, x, pad=32):
    """What stylize_panorama(method="circular") did before issue 17: 32 columns, whatever the generator."""
    w = x.shape[1]
    wrapped = np.concatenate([x[:, w - pad:], x, x[:, :pad]], axis=1)
    return vr.apply_generator(generator, wrapped)[:, pad:pad + w]


@pytest.mark.parametrize("kind", ["resnet", "unet"])
def test_default_circular_pad_is_yaw_equivariant_for_the_course_generators(kind):
    from gvr_helpers import geometry

    g = course_translator(kind)
    info = geometry.describe(g, size=64)
    assert info.receptive_field > 64  # wider than the old default pad of 32 columns covers
    assert vr.circular_pad(g) == 64
    pano = smooth_panorama(64)  # 64×128
    run = lambda x: vr.stylize_panorama(g, x)  # noqa: E731  (all defaults)
    old = lambda x: old_default_circular(g, x)  # noqa: E731
    for k in (16, 32, 48):  # multiples of align (8) and of the total stride (4 or 8)
        assert metrics.yaw_equivariance_mse(run, pano, k) <= 1e-6, k
    assert max(metrics.yaw_equivariance_mse(old, pano, k) for k in (16, 32, 48)) > 1e-6
    # the model-level wrap gives the same panorama, and pad=0 is accepted for it
    wrapped = vr.with_padding(g, "circular")
    assert np.max(np.abs(vr.stylize_panorama(wrapped, pano, pad=0) - run(pano))) < 1e-5


def test_too_small_or_misaligned_circular_pads_are_refused_with_the_needed_value():
    g = course_translator("resnet")
    pano = smooth_panorama(32)
    with pytest.raises(ValueError, match=r"pad=32 is smaller .* needs pad >= 64 \(vr\.circular_pad\(generator\)\)"):
        vr.stylize_panorama(g, pano, method="circular", pad=32)
    with pytest.raises(ValueError, match=r"needs pad >= 64 \(vr\.circular_pad\(generator, align=2\)\)"):
        vr.stylize_panorama(g, pano, pad=8, align=2)
    with pytest.raises(ValueError, match="total stride"):  # above the radius (61), a multiple of align, not of 4
        vr.stylize_panorama(g, pano, pad=62, align=2)
    with pytest.raises(ValueError, match=r"pad=0 relies on the generator wrapping .* mode 'reflect'"):
        vr.stylize_panorama(g, pano, pad=0)
    with pytest.raises(ValueError, match="integer"):
        vr.stylize_panorama(g, pano, pad=-8)
    assert vr.stylize_panorama(g, pano, pad=72).shape == pano.shape  # more than needed is fine


def test_default_pad_may_exceed_the_width():
    g = course_translator("resnet")
    pano = smooth_panorama(16)  # 16×32: circular_pad (64) wraps the panorama twice over
    run = lambda x: vr.stylize_panorama(g, x, tile=None)  # noqa: E731
    assert metrics.yaw_equivariance_mse(run, pano, 8) <= 1e-6
    reference = vr.apply_generator(g, np.concatenate([pano] * 5, axis=1), tile=None)[:, 64:96]
    assert np.max(np.abs(run(pano) - reference)) < 1e-5


def test_circular_pad_reads_every_generator_the_course_builds():
    from gvr_helpers import geometry, models, translators

    keras.utils.set_random_seed(0)
    for kind in ("resnet", "unet"):
        g = models.build_generator(kind, filters=4)
        info = geometry.describe(g, size=64)
        step = np.lcm(8, info.total_stride)
        assert vr.circular_pad(g) == -(-(info.receptive_field // 2 + 1) // step) * step
    assert vr.circular_pad(translators.residual_translator(depth=5)) == 8  # receptive field 11
    # InkOver states its reach: its blur (σ=3: 19 taps), Sobel and dilation reach 23 px
    ink = translators.ink_over_colours({"sigma": 3.0, "width": 0.0})
    assert geometry.describe(ink, size=64).receptive_field == 23 and vr.circular_pad(ink) == 16
    stack = keras.Sequential([keras.Input((None, None, 3)), layers.Conv2D(4, 9, padding="same"),
                              layers.Conv2D(3, 9, strides=2, padding="same"), layers.UpSampling2D(2)])
    assert vr.circular_pad(stack) == 16 and vr.circular_pad(stack, align=1) == 10  # rf 17 → radius 9, stride 2
    inputs = keras.Input((None, None, 3))
    nested = keras.Model(inputs, stack(stack(inputs)))
    assert vr.circular_pad(nested, align=1) == 18  # rf 33
    for kind in ("mlp", "dcgan"):  # noise in, not an image translator: no pad makes them seam-free
        with pytest.raises(ValueError, match="image-to-image"):
            vr.circular_pad(models.build_generator(kind))
    odd = keras.Model(inputs, layers.Lambda(lambda t: t[:, :, ::-1])(inputs))
    for generator in (odd, lambda b: b):  # a layer of unknown reach, a plain callable: no guessing
        with pytest.raises(ValueError, match="cannot read the receptive field.*pass pad= explicitly"):
            vr.stylize_panorama(generator, smooth_panorama(16))
        assert vr.stylize_panorama(generator, smooth_panorama(16), pad=8, tile=None).shape == (16, 32, 3)


def test_cubemap_face_pad_defaults_to_the_receptive_field_radius(monkeypatch):
    g = course_translator("resnet")  # receptive field 121: radius 61
    assert vr.cubemap_pad(g, 32) == 64 and vr.cubemap_pad(g, 1024) == 128  # ≥ the radius, ≥ size/8
    used = []
    original = vr._stylized_faces
    monkeypatch.setattr(vr, "_stylized_faces", lambda gen, pano, size, pad, **run: (
        used.append((size, pad)), original(gen, pano, size, pad, **run))[1])
    pano = smooth_panorama(32)
    faces = vr.stylize_cubemap(g, pano, 32)
    assert faces["px"].shape == (32, 32, 3)
    assert vr.stylize_panorama(g, pano, method="cubemap").shape == pano.shape
    assert used == [(32, 64), (16, 64)]  # the face pad may exceed the face size
    with pytest.raises(ValueError, match=r"pad=16 is smaller .* needs pad >= 61"):
        vr.stylize_cubemap(g, pano, 32, pad=16)
    with pytest.raises(ValueError, match=r"face_pad=8 is smaller .* needs face_pad >= 61"):
        vr.stylize_panorama(g, pano, method="cubemap", face_pad=8)
    with pytest.raises(ValueError, match="integer"):
        vr.stylize_cubemap(g, pano, 32, pad=-1)


def test_blend_faces_checks_its_faces_and_takes_any_pad():
    pano = smooth_panorama(64, sigma=4)
    d = sphere.equirect_directions(64, 128)
    with pytest.raises(ValueError, match=r"needs 44×44×3 faces"):
        sphere.blend_faces(sphere.render_faces(pano, 32), 32, 6, d)
    with pytest.raises(ValueError, match="face pad must be an integer >= 0"):
        sphere.blend_faces(sphere.render_faces(pano, 32), 32, -1, d)
    wide = sphere.blend_faces(sphere.render_faces(pano, 32, pad=48), 32, 48, d)  # pad > size is valid geometry
    assert np.mean(np.abs(wide - pano)) < 0.02


# ------------------------------------------------------------ headset resolution (issue 17, point 2)
def shipped_translator(name="toon_fast"):
    from gvr_helpers import translators

    return translators.load_translator(name)


@pytest.mark.parametrize("kind", ["shipped", "resnet"])
def test_circular_bands_agree_with_one_pass(kind):
    """Full-width bands with pad rows of context above and below are cropped, not cross-faded:
    every kept pixel sees what it sees in one pass (also for a stride-4 ResNet, pad 64)."""
    g = shipped_translator() if kind == "shipped" else course_translator("resnet")
    pano = smooth_panorama(128 if kind == "shipped" else 64, sigma=2)
    one_pass = vr.stylize_panorama(g, pano, tile=None)
    for tile in [(16, None), (40, None)]:  # 40 rows: bands of 40, a short last band
        bands = vr.stylize_panorama(g, pano, tile=tile)
        assert bands.shape == pano.shape and bands.dtype == np.float32
        assert np.max(np.abs(bands - one_pass)) < 1e-5, tile
    assert np.mean(np.abs(one_pass - pano)) > 0.01  # the translator does change the image


def test_circular_bands_commute_with_yaw(net):
    run = lambda x: vr.stylize_panorama(net, x, method="circular", pad=16, tile=(16, None), align=2)  # noqa: E731
    pano = smooth_panorama(64)
    for k in (4, 16, 60):
        assert metrics.yaw_equivariance_mse(run, pano, k) < 1e-10, k


def test_band_rows_budget():
    # default tile 512 at 4096×2048 with the shipped translator's pad of 8: four 512² tiles per band
    assert vr._band_rows(512, 2048, 4096 + 16, 8, 8) == 248
    assert vr._band_rows(64, 2048, 4096 + 16, 8, 8) == 64       # at least 8 × the context rows
    assert vr._band_rows((100, None), 2048, 4112, 8, 8) == 96   # rows given, a multiple of align
    with pytest.raises(ValueError, match="tile"):
        vr._band_rows((1, 2, 3), 64, 128, 8, 8)
    with pytest.raises(ValueError, match="tile"):
        vr.stylize_panorama(lambda b: b, smooth_panorama(64), pad=8, tile=(0, None))


def test_forward_graph_is_cached_without_keeping_the_model_alive():
    import gc
    import weakref

    g = course_translator("unet")
    forward = vr._forward(g)
    assert vr._forward(g) is forward
    x = smooth_panorama(32)[None]
    np.testing.assert_allclose(forward(x), np.asarray(g(x, training=False)), atol=1e-5)
    ref = weakref.ref(g)
    del g, forward
    gc.collect()
    assert ref() is None


def test_stereo_panorama_stylized_consistently_between_the_eyes():
    from gvr_helpers import world

    g = shipped_translator()
    pair = world.stereo_panorama(0, 128, 256, baseline=1.0)
    ratios = {}
    for method, extra in (("per_eye", {}), ("warp", {}), ("warp_exact", {"disparity_right": pair.disparity_right})):
        sl, sr, info = vr.stylize_stereo_panorama(g, pair.left, pair.right, pair.disparity_left,
                                                  method=method.split("_exact")[0], **extra)
        ratios[method] = vr.stereo_consistency_ratio(sl, sr, pair.left, pair.right, pair.disparity_left)
        assert metrics.local_wrap_seam_ratio(sr) < 2.0  # still seam-free at ±180°
        if method != "per_eye":
            assert 0 < info["disoccluded"] < 0.2
            np.testing.assert_array_equal(sl, vr.stylize_panorama(g, pair.left))
    assert ratios["warp"] <= 2 and ratios["warp_exact"] <= 2
    assert ratios["warp"] < ratios["per_eye"] and ratios["warp_exact"] < ratios["per_eye"]
    with pytest.raises(ValueError, match="must agree"):
        vr.stylize_stereo_panorama(g, pair.left, pair.right[:64, :128], pair.disparity_left)
    with pytest.raises(ValueError, match="stereo method"):
        vr.stylize_stereo_panorama(g, pair.left, pair.right, pair.disparity_left, method="blend")
