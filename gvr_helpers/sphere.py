"""The geometry of a 360° world: panoramas, directions, head poses, perspective views and cubemaps.

No network here: :mod:`gvr_helpers.vr` applies translators to this geometry, :mod:`gvr_helpers.headset`
writes what a headset shows.

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

import numpy as np

from .data import as_image as check_image, bilinear
from .checks import integer

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


def face_axes(name):
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
    """Bilinear look-up of a panorama in given directions, wrapping at ±180° longitude.

    Written here rather than taken from py360convert: its public functions (``e2p``, ``e2c`` and
    ``c2e``, behind :func:`perspective`, :func:`equirect_to_cubemap` and :func:`cubemap_to_equirect`)
    resample whole images on their own fixed grids, but the overlapped cubemap needs faces widened
    past the cube's edges and a blend back on the sphere, at arbitrary directions in this module's
    axis convention; py360convert's samplers for that are internal."""
    pano = np.asarray(panorama, dtype=np.float32)
    h, w = pano.shape[:2]
    lon, lat = direction_to_lonlat(directions)
    x = (lon + np.pi) / (2 * np.pi) * w - 0.5
    y = np.clip((np.pi / 2 - lat) / np.pi * h - 0.5, 0, h - 1)
    return bilinear(pano, y, x, wrap_cols=True).astype(np.float32)


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


# ------------------------------------------------------------ cubemaps
def face_directions(name: str, size: int, pad: int = 0):
    """Directions of the pixel centres of face ``name`` (size×size), widened by ``pad``
    pixels on every side: a face with overlapping borders sees past the cube's edges."""
    if name not in FACES:
        raise ValueError(f"unknown face {name!r}; faces are {', '.join(FACE_ORDER)}")
    f, r, u = face_axes(name)
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

    check_faces(faces)
    py = {k: np.asarray(faces[v], dtype=np.float32) for k, v in PY360_NAMES.items()}
    return np.clip(py360convert.c2e(py, int(h), int(w or 2 * h), cube_format="dict"), 0, 1).astype(np.float32)


def check_faces(faces: dict) -> int:
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
    size, pad = check_face_geometry(size, pad)
    check_widened_faces(faces, size, pad)
    d = np.asarray(directions, dtype=np.float64)
    total = np.zeros(d.shape[:-1] + (3,))
    weight = np.zeros(d.shape[:-1] + (1,))
    reach = 1 + 2 * pad / size
    for name in FACE_ORDER:
        f, r, u = face_axes(name)
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
        total += w[..., None] * bilinear(np.asarray(faces[name], np.float32), rows, cols)
        weight += w[..., None]
    return (total / np.maximum(weight, 1e-12)).astype(np.float32)


def check_face_geometry(size, pad):
    return integer("face size", size, 1), integer("face pad", pad, 0)


def check_widened_faces(faces: dict, size: int, pad: int):
    missing = [n for n in FACE_ORDER if n not in faces]
    if missing:
        raise ValueError(f"a cubemap needs the faces {', '.join(FACE_ORDER)}; missing {', '.join(missing)}")
    side = size + 2 * pad
    for name in FACE_ORDER:
        shape = np.shape(faces[name])
        if tuple(shape) != (side, side, 3):
            raise ValueError(f"face {name} is {'×'.join(map(str, shape))}, but size={size} with pad={pad} needs "
                             f"{side}×{side}×3 faces (render_faces(panorama, {size}, {pad}) renders them)")


