"""Style transfer where VR needs it: seam-free 360° panoramas and skyboxes, two eyes that agree,
a turning head, and a headset's frame budget. The geometry (and its conventions) is
:mod:`gvr_helpers.sphere`; the pages and skybox files a headset opens are :mod:`gvr_helpers.headset`.
"""
from __future__ import annotations

import time
import weakref

import numpy as np

from . import metrics
from .checks import integer
from .data import as_image as check_image
from .geometry import UnknownGeometry, translator_geometry
from .sphere import (FACE_ORDER, blend_faces, check_equirect, check_face_geometry, equirect_directions,
                     face_directions, render_faces, rotation_sampling_map, rotation_sequence)
from .transfer import DEFAULT_ALIGN, DEFAULT_TILE, apply_generator

METHODS = ("naive", "circular", "cubemap")


def sequence_flicker(frames, poses, fov: float) -> float:
    """Temporal warping error of a head-rotation sequence (see metrics.temporal_warping_error)."""
    frames = np.asarray(frames)
    maps = [rotation_sampling_map(poses[i], poses[i + 1], fov, frames.shape[1:3]) for i in range(len(frames) - 1)]
    return metrics.temporal_warping_error(frames, maps)


def head_motion(generator, panorama, yaws, pitch: float = 0.0, fov: float = 90.0, hw=(128, 128),
                stylized_panorama=None, **stylize_options) -> dict:
    """Stylize the world once (texture space) vs every frame on screen (screen space).

    Returns the two frame sequences and their flicker, plus the input's own flicker
    (what resampling alone costs) for scale.
    """
    pano = check_equirect(panorama)
    if stylized_panorama is None:
        stylized_panorama = stylize_panorama(generator, pano, method="circular", **stylize_options)
    poses = [(float(y), float(pitch)) for y in yaws]
    raw = rotation_sequence(pano, yaws, pitch, fov, hw)
    texture = rotation_sequence(stylized_panorama, yaws, pitch, fov, hw)
    screen = np.stack([apply_generator(generator, f, tile=None) for f in raw])
    return {
        "input": raw, "texture": texture, "screen": screen,
        "flicker_input": sequence_flicker(raw, poses, fov),
        "flicker_texture": sequence_flicker(texture, poses, fov),
        "flicker_screen": sequence_flicker(screen, poses, fov),
    }


def _stylized_faces(generator, pano, size, pad, **run):
    faces = render_faces(pano, size, pad)
    return {name: apply_generator(generator, face, **run) for name, face in faces.items()}


def cubemap_pad(generator, size: int = 256, align: int = DEFAULT_ALIGN) -> int:
    """The default overlap (px) of :func:`stylize_cubemap`'s faces: size/8, but at least the
    generator's receptive-field radius rounded up to ``align`` (:func:`circular_pad`), so that
    no pixel of a face's own 90° square sees the border of its widened face."""
    size, _ = check_face_geometry(size, 0)
    radius = _rounded_radius(generator, align, "cubemap_pad", "pad= (face_pad= for stylize_panorama)")
    return max(1, size // 8, radius)


def _face_pad(generator, size: int, pad, align: int, name: str = "pad") -> int:
    """The face pad to use: the default for ``None``; an explicit one checked against the
    generator's receptive-field radius (0, every face on its own, is always allowed)."""
    if pad is None:
        return cubemap_pad(generator, size, align)
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"{name} must be an integer >= 0 (or None for the default), got {pad!r}")
    pad = int(pad)
    if pad == 0:
        return 0
    try:
        geometry = translator_geometry(generator)
    except UnknownGeometry:  # a callable or a model we cannot read: trust the explicit pad
        return pad
    if pad < geometry.radius:
        raise ValueError(f"{name}={pad} is smaller than this generator's receptive-field radius: it needs "
                         f"{name} >= {geometry.radius} (the default, {name}=None, uses "
                         f"{cubemap_pad(generator, size, align)} for {size}-px faces); {name}=0 stylizes every "
                         "face on its own (seams at the cube's edges)")
    return pad


def stylize_cubemap(generator, panorama, size: int = 256, pad: int | None = None, **run) -> dict:
    """A stylized skybox: six faces rendered with ``pad`` px of overlap, stylized one by one,
    then blended on the sphere so that neighbouring faces agree along their shared edges.

    ``pad=None`` (default) is :func:`cubemap_pad`: size/8 or the generator's receptive-field
    radius rounded up to ``align`` (from ``run``), whichever is larger. An explicit pad
    smaller than the radius is refused (ValueError naming the radius), except ``pad=0``:
    the naive skybox (every face on its own, seams at the cube's edges). For a generator
    whose receptive field cannot be read (a plain callable, a layer :func:`circular_pad`
    does not know) pass ``pad`` explicitly."""
    pano = check_equirect(panorama)
    size, _ = check_face_geometry(size, 0)
    pad = _face_pad(generator, size, pad, run.get("align", DEFAULT_ALIGN))
    styled = _stylized_faces(generator, pano, size, pad, **run)
    return {name: blend_faces(styled, size, pad, face_directions(name, size)) for name in FACE_ORDER}


# ------------------------------------------------------------ seam-free panoramas
def circular_pad(generator, align: int = DEFAULT_ALIGN) -> int:
    """Columns of wrap-around padding that cover the generator's receptive-field radius
    (receptive field // 2 + 1), rounded up to a multiple of ``align`` and of its total stride.

    The receptive field and stride come from the layers, with the arithmetic of
    :func:`gvr_helpers.geometry.describe` (plus nested models and
    :class:`gvr_helpers.translators.InkOver`, which describe does not look into), so it works for
    every image translator the course builds: ``models.build_generator("resnet" | "unet")``,
    ``translators.residual_translator``, ``translators.ink_over_colours``, a Sequential of
    convolutions. A model with a layer whose reach is unknown (a Lambda, a custom layer), or a
    plain callable, is a ValueError: pass ``pad`` to :func:`stylize_panorama` yourself. A
    noise-to-image generator (``"mlp"``, ``"dcgan"``) or one that ends in Flatten/Dense is a
    ValueError too: no padding makes it seam-free.

    Normalisation over the image (instance norm, ``build_generator``'s default ``norm``) is not
    part of the receptive field: its statistics include the padded columns, which change with
    the yaw, so input-level padding is then close to, not exactly, yaw-equivariant (MSE ~1e-4
    for a ResNet); wrapping inside the model (:func:`with_padding`, ``pad=0``, one pass over
    the height) keeps it exact.
    """
    return _rounded_radius(generator, align, "circular_pad", "pad=")


def _rounded_radius(generator, align, what: str, hint: str) -> int:
    integer("align", align)
    try:
        geometry = translator_geometry(generator)
    except UnknownGeometry as err:
        raise ValueError(f"{what} cannot read the receptive field: {err}; pass {hint} explicitly "
                         "(at least the receptive-field radius in px)") from None
    step = int(np.lcm(int(align), geometry.stride))
    return -(-geometry.radius // step) * step


def _circular_pad_arg(generator, pad, align: int) -> int:
    """The pad to use for method="circular": the default for ``None``, an explicit one checked."""
    if pad is None:
        return circular_pad(generator, align)
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be an integer >= 0 (or None for vr.circular_pad(generator)), got {pad!r}")
    pad = int(pad)
    try:
        geometry = translator_geometry(generator)
    except UnknownGeometry:  # a callable or a model we cannot read: trust the explicit pad
        geometry = None
    call = "vr.circular_pad(generator)" if align == DEFAULT_ALIGN else f"vr.circular_pad(generator, align={align})"
    if pad == 0:
        if geometry is not None and geometry.wraps:
            raise ValueError(f"pad=0 relies on the generator wrapping around the width by itself, but "
                             f"{geometry.wraps}; rebuild it with vr.with_padding(generator, 'circular'), or leave "
                             f"pad=None (it needs pad >= {circular_pad(generator, align)}, {call})")
        return 0
    if geometry is not None and pad < geometry.radius:
        raise ValueError(f"pad={pad} is smaller than this generator's receptive-field radius: it needs pad >= "
                         f"{circular_pad(generator, align)} ({call}); leave pad=None to use it")
    if pad % align:
        raise ValueError(f"pad ({pad}) must be a multiple of align ({align}) to keep yaw equivariance")
    if geometry is not None and pad % geometry.stride:
        raise ValueError(f"pad ({pad}) must be a multiple of the generator's total stride ({geometry.stride}) "
                         f"to keep yaw equivariance; {call} = {circular_pad(generator, align)}")
    return pad


# ------------------------------------------------------------ seam-free panoramas at headset resolution
_COMPILED = weakref.WeakKeyDictionary()


def _forward(generator):
    """``batch -> generator(batch)`` as a NumPy array, for many calls on large images: a Keras model
    runs as one TensorFlow graph (``tf.function``, traced once for any size; half the CPU time of
    calling the model eagerly, whose every layer is a separate dispatch), anything else is called
    as it is."""
    if not hasattr(generator, "layers"):
        return lambda batch: np.asarray(generator(batch), dtype=np.float32)
    fn = _COMPILED.get(generator)
    if fn is None:
        import tensorflow as tf

        model = weakref.ref(generator)  # the cache must not keep the model alive
        graph = tf.function(lambda batch: model()(batch, training=False), reduce_retracing=True,
                            input_signature=[tf.TensorSpec((None, None, None, 3), tf.float32)])
        fn = _COMPILED[generator] = lambda batch: np.asarray(graph(batch), dtype=np.float32)
    return fn


def _band_rows(tile, h: int, width: int, align: int, margin: int) -> int:
    """Rows per band of :func:`_stylize_bands`: ``tile=(rows, None)`` says it; an int ``tile`` is a
    budget of four tile × tile tiles' pixels (1 M pixels for the default 512), cut in full-width
    rows, and at least 8 × ``margin`` rows, so that the context rows above and below cost at most a
    quarter more (at 4096×2048 with an 8-px margin: 248-row bands, 6 % more). Per pixel, a band
    costs the same whatever its size; only the context rows are extra work. A multiple of ``align``."""
    if isinstance(tile, (tuple, list)):
        if len(tile) != 2:
            raise ValueError(f"tile must be an int, a (height, width) pair or None, got {tile!r}")
        rows = tile[0] if tile[0] is not None else h
        budget = None
    else:
        rows, budget = None, tile
    if budget is not None:
        if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < align:
            raise ValueError(f"tile must be a positive multiple of align={align}, got {tile!r}")
        rows = max(4 * int(budget) * int(budget) // max(width, 1), 8 * margin)
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 1:
        raise ValueError(f"tile must be an int, a (height, width) pair or None, got {tile!r}")
    return max(align, int(rows) // align * align)


def _stylize_bands(generator, pano, pad: int, rows: int, align: int) -> np.ndarray:
    """Circular stylization in full-width bands of ``rows`` rows: each band is wrapped by ``pad``
    columns on each side and widened by ``pad`` rows of context above and below (``pad`` covers
    the receptive-field radius and is a multiple of ``align`` and of the total stride, so it is
    as much context as the columns need), stylized in one pass, and cropped back. A kept pixel
    then sees exactly what it sees in one pass over the whole panorama: there is nothing to
    cross-fade, and memory is bounded by one band (plus the input and the output)."""
    h, w = pano.shape[:2]
    forward = _forward(generator)
    columns = np.arange(-pad, w + pad) % w
    out = np.empty((h, w, 3), np.float32)
    for y0 in range(0, h, rows):
        y1 = min(h, y0 + rows)
        top, bottom = max(0, y0 - pad), min(h, y1 + pad)
        band = pano[top:bottom][:, columns]
        extra = (-band.shape[0]) % align  # only the last band can be short of a multiple of align
        if extra:
            band = np.pad(band, ((0, extra), (0, 0), (0, 0)), mode="reflect" if band.shape[0] > extra else "edge")
        extra_w = (-band.shape[1]) % align
        if extra_w:
            band = np.pad(band, ((0, 0), (0, extra_w), (0, 0)), mode="reflect" if band.shape[1] > extra_w else "edge")
        styled = forward(band[None])
        if styled.shape != (1,) + band.shape:
            raise ValueError(f"the generator must keep the image shape: {(1,) + band.shape} in, {styled.shape} out "
                             "(is it fully convolutional with 'same' padding?)")
        out[y0:y1] = np.clip(styled[0, y0 - top:y1 - top, pad:pad + w], 0.0, 1.0)
    return out


def stylize_panorama(generator, panorama, method: str = "circular", pad: int | None = None,
                     face_size: int | None = None, face_pad: int | None = None,
                     tile: int | None = DEFAULT_TILE, overlap: int | None = None,
                     align: int = DEFAULT_ALIGN) -> np.ndarray:
    """Stylize a 360° panorama.

    * ``naive``: as a flat picture; the left and right edges are stylized without
      knowing they touch, so a seam appears where the panorama wraps around.
    * ``circular``: the panorama is padded circularly along the longitude by ``pad``
      columns, stylized, and cropped. Works with any fully convolutional generator
      and commutes with yaw rotations by multiples of its total stride. ``pad=None``
      (default) is :func:`circular_pad` (the receptive-field radius rounded up to ``align``
      and the stride); an explicit ``pad`` below the radius, or not a multiple of ``align``
      and of the stride, is a ValueError that names the value needed. A generator whose
      receptive field cannot be read (a plain callable, an unknown layer) needs an explicit
      ``pad``, taken as given. ``pad`` may exceed the width (the panorama wraps more than once).
      ``pad=0`` means "the model wraps by itself" and is accepted only for a generator
      whose every border wraps around the width (built with circular padding inside,
      :func:`with_padding`, or with no spatial padding at all); then tiles span the full
      width (a tile narrower than the panorama would wrap onto itself). For such a model
      ``pad=0`` and the default give the same result, unless it normalises over the image
      (instance norm), where only ``pad=0`` is exactly equivariant (see :func:`circular_pad`).
    * ``cubemap``: six faces with overlapping borders (``face_pad`` px; default
      :func:`cubemap_pad`: size/8, at least the receptive-field radius rounded up to
      ``align``; an explicit one below the radius is refused, 0 = independent faces),
      stylized one by one, blended on the sphere and resampled to the panorama.

    Large panoramas are stylized in pieces, so memory stays bounded. ``naive`` and ``cubemap``
    use square tiles (``tile``, cross-faded over ``overlap``). ``circular`` with ``pad > 0`` uses
    full-width bands of rows (:func:`_stylize_bands`): ``tile=(rows, None)`` sets their height,
    an int ``tile`` a pixel budget (four tile² tiles per band); each band gets ``pad`` rows of
    context above and below, which is all the receptive field needs, so the bands are cropped,
    not cross-faded (``overlap`` is not used) and agree with one pass over the whole panorama.
    A Keras generator then runs as one TensorFlow graph (about half the CPU time of eager
    calls): the course's shipped translator ``toon_fast`` needs about 5 CPU-seconds for
    4096×2048 (``benchmarks/vr_headset.py`` measures it). ``tile=None`` is one pass over the
    whole panorama.
    """
    pano = check_equirect(panorama)
    run = dict(tile=tile, overlap=overlap, align=align)
    h, w = pano.shape[:2]
    if method == "naive":
        return apply_generator(generator, pano, **run)
    if method == "circular":
        pad = _circular_pad_arg(generator, pad, align)
        if pad == 0:  # the model wraps by itself: every pass must see the full width
            return apply_generator(generator, pano, **{**run, "tile": None if tile is None else (tile, None)})
        if tile is None or _band_rows(tile, h, w + 2 * pad, align, pad) >= h:  # one pass
            wrapped = pano[:, np.arange(-pad, w + pad) % w]
            return apply_generator(generator, wrapped, **{**run, "tile": None})[:, pad:pad + w]
        return _stylize_bands(generator, pano, pad, _band_rows(tile, h, w + 2 * pad, align, pad), align)
    if method == "cubemap":
        size = int(face_size or max(align, (w // 4) // align * align))
        fpad = _face_pad(generator, size, face_pad, align, name="face_pad")
        styled = _stylized_faces(generator, pano, size, fpad, **run)
        return blend_faces(styled, size, fpad, equirect_directions(h, w))
    raise ValueError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")


def stylize_stereo_panorama(generator, left, right, disparity_left, disparity_right=None,
                            method: str = "warp", **options):
    """Stylize a 360° stereo pair (one equirect panorama per eye, e.g. :func:`world.stereo_panorama`)
    seam-free and consistently between the eyes: the course's stereo method
    (:func:`stylize_stereo`) on the cylinder.

    Both eyes are stylized with ``stylize_panorama(method="circular", **options)``. ``warp``
    (default) then carries the left eye's strokes to the right eye along the disparity (left
    pixel x sees right pixel x − d, columns wrapping around at ±180°), and keeps the right
    eye's own stylization only where it sees what the left eye does not. With the right eye's
    own exact disparity (``disparity_right``: right pixel x sees left pixel x + d), a right
    pixel takes the left's strokes where the two disparities agree (within half a pixel);
    without it, the left disparity is forward-splatted (:func:`right_view_disparity`).
    ``per_eye``: each eye on its own. Returns ``(left_stylized, right_stylized, info)`` with
    ``info["disoccluded"]``, the share of right pixels that kept their own stylization."""
    left, right = check_equirect(left, "left"), check_equirect(right, "right")
    d = np.asarray(disparity_left, dtype=np.float64)
    if left.shape != right.shape or d.shape != left.shape[:2]:
        raise ValueError(f"left {left.shape}, right {right.shape} and disparity {d.shape} must agree in H×W")
    if method not in ("warp", "per_eye"):
        raise ValueError(f"unknown stereo method {method!r}; choose 'per_eye' or 'warp'")
    sl = stylize_panorama(generator, left, method="circular", **options)
    sr = stylize_panorama(generator, right, method="circular", **options)
    if method == "per_eye":
        return sl, sr, {"disoccluded": 1.0}
    h, w = d.shape
    finite = np.isfinite(d)
    margin = int(min(w, np.ceil(np.max(np.abs(d[finite]), initial=0.0)) + 2))
    columns = np.arange(-margin, w + margin) % w  # the cylinder, unrolled with a margin on each side
    if disparity_right is None:
        dr = right_view_disparity(d[:, columns])
    else:
        dr = np.asarray(disparity_right, dtype=np.float64)
        if dr.shape != d.shape:
            raise ValueError(f"disparity_right {dr.shape} must be H×W like disparity_left {d.shape}")
        dr = dr[:, columns].copy()
        x = np.arange(dr.shape[1])[None, :] + np.nan_to_num(dr, nan=0.0, posinf=0.0, neginf=0.0)
        back = np.take_along_axis(d[:, columns], np.clip(np.round(x).astype(int), 0, dr.shape[1] - 1), axis=1)
        dr[~(np.abs(back - dr) <= 0.5)] = np.nan  # the left eye sees something else there: disoccluded
    warped, valid = metrics.warp_horizontal(sl[:, columns], dr)
    warped, valid = warped[:, margin:margin + w], valid[:, margin:margin + w]
    out = np.where(valid[..., None], warped, sr).astype(np.float32)
    return sl, out, {"disoccluded": float(1 - valid.mean())}


# ------------------------------------------------------------ stereo
def right_view_disparity(disparity_left):
    """Disparity seen from the right eye, by forward-warping the left one.

    Left pixel x lands on right pixel x − d; where several land on one pixel the
    nearest (largest d) wins. Right pixels nothing lands on (disoccluded: only the
    right eye sees them) are NaN.
    """
    d = np.asarray(disparity_left, dtype=np.float64)
    if d.ndim != 2:
        raise ValueError(f"disparity must be H×W, got shape {d.shape}")
    out, _, _ = metrics.forward_splat_disparity(d)
    out[~np.isfinite(out)] = np.nan
    return out


def stylize_stereo(generator, left, right, disparity_left, method: str = "warp", **run):
    """Stylize a stereo pair so that both eyes see the same strokes.

    * ``per_eye``: each eye on its own (strokes differ between the eyes: rivalry).
    * ``warp``: stylize the left view, carry it to the right view along the disparity,
      and use the right eye's own stylization only where the right eye sees something
      the left one does not (disocclusions).

    Returns ``(left_stylized, right_stylized, info)``; ``info["disoccluded"]`` is the
    fraction of right-view pixels that needed their own stylization.
    """
    left, right = check_image(left, "left"), check_image(right, "right")
    d = np.asarray(disparity_left, dtype=np.float64)
    if left.shape != right.shape or d.shape != left.shape[:2]:
        raise ValueError(f"left {left.shape}, right {right.shape} and disparity {d.shape} must agree in H×W")
    sl = apply_generator(generator, left, **run)
    sr = apply_generator(generator, right, **run)
    if method == "per_eye":
        return sl, sr, {"disoccluded": 1.0}
    if method != "warp":
        raise ValueError(f"unknown stereo method {method!r}; choose 'per_eye' or 'warp'")
    dr = right_view_disparity(d)
    warped, valid = metrics.warp_horizontal(sl, dr)
    out = np.where(valid[..., None], warped, sr).astype(np.float32)
    return sl, out, {"disoccluded": float(1 - valid.mean())}


def stereo_consistency_ratio(left_out, right_out, left_in, right_in, disparity_left) -> float:
    """Disparity-warp error of the stylized pair divided by that of the input pair (1 = as
    consistent as the photographs themselves)."""
    return (metrics.stereo_warp_error(left_out, right_out, disparity_left)
            / max(metrics.stereo_warp_error(left_in, right_in, disparity_left), 1e-12))


# ------------------------------------------------------------ frame budget
REFRESH_RATES = (72, 90, 120)
QUEST_EYE = (1920, 1832)  # height × width per eye, a Quest-2-class headset


def measure_macs_per_second(generator, panorama, macs_per_pixel: float, repeats: int = 1, **options) -> dict:
    """Time one ``stylize_panorama(..., method='circular')`` and convert it to a MAC rate."""
    pano = check_equirect(panorama)
    best = np.inf
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        stylize_panorama(generator, pano, method="circular", **options)
        best = min(best, time.perf_counter() - start)
    pixels = pano.shape[0] * pano.shape[1]
    return {"seconds": float(best), "pixels": pixels, "macs_per_second": macs_per_pixel * pixels / best}


def frame_budget(macs_per_pixel: float, macs_per_second: float, eye_hw=QUEST_EYE, rates=REFRESH_RATES,
                 panorama_hw=(1024, 2048)) -> list[dict]:
    """What each approach costs a frame, and whether it fits the refresh rate's budget.

    ``screen space`` stylizes both eyes' frames every frame; ``texture space`` stylizes
    the panorama once (a one-off cost, then rendering is a texture look-up). Costs come
    from the generator's multiply-accumulates per output pixel; times from a measured
    MAC rate (``macs_per_second``, e.g. from :func:`measure_macs_per_second`).
    """
    if macs_per_pixel <= 0 or macs_per_second <= 0:
        raise ValueError("macs_per_pixel and macs_per_second must be positive")
    eye_pixels = eye_hw[0] * eye_hw[1]
    pano_pixels = panorama_hw[0] * panorama_hw[1]
    rows = []
    for hz in rates:
        budget_ms = 1000.0 / hz
        screen_gmacs = 2 * eye_pixels * macs_per_pixel / 1e9
        screen_ms = screen_gmacs * 1e9 / macs_per_second * 1000
        rows.append({
            "hz": hz, "budget_ms": budget_ms,
            "screen_gmacs_per_frame": screen_gmacs, "screen_ms_per_frame": screen_ms,
            "screen_fits": bool(screen_ms <= budget_ms),
            "screen_speedup_needed": screen_ms / budget_ms,
            "screen_tmacs_per_second": screen_gmacs * hz / 1e3,
            "texture_gmacs_once": pano_pixels * macs_per_pixel / 1e9,
            "texture_ms_once": pano_pixels * macs_per_pixel / macs_per_second * 1000,
            "texture_ms_per_frame": 0.0,
        })
    return rows


# ------------------------------------------------------------ padding of a trained translator
def with_padding(generator, padding: str = "circular"):
    """The same trained translator rebuilt with another padding mode (weights copied):
    padding="circular" makes every layer wrap along the width, so the network itself
    treats the panorama as a cylinder."""
    import keras

    if padding not in ("zero", "reflect", "circular"):
        raise ValueError(f"padding must be 'zero', 'reflect' or 'circular', got {padding!r}")

    def swap(node):
        if isinstance(node, dict):
            if node.get("class_name") == "Pad2D":
                node["config"]["mode"] = padding
            for value in node.values():
                swap(value)
        elif isinstance(node, list):
            for value in node:
                swap(value)

    config = generator.get_config()
    swap(config)
    rebuilt = keras.Model.from_config(config)
    rebuilt.set_weights(generator.get_weights())
    return rebuilt
