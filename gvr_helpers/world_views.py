"""Pinhole camera views of the procedural world: perspective views, stereo pairs with exact
disparity, head-rotation sequences, and landscape views to use as a style set.

Every view is rendered in :mod:`gvr_helpers.world`'s landscape by its general renderer
(:func:`~gvr_helpers.world.render_rays`), so depth and disparity are exact for every pixel.
``yaw`` and ``pitch`` are degrees as py360convert's ``e2p`` takes them; disparity follows
:mod:`gvr_helpers.metrics`: left pixel x sees right pixel ``x − d``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .world import check_size, make_world, render_rays


def _hw(size):
    if isinstance(size, (tuple, list)) and len(size) == 2:
        return check_size("height", size[0]), check_size("width", size[1])
    s = check_size("size", size)
    return s, s


def focal_length(width: int, fov: float) -> float:
    """Pinhole focal length in pixels for a horizontal field of view in degrees."""
    if not 1.0 <= fov <= 170.0:
        raise ValueError(f"fov must be between 1 and 170 degrees, got {fov!r}")
    return (width / 2) / np.tan(np.radians(fov) / 2)


def _camera_rays(yaw, pitch, fov, h, w):
    """Unit ray directions (H×W×3, world east/north/up) and the forward vector of a pinhole camera."""
    f = focal_length(w, fov)
    u = np.arange(w) + 0.5 - w / 2
    v = h / 2 - (np.arange(h) + 0.5)
    yaw, pitch = np.radians(yaw), np.radians(pitch)
    forward = np.array([np.sin(yaw) * np.cos(pitch), np.cos(yaw) * np.cos(pitch), np.sin(pitch)])
    right = np.array([np.cos(yaw), -np.sin(yaw), 0.0])
    up = np.cross(right, forward)
    rays = f * forward + u[None, :, None] * right + v[:, None, None] * up
    return rays / np.linalg.norm(rays, axis=-1, keepdims=True), forward, right


def _view(world, eye, yaw, pitch, fov, h, w, centre=None):
    rays, forward, right = _camera_rays(yaw, pitch, fov, h, w)
    azimuth = np.arctan2(rays[..., 0], rays[..., 1])
    elevation = np.arcsin(np.clip(rays[..., 2], -1, 1))
    if pitch == 0:  # every column is one vertical plane: march each column exactly
        azimuth = np.broadcast_to(azimuth[h // 2][None, :], (h, w))
        quantum = None
    else:
        quantum = np.radians(fov) / w / 4
    image, dist = render_rays(world, eye, azimuth, elevation, centre=centre, quantum=quantum)
    z = dist * (rays @ forward)  # depth along the optical axis
    return image, z.astype(np.float32), right


def perspective_view(seed: int = 0, yaw: float = 0.0, pitch: float = 0.0, fov: float = 70.0,
                     size=256, *, return_depth: bool = False):
    """A pinhole view of the landscape from its default viewpoint.

    ``yaw`` (degrees, positive to the right) and ``pitch`` (positive up) match
    py360convert's ``e2p(pano, fov, u_deg=yaw, v_deg=pitch)``; ``size`` is an
    int or (height, width). With ``return_depth`` also returns depth along the
    optical axis (inf for sky).
    """
    h, w = _hw(size)
    if not -89.0 <= pitch <= 89.0:
        raise ValueError(f"pitch must be within ±89 degrees, got {pitch!r}")
    world = make_world(seed)
    image, depth, _ = _view(world, world.camera, float(yaw), float(pitch), fov, h, w)
    return (image, depth) if return_depth else image


@dataclass(frozen=True)
class StereoPair:
    """Two rectified views and their exact geometry (disparity in pixels, depth in cells)."""

    left: np.ndarray
    right: np.ndarray
    disparity_left: np.ndarray    # left pixel x sees right pixel x - d (0 for sky)
    disparity_right: np.ndarray   # right pixel x sees left pixel x + d
    depth_left: np.ndarray        # along the optical axis; inf for sky
    depth_right: np.ndarray
    focal: float                  # pixels
    baseline: float               # cells


def stereo_pair(seed: int = 0, yaw: float = 0.0, size=(192, 256), fov: float = 70.0,
                baseline: float = 1.0) -> StereoPair:
    """Render a rectified stereo pair, eyes ``baseline`` apart, looking level at ``yaw``.

    Both eyes render the same world, so disparity = focal × baseline / depth
    is exact for every pixel (0 for the sky, which is at infinity).
    """
    h, w = _hw(size)
    if not baseline > 0:
        raise ValueError(f"baseline must be positive, got {baseline!r}")
    world = make_world(seed)
    _, _, right_vec = _camera_rays(yaw, 0.0, fov, 1, 2)
    centre = world.camera
    eyes = [centre - right_vec * baseline / 2, centre + right_vec * baseline / 2]
    (left, zl, _), (right, zr, _) = (_view(world, e, float(yaw), 0.0, fov, h, w, centre=centre) for e in eyes)
    f = focal_length(w, fov)
    return StereoPair(left, right, (f * baseline / zl).astype(np.float32),
                      (f * baseline / zr).astype(np.float32), zl, zr, float(f), float(baseline))


@dataclass(frozen=True)
class RotationSequence:
    """Frames of a head turning in place, with the yaw and pitch (degrees) of each."""

    frames: np.ndarray  # N×H×W×3
    yaw: np.ndarray
    pitch: np.ndarray
    fov: float


def head_path(seed: int, n_frames: int, speed: float = 2.0):
    """A smooth, deterministic head path: yaw drifts at about ``speed`` °/frame, pitch sways."""
    n_frames = check_size("n_frames", n_frames, minimum=1)
    rng = np.random.default_rng(seed)
    jitter = np.convolve(rng.standard_normal(n_frames + 8), np.ones(9) / 9, mode="valid")[:n_frames]
    yaw = rng.uniform(-180, 180) + np.cumsum(speed * (1 + 0.5 * jitter)) - speed
    pitch = 6.0 * np.sin(np.linspace(0, np.pi, n_frames)) * rng.choice([-1, 1]) - 3.0
    return yaw, pitch


def rotation_sequence(seed: int = 0, n_frames: int = 16, size=128, fov: float = 70.0,
                      speed: float = 2.0) -> RotationSequence:
    """Frames a VR viewer would show while the head turns (no translation)."""
    h, w = _hw(size)
    yaw, pitch = head_path(seed, n_frames, speed)
    world = make_world(seed)
    frames = np.stack([_view(world, world.camera, y, p, fov, h, w)[0] for y, p in zip(yaw, pitch)])
    return RotationSequence(frames, yaw, pitch, float(fov))


def landscape_views(seed: int = 0, n: int = 8, size=128, fov: float = 70.0) -> np.ndarray:
    """``n`` level views at evenly spaced yaws: content images for landscape design (N×H×W×3)."""
    n = check_size("n", n, minimum=1)
    return np.stack([perspective_view(seed, yaw=360.0 * i / n - 180.0, fov=fov, size=size) for i in range(n)])
