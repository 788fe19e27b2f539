"""Style transfer where VR needs it: 360° panoramas, skyboxes, two eyes, a turning head.

Conventions (the same in the viewer, the skybox manifest and the notebooks):

* An **equirectangular** panorama is H×W×3 (W = 2H). Column x is longitude
  ``lon = (x + 0.5) / W · 360° − 180°`` (the centre column is straight ahead,
  longitude grows to the right), row y is latitude ``lat = 90° − (y + 0.5) / H · 180°``
  (top row = zenith). This is py360convert's convention.
* **World axes** are three.js's: +Y up, the viewer looks along −Z at yaw 0, +X is
  to the right. A direction is ``(cos lat sin lon, sin lat, −cos lat cos lon)``.
* A **head pose** is (yaw, pitch, fov) in degrees: yaw > 0 turns right, pitch > 0
  looks up, fov is the vertical = horizontal field of view of a square view.
* **Cube faces** are named px, nx, py, ny, pz, nz after the axis they face (the
  order three.js's CubeTextureLoader takes). Each face is the view from the cube's
  centre along that axis: side faces upright; py is what you see tilting your head
  up from the front (front at the image's bottom), ny tilting down (front at the
  top). py360convert names them R, L, U, D, B, F. :data:`FACES` gives every face's
  forward/right/up axes and the skybox manifest repeats them.
"""
from __future__ import annotations

import base64
import io
import json
import time
import weakref
from pathlib import Path

import numpy as np

from . import metrics
from .models import UnknownGeometry, translator_geometry
from .data import atomic_write
from .transfer import DEFAULT_ALIGN, DEFAULT_TILE, apply_generator, check_image

# name -> (forward, right, up) unit axes in world coordinates
FACES = {
    "px": ((1, 0, 0), (0, 0, 1), (0, 1, 0)),
    "nx": ((-1, 0, 0), (0, 0, -1), (0, 1, 0)),
    "py": ((0, 1, 0), (1, 0, 0), (0, 0, 1)),
    "ny": ((0, -1, 0), (1, 0, 0), (0, 0, -1)),
    "pz": ((0, 0, 1), (-1, 0, 0), (0, 1, 0)),
    "nz": ((0, 0, -1), (1, 0, 0), (0, 1, 0)),
}
FACE_ORDER = tuple(FACES)
PY360_NAMES = {"F": "nz", "R": "px", "B": "pz", "L": "nx", "U": "py", "D": "ny"}
METHODS = ("naive", "circular", "cubemap")


def _axes(name):
    return tuple(np.asarray(a, dtype=np.float64) for a in FACES[name])


def check_equirect(panorama, name: str = "panorama") -> np.ndarray:
    """An H×W×3 image in [0, 1] with W = 2H, or a ValueError that says what is wrong."""
    image = check_image(panorama, name)
    h, w = image.shape[:2]
    if w != 2 * h:
        raise ValueError(f"{name} must be equirectangular (width = 2 × height), got {h}×{w}")
    return image


# ------------------------------------------------------------ sphere geometry
def lonlat_to_direction(lon, lat):
    """Unit directions (…×3) from longitude/latitude in radians."""
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return np.stack([np.cos(lat) * np.sin(lon), np.sin(lat), -np.cos(lat) * np.cos(lon)], axis=-1)


def direction_to_lonlat(d):
    d = np.asarray(d, dtype=np.float64)
    d = d / np.linalg.norm(d, axis=-1, keepdims=True)
    return np.arctan2(d[..., 0], -d[..., 2]), np.arcsin(np.clip(d[..., 1], -1, 1))


def equirect_directions(h: int, w: int):
    """The direction of every pixel centre of an h×w panorama."""
    lon = (np.arange(w) + 0.5) / w * 2 * np.pi - np.pi
    lat = np.pi / 2 - (np.arange(h) + 0.5) / h * np.pi
    return lonlat_to_direction(lon[None, :], lat[:, None])


def sample_equirect(panorama, directions):
    """Bilinear look-up of a panorama in given directions, wrapping at ±180° longitude."""
    pano = np.asarray(panorama, dtype=np.float32)
    h, w = pano.shape[:2]
    lon, lat = direction_to_lonlat(directions)
    x = (lon + np.pi) / (2 * np.pi) * w - 0.5
    y = np.clip((np.pi / 2 - lat) / np.pi * h - 0.5, 0, h - 1)
    x0, y0 = np.floor(x).astype(int), np.minimum(np.floor(y).astype(int), h - 2)
    tx, ty = (x - x0)[..., None], (y - y0)[..., None]
    xa, xb = x0 % w, (x0 + 1) % w
    top = (1 - tx) * pano[y0, xa] + tx * pano[y0, xb]
    bottom = (1 - tx) * pano[y0 + 1, xa] + tx * pano[y0 + 1, xb]
    return ((1 - ty) * top + ty * bottom).astype(np.float32)


# ------------------------------------------------------------ head poses and perspective views
def _rotate(d, yaw_deg, pitch_deg):
    """Camera -> world: pitch about X (up positive), then yaw about Y (right positive)."""
    p, t = np.deg2rad(pitch_deg), np.deg2rad(yaw_deg)
    x, y, z = d[..., 0], d[..., 1], d[..., 2]
    y, z = y * np.cos(p) - z * np.sin(p), y * np.sin(p) + z * np.cos(p)
    x, z = x * np.cos(t) - z * np.sin(t), x * np.sin(t) + z * np.cos(t)
    return np.stack([x, y, z], axis=-1)


def _unrotate(d, yaw_deg, pitch_deg):
    p, t = np.deg2rad(pitch_deg), np.deg2rad(yaw_deg)
    x, y, z = d[..., 0], d[..., 1], d[..., 2]
    x, z = x * np.cos(t) + z * np.sin(t), -x * np.sin(t) + z * np.cos(t)
    y, z = y * np.cos(p) + z * np.sin(p), -y * np.sin(p) + z * np.cos(p)
    return np.stack([x, y, z], axis=-1)


def _tan_grid(fov_deg, hw):
    """py360convert's pinhole grid: the outermost pixel centres sit at ±tan(fov/2)."""
    t = np.tan(np.deg2rad(fov_deg) / 2)
    h, w = hw
    return np.linspace(-t, t, w), np.linspace(t, -t, h), t


def perspective_directions(yaw: float, pitch: float, fov: float, hw=(256, 256)):
    """World directions of the pixels of a pinhole view at a head pose."""
    a, b, _ = _tan_grid(fov, hw)
    cam = np.stack(np.broadcast_arrays(a[None, :], b[:, None], -np.ones((1, 1))), axis=-1)
    cam = cam / np.linalg.norm(cam, axis=-1, keepdims=True)
    return _rotate(cam, yaw, pitch)


def perspective(panorama, yaw: float = 0.0, pitch: float = 0.0, fov: float = 90.0, hw=(256, 256)):
    """What a head at pose (yaw, pitch) with field of view ``fov`` sees (py360convert.e2p)."""
    import py360convert

    pano = check_image(panorama, "panorama")
    if not 0 < fov < 180:
        raise ValueError(f"fov must be between 0 and 180 degrees, got {fov}")
    view = py360convert.e2p(pano, fov_deg=float(fov), u_deg=float(yaw), v_deg=float(pitch),
                            out_hw=tuple(int(v) for v in hw))
    return np.clip(view, 0, 1).astype(np.float32)


def rotation_sequence(panorama, yaws, pitch: float = 0.0, fov: float = 90.0, hw=(128, 128)):
    """Frames a turning head sees: one perspective view per yaw (degrees)."""
    return np.stack([perspective(panorama, y, pitch, fov, hw) for y in yaws])


def rotation_sampling_map(pose_from, pose_to, fov: float, hw):
    """Where each pixel of the view at ``pose_to`` = (yaw, pitch) lies in the view at ``pose_from``.

    Pure head rotation moves pixels by a known homography; this is the optical flow
    that a temporal warping error needs. Returns ``(rows, cols, valid)``.
    """
    d = perspective_directions(pose_to[0], pose_to[1], fov, hw)
    cam = _unrotate(d, pose_from[0], pose_from[1])
    a_max = np.tan(np.deg2rad(fov) / 2)
    depth = -cam[..., 2]
    front = depth > 1e-6
    a = np.where(front, cam[..., 0] / np.where(front, depth, 1), np.inf)
    b = np.where(front, cam[..., 1] / np.where(front, depth, 1), np.inf)
    h, w = hw
    cols = (a + a_max) / (2 * a_max) * (w - 1)
    rows = (a_max - b) / (2 * a_max) * (h - 1)
    valid = front & (cols >= 0) & (cols <= w - 1) & (rows >= 0) & (rows <= h - 1)
    return rows, cols, valid


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


# ------------------------------------------------------------ cubemaps
def face_directions(name: str, size: int, pad: int = 0):
    """Directions of the pixel centres of face ``name`` (size×size), widened by ``pad``
    pixels on every side: a face with overlapping borders sees past the cube's edges."""
    if name not in FACES:
        raise ValueError(f"unknown face {name!r}; faces are {', '.join(FACE_ORDER)}")
    f, r, u = _axes(name)
    t = (2 * (np.arange(size + 2 * pad) - pad + 0.5) / size) - 1
    d = f + t[None, :, None] * r - t[:, None, None] * u
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def render_faces(panorama, size: int, pad: int = 0) -> dict:
    """The six faces (each (size+2·pad)² px) sampled from a panorama."""
    pano = check_equirect(panorama)
    return {name: sample_equirect(pano, face_directions(name, size, pad)) for name in FACE_ORDER}


def equirect_to_cubemap(panorama, size: int) -> dict:
    """Six size×size faces named px…nz (py360convert.e2c, renamed to the documented convention)."""
    import py360convert

    pano = check_equirect(panorama)
    faces = py360convert.e2c(pano, face_w=int(size), cube_format="dict")
    # Checked in tests/test_vr.py: py360convert's faces are already views from the centre
    # in this module's orientation, so renaming is all it takes.
    out = {PY360_NAMES[k]: np.clip(v, 0, 1).astype(np.float32) for k, v in faces.items()}
    return {name: out[name] for name in FACE_ORDER}


def cubemap_to_equirect(faces: dict, h: int, w: int | None = None) -> np.ndarray:
    """Back to a panorama (py360convert.c2e)."""
    import py360convert

    _check_faces(faces)
    py = {k: np.asarray(faces[v], dtype=np.float32) for k, v in PY360_NAMES.items()}
    return np.clip(py360convert.c2e(py, int(h), int(w or 2 * h), cube_format="dict"), 0, 1).astype(np.float32)


def _check_faces(faces: dict) -> int:
    missing = [n for n in FACE_ORDER if n not in faces]
    if missing:
        raise ValueError(f"a cubemap needs the faces {', '.join(FACE_ORDER)}; missing {', '.join(missing)}")
    shapes = {np.asarray(faces[n]).shape for n in FACE_ORDER}
    if len(shapes) != 1:
        raise ValueError(f"all faces must have one shape, got {sorted(shapes)}")
    shape = shapes.pop()
    if len(shape) != 3 or shape[0] != shape[1] or shape[2] != 3:
        raise ValueError(f"faces must be square N×N×3 images, got {shape}")
    return shape[0]


def blend_faces(faces: dict, size: int, pad: int, directions) -> np.ndarray:
    """Colours in ``directions`` from six (possibly widened) faces, cross-faded on the sphere.

    Each face is trusted fully inside its own 90° square and fades to zero at the
    edge of its widened border, so where two faces overlap their colours blend
    smoothly (Ruder et al., IJCV 2018). With ``pad=0`` every direction takes its one face.

    ``faces`` must be what :func:`render_faces` (or a generator run on its faces) gives for
    the same ``size`` and ``pad``: six (size+2·pad)² images. Any ``pad >= 0`` is valid
    geometry (a widened face is still a pinhole view, only more stretched at its borders,
    where its weight is small), so ``pad`` may exceed ``size``: a generator with a wide
    receptive field on small faces needs that.
    """
    size, pad = _check_face_geometry(size, pad)
    _check_widened_faces(faces, size, pad)
    d = np.asarray(directions, dtype=np.float64)
    total = np.zeros(d.shape[:-1] + (3,))
    weight = np.zeros(d.shape[:-1] + (1,))
    reach = 1 + 2 * pad / size
    for name in FACE_ORDER:
        f, r, u = _axes(name)
        depth = d @ f
        front = depth > 1e-9
        safe = np.where(front, depth, 1)
        a, b = (d @ r) / safe, -(d @ u) / safe
        m = np.maximum(np.abs(a), np.abs(b))
        if pad > 0:
            s = np.clip((reach - m) / (reach - 1), 0, 1)
            w = np.where(front, s * s * (3 - 2 * s), 0)  # smoothstep
        else:
            w = (front & (m <= 1 + 1e-9)).astype(np.float64)
        cols = np.clip((a + 1) * size / 2 - 0.5 + pad, 0, size + 2 * pad - 1)
        rows = np.clip((b + 1) * size / 2 - 0.5 + pad, 0, size + 2 * pad - 1)
        total += w[..., None] * _bilinear(np.asarray(faces[name], np.float32), rows, cols)
        weight += w[..., None]
    return (total / np.maximum(weight, 1e-12)).astype(np.float32)


def _bilinear(img, rows, cols):
    h, w = img.shape[:2]
    r0 = np.clip(np.floor(rows).astype(int), 0, h - 2)
    c0 = np.clip(np.floor(cols).astype(int), 0, w - 2)
    tr, tc = (rows - r0)[..., None], (cols - c0)[..., None]
    top = (1 - tc) * img[r0, c0] + tc * img[r0, c0 + 1]
    bottom = (1 - tc) * img[r0 + 1, c0] + tc * img[r0 + 1, c0 + 1]
    return (1 - tr) * top + tr * bottom


def _check_face_geometry(size, pad):
    for label, value, least in (("face size", size, 1), ("face pad", pad, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"{label} must be an integer >= {least}, got {value!r}")
    return int(size), int(pad)


def _check_widened_faces(faces: dict, size: int, pad: int):
    missing = [n for n in FACE_ORDER if n not in faces]
    if missing:
        raise ValueError(f"a cubemap needs the faces {', '.join(FACE_ORDER)}; missing {', '.join(missing)}")
    side = size + 2 * pad
    for name in FACE_ORDER:
        shape = np.shape(faces[name])
        if tuple(shape) != (side, side, 3):
            raise ValueError(f"face {name} is {'×'.join(map(str, shape))}, but size={size} with pad={pad} needs "
                             f"{side}×{side}×3 faces (render_faces(panorama, {size}, {pad}) renders them)")


def _stylized_faces(generator, pano, size, pad, **run):
    faces = render_faces(pano, size, pad)
    return {name: apply_generator(generator, face, **run) for name, face in faces.items()}


def cubemap_pad(generator, size: int = 256, align: int = DEFAULT_ALIGN) -> int:
    """The default overlap (px) of :func:`stylize_cubemap`'s faces: size/8, but at least the
    generator's receptive-field radius rounded up to ``align`` (:func:`circular_pad`), so that
    no pixel of a face's own 90° square sees the border of its widened face."""
    size, _ = _check_face_geometry(size, 0)
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
    size, _ = _check_face_geometry(size, 0)
    pad = _face_pad(generator, size, pad, run.get("align", DEFAULT_ALIGN))
    styled = _stylized_faces(generator, pano, size, pad, **run)
    return {name: blend_faces(styled, size, pad, face_directions(name, size)) for name in FACE_ORDER}


# ------------------------------------------------------------ seam-free panoramas
def circular_pad(generator, align: int = DEFAULT_ALIGN) -> int:
    """Columns of wrap-around padding that cover the generator's receptive-field radius
    (receptive field // 2 + 1), rounded up to a multiple of ``align`` and of its total stride.

    The receptive field and stride come from the layers, with the arithmetic of
    :func:`gvr_helpers.models.describe` (plus nested models and
    :class:`gvr_helpers.unpaired.InkOver`, which describe does not look into), so it works for
    every image translator the course builds: ``models.build_generator("resnet" | "unet")``,
    ``unpaired.residual_translator``, ``unpaired.ink_over_colours``, a Sequential of
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
    if isinstance(align, bool) or not isinstance(align, (int, np.integer)) or align < 1:
        raise ValueError(f"align must be an integer >= 1, got {align!r}")
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


# ------------------------------------------------------------ skybox export
def _write_bytes_atomic(path: Path, data: bytes):
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def _encode(image, fmt="png", quality=92, subsampling=None) -> bytes:
    """PNG or JPEG bytes; ``subsampling=0`` keeps JPEG's colour at full resolution (4:4:4)."""
    from PIL import Image

    arr = (np.clip(np.asarray(image), 0, 1) * 255 + 0.5).astype(np.uint8)
    buf = io.BytesIO()
    if fmt == "png":
        Image.fromarray(arr).save(buf, format="PNG")
    elif fmt == "jpeg":
        options = {} if subsampling is None else {"subsampling": subsampling}
        Image.fromarray(arr).save(buf, format="JPEG", quality=quality, **options)
    else:
        raise ValueError(f"image format must be 'png' or 'jpeg', got {fmt!r}")
    return buf.getvalue()


def export_skybox(faces: dict, folder, name: str = "skybox") -> Path:
    """Write px.png … nz.png and ``manifest.json`` (face order, axes, convention) into ``folder``.

    Returns the manifest's path. Files are written atomically.
    """
    size = _check_faces(faces)
    folder = Path(folder)
    files = {}
    for face in FACE_ORDER:
        check_image(faces[face], f"face {face}")
        _write_bytes_atomic(folder / f"{face}.png", _encode(faces[face]))
        files[face] = f"{face}.png"
    manifest = {
        "name": name,
        "format": "cubemap",
        "face_size": int(size),
        "order": list(FACE_ORDER),
        "files": files,
        "axes": {f: {"forward": list(a[0]), "right": list(a[1]), "up": list(a[2])} for f, a in FACES.items()},
        "convention": ("world axes +Y up, front -Z, right +X (three.js); each face is the view from the cube's "
                       "centre along 'forward' with image columns along 'right' and rows downwards along -'up'; "
                       "py360convert names: " + ", ".join(f"{v}={k}" for k, v in PY360_NAMES.items())),
    }
    path = folder / "manifest.json"
    _write_bytes_atomic(path, (json.dumps(manifest, indent=2) + "\n").encode())
    return path


def load_skybox(folder) -> dict:
    """Read a skybox written by :func:`export_skybox` (checks the manifest).

    A missing folder or manifest.json is a FileNotFoundError; a manifest that is not JSON, lacks
    ``order`` or ``files``, lists a face file that is missing or not an image, or whose faces are
    not ``face_size``×``face_size``, is a ValueError that names the manifest and the problem."""
    from PIL import Image

    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not folder.is_dir():
        raise FileNotFoundError(f"no skybox folder {folder} (export_skybox(faces, folder) writes one)")
    if not manifest_path.is_file():
        raise FileNotFoundError(f"no manifest.json in {folder}: a skybox folder holds the six faces and the "
                                "manifest.json that export_skybox writes")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError as err:  # not UTF-8 text, or not JSON
        raise ValueError(f"{manifest_path} is not valid JSON ({err})") from None
    if not isinstance(manifest, dict):
        raise ValueError(f"{manifest_path} must hold a JSON object, got a {type(manifest).__name__}")
    for key in ("order", "files"):
        if key not in manifest:
            raise ValueError(f"{manifest_path} has no key {key!r} (export_skybox writes it)")
    if manifest["order"] != list(FACE_ORDER):
        raise ValueError(f"{manifest_path}: unexpected face order {manifest['order']}; expected {list(FACE_ORDER)}")
    files = manifest["files"]
    unnamed = [f for f in FACE_ORDER if not isinstance(files, dict) or not isinstance(files.get(f), str)]
    if unnamed:
        raise ValueError(f"{manifest_path}: 'files' must name the file of every face; none for {', '.join(unnamed)}")
    size = manifest.get("face_size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise ValueError(f"{manifest_path}: face_size must be a positive integer, got {size!r}")
    faces = {}
    for face in FACE_ORDER:
        path = folder / files[face]
        if not path.is_file():
            raise ValueError(f"{manifest_path} lists {files[face]!r} for face {face}, but {path} does not exist")
        try:
            with Image.open(path) as im:
                faces[face] = np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0
        except OSError as err:  # PIL's UnidentifiedImageError is an OSError
            raise ValueError(f"{manifest_path}: face {face}'s file {path} is not a readable image ({err})") from None
        side = size if size is not None else faces[FACE_ORDER[0]].shape[0]
        h, w = faces[face].shape[:2]
        if (h, w) != (side, side):
            what = f"face_size {side}" if size is not None else f"the size of face {FACE_ORDER[0]}"
            raise ValueError(f"{manifest_path}: face {face} ({path.name}) is {h}×{w}, expected {side}×{side} ({what})")
    _check_faces(faces)
    return faces


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


# ------------------------------------------------------------ viewer
# The page is written here, with no library: a WebGL fragment shader looks up the equirect
# texture for every screen pixel (no sphere mesh, so no tessellation blur), and WebXR, where
# the browser has it, renders each eye with its own projection and, for a stereo pair, its
# own panorama. It needs no network and opens from file://.
VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
VIEWER_KEY_STEP = 5.0          # degrees per arrow-key press
VIEWER_ZOOM_STEP = 1.1         # fov factor per +/- press
VIEWER_FOV_RANGE = (20.0, 110.0)  # vertical field of view, degrees

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html,body{{margin:0;height:100%;overflow:hidden;background:#000;font-family:sans-serif}}
#view{{position:absolute;left:0;top:0;width:100%;height:100%;display:block;touch-action:none;cursor:grab;outline:none}}
#help{{position:absolute;top:8px;left:8px;right:8px;color:#fff;font-size:13px;pointer-events:none}}
#help span{{background:rgba(0,0,0,.5);padding:4px 8px;border-radius:4px;line-height:1.9}}
#bar{{position:absolute;left:0;right:0;bottom:12px;text-align:center}}
#bar button{{font:13px sans-serif;margin:0 4px;padding:6px 12px;color:#fff;background:rgba(0,0,0,.6);
border:1px solid #fff;border-radius:4px;cursor:pointer}}
#bar button:disabled{{opacity:.5;cursor:default}}
#msg{{position:absolute;top:40%;left:10%;right:10%;color:#f88;text-align:center;font-size:15px}}
body.clean #help,body.clean #bar{{display:none}}
</style>
</head><body>
<canvas id="view" tabindex="0"></canvas>
<div id="help"><span>{title} — drag, swipe or arrow keys to look around; wheel, pinch or +/− to zoom{hints};
h hides this</span></div>
<div id="bar"><button id="toggle" hidden>Show original (t)</button><button id="vr" disabled>VR not available</button></div>
<div id="msg" hidden></div>
<script>
var GVR_VIEWER = {config};
</script>
<script>
{script}
</script>
</body></html>
"""

# The page's script: a small WebGL equirect viewer (drag/touch/keys, zoom, toggle, WebXR with one
# panorama per eye), written for the course so a page needs no library and no network.
_VIEWER_JS = (VIEWER_DIR / "viewer.js").read_text()


def _viewer_texture(image, name: str, like=None) -> np.ndarray:
    pano = check_equirect(image, name)
    if like is not None and pano.shape != like.shape:
        raise ValueError(f"{name} is {pano.shape[0]}×{pano.shape[1]}, but the panorama is "
                         f"{like.shape[0]}×{like.shape[1]}: the two eyes of a stereo pair must have one size")
    return pano


def export_viewer(panorama, path, yaw: float = 0.0, pitch: float = 0.0, fov: float = 75.0,
                  title: str = "Stylized panorama", image_format: str = "jpeg", embed: bool = True, *,
                  original=None, right=None, original_right=None, quality: int = 92) -> Path:
    """Write a web page to look around ``panorama`` at its full resolution.

    * Look around by dragging (mouse or one finger) or with the arrow keys
      (:data:`VIEWER_KEY_STEP` degrees a press); zoom with the wheel, a pinch or +/−.
    * ``original=``: the panorama before stylization; a button and the key "t" (in VR, a
      controller's trigger) swap the two.
    * ``right=``: the right eye's panorama of an omnidirectional stereo pair (``panorama`` is
      then the left eye's); ``original_right=`` the same for the original (default: ``original``
      for both eyes). On the page, "e" shows the other eye.
    * "Enter VR" appears where the browser has WebXR and a headset (``immersive-vr``): each eye
      is drawn with its own projection and, for a stereo pair, its own panorama.
    * (yaw, pitch, fov) is the first view in this module's convention (yaw 0 = the panorama's
      centre column; fov = the window's vertical field of view, degrees). ``window.viewer``
      on the page holds the current yaw, pitch, fov, hfov, which texture is ``showing``
      ("stylized" or "original") and which ``eye``.

    The page has no library and needs no network: a small WebGL fragment shader looks up the
    equirect texture for every screen pixel (bilinear, mipmapped where WebGL 2 allows), so
    the view is as sharp as ``perspective`` of the same panorama. The images are embedded as
    base64 data URLs (``embed=True``, the default: one file, which opens from file://, whereas
    WebGL refuses textures read from a file:// page's sibling files) or written beside the page
    (``embed=False``: smaller page, but serve the folder over http, e.g. ``python -m
    http.server``, for a headset's browser). JPEG (``quality``, full-resolution colour, no
    chroma subsampling) keeps a 4096×2048 panorama to a few MB; PNG is lossless and larger.
    """
    pano = _viewer_texture(panorama, "panorama")
    if not 1 <= fov <= 150:
        raise ValueError(f"fov must be between 1 and 150 degrees, got {fov}")
    if image_format not in ("jpeg", "png"):
        raise ValueError(f"image format must be 'png' or 'jpeg', got {image_format!r}")
    if original is None and original_right is not None:
        raise ValueError("original_right needs original (the left eye's original panorama)")
    sets = {"stylized": {"left": pano}}
    if right is not None:
        sets["stylized"]["right"] = _viewer_texture(right, "right", like=pano)
    if original is not None:
        sets["original"] = {"left": _viewer_texture(original, "original")}
        if original_right is not None:
            sets["original"]["right"] = _viewer_texture(original_right, "original_right", like=sets["original"]["left"])
    path = Path(path)
    ext = "jpg" if image_format == "jpeg" else "png"
    sources = {}
    for showing, eyes in sets.items():
        sources[showing] = {}
        for eye, image in eyes.items():
            data = _encode(image, image_format, quality=quality, subsampling=0)
            if embed:
                src = f"data:image/{image_format};base64," + base64.b64encode(data).decode("ascii")
            else:
                suffix = "" if showing == "stylized" else ".original"
                suffix += "" if eye == "left" else f".{eye}"
                image_path = path.with_suffix(f"{suffix}.{ext}")
                _write_bytes_atomic(image_path, data)
                src = image_path.name
            sources[showing][eye] = src
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    hints = (", t or the button swaps original and stylized" if original is not None else "")
    hints += (", e shows the other eye" if right is not None else "")
    config = {"yaw": float(yaw), "pitch": float(pitch), "fov": float(fov), "stereo": right is not None,
              "hasOriginal": original is not None, "keyStep": VIEWER_KEY_STEP, "zoomStep": VIEWER_ZOOM_STEP,
              "fovRange": list(VIEWER_FOV_RANGE), "textures": sources}
    page = _PAGE.format(title=safe_title, hints=hints, script=_VIEWER_JS.strip("\n"),
                        config=json.dumps(config).replace("</", "<\\/"))
    _write_bytes_atomic(path, page.encode("utf-8"))
    return path


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
