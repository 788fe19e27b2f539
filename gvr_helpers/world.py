"""Procedural landscapes made offline and their seamless 360° panoramas, mono and
omnidirectional stereo; pinhole camera views of them are in :mod:`gvr_helpers.world_views`.

The world is a fractal heightfield on a torus (made by filtering white noise
in the Fourier domain, so it is periodic in both directions): rays never run
off the map, and the same ``seed`` always gives the same world.

Rendering marches every *azimuth* once: along the horizontal line of sight it
samples the terrain's elevation angle seen from the camera and keeps its
running maximum (the horizon so far). A pixel at elevation φ sees the first
sample whose running maximum reaches φ, found with one ``searchsorted``, then
refined by linear interpolation between the two samples around the crossing.
That is exact geometry for every pixel of an azimuth column at the cost of
one march per column. :func:`panorama` specialises this to the equirect grid
(the same numbers, bit for bit; see :func:`_shade_panorama`): it shades in
bands of rows on all CPUs, so a 4096×2048 headset skybox takes a few seconds
in bounded memory, and caches large panoramas on disk.

Colour is a function of the hit point alone (terrain type, Lambert shading
from a fixed sun, fog by distance from the rig's centre), never of the eye
that sees it, so a point looks the same to both eyes of a stereo pair.

Conventions (shared with py360convert): an equirectangular column j has
azimuth ``2π(j + 0.5)/W − π`` (0 = straight ahead, positive to the right),
a row i has elevation ``π/2 − π(i + 0.5)/H``. Disparity follows
:mod:`gvr_helpers.metrics`: left pixel x sees right pixel ``x − d``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import ndimage

from .data import atomic_write, bilinear
from .checks import integer

GRID = 512            # terrain cells along each side of the torus
RELIEF = 90.0         # height of the highest peak above the lowest valley, in cells
EYE_HEIGHT = 3.0      # camera height above the ground (or water), in cells
WATER_QUANTILE = 0.15  # share of the terrain under water
MARCH_STEPS = 768
NEAR, FAR = 0.2, 0.7 * GRID
FOG_DISTANCE = 110.0
SUN = np.array([0.55, 0.35, 0.76]) / np.linalg.norm([0.55, 0.35, 0.76])  # (east, north, up)

SKY_ZENITH = np.array([0.22, 0.42, 0.78])
SKY_HORIZON = np.array([0.78, 0.86, 0.94])
WATER = np.array([0.10, 0.32, 0.45])
SAND = np.array([0.80, 0.73, 0.52])
GRASS = np.array([0.33, 0.55, 0.20])
FOREST = np.array([0.13, 0.33, 0.14])
ROCK = np.array([0.47, 0.42, 0.38])
SNOW = np.array([0.95, 0.96, 0.98])
_PALETTE = np.stack([GRASS, FOREST, SAND, ROCK, SNOW])


# ------------------------------------------------------------------ the world
def periodic_noise(seed: int, n: int = GRID, slope: float = 2.2) -> np.ndarray:
    """Fractal noise on an n×n torus in [0, 1]: white noise with a 1/f^slope power spectrum.

    Filtering in the Fourier domain makes it periodic by construction.
    """
    rng = np.random.default_rng(seed)
    f = np.fft.fftfreq(n)
    radius = np.hypot(f[:, None], f[None, :])
    radius[0, 0] = np.inf
    spectrum = np.fft.fft2(rng.standard_normal((n, n))) * radius ** (-slope / 2)
    field = np.fft.ifft2(spectrum).real
    field -= field.min()
    return field / field.max()


@dataclass(frozen=True)
class World:
    """A terrain on a torus plus what the renderer needs to colour it."""

    seed: int
    height: np.ndarray      # GRID×GRID ground height (cells), indexed [y, x]
    surface: np.ndarray     # max(height, water): what rays hit
    water: float
    normals: np.ndarray     # GRID×GRID×3 unit normals of the surface
    detail: np.ndarray      # GRID×GRID fine noise in [0, 1] for colour variation
    clouds: np.ndarray      # 256×256 periodic noise for the sky
    camera: np.ndarray      # default (x, y, z) of the viewer
    terrain: np.ndarray | None = None  # GRID×GRID×4: height and normals side by side (one look-up for both)


def _torus(grid, x, y):
    """Sample ``grid[y, x]`` at real coordinates, wrapping around the torus."""
    return bilinear(grid, y, x, wrap_rows=True, wrap_cols=True)


@lru_cache(maxsize=4)
def make_world(seed: int = 0) -> World:
    """Build (and cache) the landscape for ``seed``; deterministic."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    base = periodic_noise(seed * 4 + 0, GRID, slope=3.2)
    ridges = 1.0 - np.abs(2.0 * periodic_noise(seed * 4 + 1, GRID, slope=2.6) - 1.0)
    height = RELIEF * (0.6 * base ** 2 + 0.4 * base ** 2 * ridges)
    water = float(np.quantile(height, WATER_QUANTILE))
    surface = np.maximum(height, water)
    gx = (np.roll(surface, -1, axis=1) - np.roll(surface, 1, axis=1)) / 2  # periodic, like the terrain
    gy = (np.roll(surface, -1, axis=0) - np.roll(surface, 1, axis=0)) / 2
    normals = np.stack([-gx, -gy, np.ones_like(gx)], axis=-1)
    normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
    detail = periodic_noise(seed * 4 + 2, GRID, slope=1.0)
    clouds = periodic_noise(seed * 4 + 3, 256, slope=2.6)
    # Stand on a flat valley floor, above the water, where the land around is lowest
    # (open views across the valley to the mountains).
    slope = np.hypot(gx, gy)
    valley = (height > water + 3.0) & (height < water + 12.0) & (slope < 0.25)
    if not valley.any():
        valley = height > water
    openness = ndimage.uniform_filter(surface - water, size=25, mode="wrap")
    score = np.where(valley, openness + 5.0 * slope, np.inf)
    cy, cx = np.unravel_index(np.argmin(score), score.shape)
    camera = np.array([cx, cy, surface[cy, cx] + EYE_HEIGHT], dtype=np.float64)
    terrain = np.concatenate([height[..., None], normals], axis=-1)
    return World(seed, height, surface, water, normals, detail, clouds, camera, terrain)


# ------------------------------------------------------------------ rendering
def _distances():
    return NEAR * (FAR / NEAR) ** (np.arange(MARCH_STEPS) / (MARCH_STEPS - 1))


def _march(world: World, eye, azimuths):
    """Elevation angle of the terrain along each azimuth: (angles C×K, distances K)."""
    t = _distances()
    xs = eye[0] + np.sin(azimuths)[:, None] * t
    ys = eye[1] + np.cos(azimuths)[:, None] * t
    heights = _torus(world.surface, xs, ys)
    return np.arctan2(heights - eye[2], t), t


def _hit_distance(angles, t, column, elevation):
    """Horizontal distance at which each pixel's ray meets the terrain (inf = sky)."""
    n_cols, k = angles.shape
    horizon = np.maximum.accumulate(angles, axis=1)
    offset = 4.0 * np.arange(n_cols)[:, None]  # angles lie in (-π/2, π/2): columns never mix
    flat = (horizon + offset).ravel()
    idx = np.searchsorted(flat, (elevation + offset[column, 0]).ravel()).reshape(elevation.shape)
    idx -= column * k
    hit = idx < k
    i = np.minimum(idx, k - 1)
    return np.where(hit, _between_crossings(angles, t, column, i, elevation), np.inf)


def _between_crossings(angles, t, column, i, elevation):
    """Distance along a ray at ``elevation``, interpolated between march step i − 1 and the step i
    where the ray first passes under the terrain's horizon angle (−90°, distance 0 before step 0)."""
    a1 = angles[column, i]
    t1 = t[i]
    prev = np.maximum(i - 1, 0)
    a0 = np.where(i > 0, angles[column, prev], -np.pi / 2)
    t0 = np.where(i > 0, t[prev], 0.0)
    w = np.clip((elevation - a0) / np.maximum(a1 - a0, 1e-12), 0.0, 1.0)
    return t0 + w * (t1 - t0)


def _sky(world: World, azimuth, elevation, at=None):
    """Sky colour in the directions (azimuth, elevation).

    ``at=(rows, cols)``: ``azimuth`` and ``elevation`` are a grid's column and row vectors,
    and the colour is wanted at the pixels (rows[i], cols[i]) only (a panorama's sky): the
    terms of one row or one column are computed once per row or column, then gathered;
    every pixel gets the numbers it would get from the full arrays."""
    if at is None:
        row = col = lambda v: v
    else:
        rows, cols = at
        row, col = (lambda v: v[rows]), (lambda v: v[cols])
    up = np.clip(np.sin(elevation), 0, 1)[..., None]
    colour = row(SKY_HORIZON + (SKY_ZENITH - SKY_HORIZON) * up ** 0.6)
    # Clouds: noise on a flat sky plane overhead, a continuous function of direction.
    n = world.clouds.shape[0]
    reach = row(n / 3 / np.maximum(np.tan(np.clip(elevation, 0.02, None)), 0.05))
    sin_az, cos_az = col(np.sin(azimuth)), col(np.cos(azimuth))
    c = _torus(world.clouds, sin_az * reach, cos_az * reach)
    cover = np.clip((c - 0.45) * 3.0, 0, 1) * row(np.clip((elevation - 0.05) * 5, 0, 1))
    colour = colour * (1 - cover[..., None]) + np.array([0.97, 0.97, 0.98]) * cover[..., None]
    cos_el = row(np.cos(elevation))
    direction = np.stack([cos_el * sin_az, cos_el * cos_az, row(np.sin(elevation))], axis=-1)
    sun = np.clip((direction @ SUN - 0.9990) / 0.0005, 0, 1)[..., None]
    return colour * (1 - sun) + np.array([1.0, 0.98, 0.9]) * sun


def _ground(world: World, x, y, distance):
    if world.terrain is not None:  # the same interpolation of each channel, with one set of indices
        both = _torus(world.terrain, x, y)
        h, normal = both[..., 0], np.ascontiguousarray(both[..., 1:])
    else:
        h = _torus(world.height, x, y)
        normal = _torus(world.normals, x, y)
    detail = _torus(world.detail, x * 2.0, y * 2.0)
    steep = 1 - normal[..., 2]
    rel = (h - world.water) / (RELIEF - world.water)
    # terrain type (an index into _PALETTE), then its colour: one gather instead of four RGB selects
    kind = np.where(rel < 0.35, 0, 1)
    kind = np.where(h < world.water + 0.8, 2, kind)
    kind = np.where((rel > 0.6) | (steep > 0.32), 3, kind)
    kind = np.where((rel > 0.78) & (steep < 0.35), 4, kind)
    colour = _PALETTE[kind]
    colour = colour * (0.8 + 0.4 * detail[..., None])
    colour = colour * (0.5 + 0.6 * np.clip(normal @ SUN, 0, 1))[..., None]
    under = (h < world.water)[..., None]
    depth = np.clip((world.water - h) / 6.0, 0, 1)[..., None]
    wet = WATER * (1.1 - 0.5 * depth) * (0.9 + 0.2 * detail[..., None])
    colour = np.where(under, wet, colour)
    fog = (1 - np.exp(-distance / FOG_DISTANCE))[..., None]
    return colour * (1 - fog) + SKY_HORIZON * fog


def render_rays(world: World, eye, azimuth, elevation, centre=None, quantum=None):
    """Colour and Euclidean distance of the rays (azimuth, elevation) from ``eye``.

    The general renderer, public because the camera views of :mod:`gvr_helpers.world_views` use it.
    Pixels whose azimuths are equal share one march. ``quantum`` (radians)
    rounds azimuths to a grid first when every pixel has its own (pitched
    views); the hit point is still placed on the pixel's exact ray.
    """
    eye = np.asarray(eye, dtype=np.float64)
    centre = eye if centre is None else np.asarray(centre, dtype=np.float64)
    key = np.round(azimuth / quantum) if quantum else azimuth
    cols, column = np.unique(key, return_inverse=True)
    column = column.reshape(azimuth.shape)
    angles, t = _march(world, eye, cols * quantum if quantum else cols)
    dist = _hit_distance(angles, t, column, elevation)
    sky = ~np.isfinite(dist)
    d = np.where(sky, 0.0, dist)
    x = eye[0] + d * np.sin(azimuth)
    y = eye[1] + d * np.cos(azimuth)
    z = eye[2] + d * np.tan(elevation)
    fog_distance = np.sqrt((x - centre[0]) ** 2 + (y - centre[1]) ** 2 + (z - centre[2]) ** 2)
    image = np.where(sky[..., None], _sky(world, azimuth, elevation), _ground(world, x, y, fog_distance))
    euclid = np.where(sky, np.inf, dist / np.cos(elevation))
    return np.clip(image, 0, 1).astype(np.float32), euclid


def check_size(name, value, minimum=2):
    """``value`` as an int, or a ValueError naming it; public because the views check their sizes with it."""
    return integer(name, value, minimum)


def _crossings(horizon, offset, elevations):
    """For every pixel (row i, column j) the number of march samples whose running horizon lies
    below the row's elevation: ``np.searchsorted(flat, elevations[i] + offset[j]) - j·K`` of
    :func:`_hit_distance`, the same comparisons of the same numbers, but counted the other way
    round: each of the C·K samples is placed among the H rows of its column (at 4096×2048,
    K = 768 samples to place instead of H = 2048 rows to search per column, both in sorted
    order), and a cumulative count gives every row its index. Returns an H×C int16 array."""
    n_cols, k = horizon.shape
    height = elevations.size
    rising = elevations[::-1]  # ascending: searchsorted needs sorted rows
    samples = (horizon + offset[:, None]).ravel()   # the same floats as `flat` in _hit_distance
    rows = (rising[None, :] + offset[:, None]).ravel()  # the same floats as its queries
    local = np.arange(n_cols).repeat(k)
    # rows of its column at or below each sample (columns never mix: their offsets are 4 apart)
    place = np.searchsorted(rows, samples, side="right") - local * height
    counts = np.bincount(local * (height + 1) + place, minlength=n_cols * (height + 1)).reshape(n_cols, height + 1)
    # a row is above exactly the samples placed at or below it: those whose horizon is < its elevation
    return np.cumsum(counts, axis=1)[:, :height][:, ::-1].T.astype(np.int16)


PANORAMA_CHUNK_PIXELS = 1 << 18   # pixels shaded at a time: bounds the renderer's temporaries (~100 MB a thread)
PANORAMA_CHUNK_COLUMNS = 256      # columns marched at a time
CACHE_MIN_PIXELS = 1 << 21        # panoramas this large (2048×1024 and up) are cached on disk


def _threads() -> int:
    """Threads that render a panorama: the CPUs this process may use, at most 4."""
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def _source_digest() -> str:
    """A digest of this file: cached panoramas are reused only by the code that rendered them."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _cache_path(seed: int, height: int, width: int):
    from . import config

    return config.cache_dir() / "world" / f"panorama-{seed}-{height}x{width}-{_source_digest()}.npy"


def _load_cached(path, shape):
    try:
        image = np.load(path, allow_pickle=False)
    except (OSError, ValueError):  # missing, or not a complete .npy file: render again
        return None
    if image.shape != shape or image.dtype != np.float32:
        return None
    return image


def _shade_panorama(world: World, height: int, width: int, return_depth: bool = False,
                    chunk_pixels: int = PANORAMA_CHUNK_PIXELS, threads: int = 1, side: float = 0.0):
    """The body of :func:`panorama`: one march per column, then shading in bands of rows.

    This is :func:`render_rays` specialised to an equirectangular grid: the same arithmetic on
    the same numbers, so every pixel is bit-for-bit what ``render_rays`` gives on the full grid
    (tests/test_world_speed.py checks it), at a fraction of the time and memory:

    * column azimuths are sorted and distinct, so ``np.unique`` (an argsort of all H×W
      pixels in ``render_rays``) is the identity: column ``j`` uses march ``j``;
    * the horizon search is :func:`_crossings` (the same comparisons, counted per column);
    * sky colours are computed for sky pixels only, ground colours for ground pixels only
      (``render_rays`` computes both everywhere and keeps one with ``np.where``), and the sky's
      per-row and per-column terms once per row or column (:func:`_sky` with ``at``);
    * bands of ``chunk_pixels`` bound the temporaries whatever the panorama's size, and
      ``threads`` bands are shaded at a time (NumPy releases the GIL in its loops; each
      band writes only its own rows, so the result does not depend on the order).

    ``side`` ≠ 0 renders one eye of an omnidirectional stereo (ODS) pair: the ray of column
    j starts ``side`` cells to the right of the rig's centre, across its line of sight
    (−b/2 for the left eye, +b/2 for the right), and colour and fog stay functions of the
    hit point. The second array returned is then the disparity, not the depth (see
    :func:`stereo_panorama`).
    """
    eye = np.asarray(world.camera, dtype=np.float64)
    az = 2 * np.pi * (np.arange(width) + 0.5) / width - np.pi
    el = np.pi / 2 - np.pi * (np.arange(height) + 0.5) / height
    k = MARCH_STEPS
    t = _distances()
    offset = 4.0 * np.arange(width)  # as in _hit_distance: angles lie in (-π/2, π/2), columns never mix
    angles = np.empty((width, k))
    crossings = np.empty((height, width), np.int16)
    sin_az, cos_az = np.sin(az), np.cos(az)
    image = np.empty((height, width, 3), np.float32)
    depth = np.empty((height, width), np.float32) if return_depth else None

    if side:  # ODS: each column's ray starts on the circle of radius |side|, tangent to it
        ex, ey = eye[0] + side * cos_az, eye[1] - side * sin_az  # right of azimuth θ = (cos θ, −sin θ)
        origin = lambda c0, c1: (ex[c0:c1, None], ey[c0:c1, None], eye[2])  # noqa: E731
        depth = np.empty((height, width), np.float32)  # the disparity, in pixels

    def march(c0, c1):  # _march and the horizon search of columns c0..c1 (each column on its own)
        angles[c0:c1] = _march(world, origin(c0, c1) if side else eye, az[c0:c1])[0]
        horizon = np.maximum.accumulate(angles[c0:c1], axis=1)
        crossings[:, c0:c1] = _crossings(horizon, offset[c0:c1], el)

    def shade(r0, r1):
        # _hit_distance at the pixels that hit the ground (index < K); the others see the sky
        idx = crossings[r0:r1].ravel()
        hit = np.flatnonzero(idx < k)
        gr, gc = np.divmod(hit, width)
        i = idx[hit].astype(np.intp)
        elevation = el[r0 + gr]
        d = _between_crossings(angles, t, gc, i, elevation)
        # render_rays, each colour only where it is kept
        band = np.empty(((r1 - r0) * width, 3))
        sky = np.flatnonzero(idx >= k)
        sr, sc = np.divmod(sky, width)
        band[sky] = _sky(world, az, el, at=(r0 + sr, sc))
        x = (ex[gc] if side else eye[0]) + d * sin_az[gc]
        y = (ey[gc] if side else eye[1]) + d * cos_az[gc]
        z = eye[2] + d * np.tan(elevation)
        fog_distance = np.sqrt((x - eye[0]) ** 2 + (y - eye[1]) ** 2 + (z - eye[2]) ** 2)
        band[hit] = _ground(world, x, y, fog_distance)
        image[r0:r1] = np.clip(band, 0, 1).reshape(r1 - r0, width, 3)
        if side:  # the other eye sees the hit point 2·asin(|side| / its horizontal distance) away
            out = np.zeros((r1 - r0) * width)
            reach = np.hypot(x - eye[0], y - eye[1])
            out[hit] = width / np.pi * np.arcsin(np.minimum(1.0, abs(side) / np.maximum(reach, 1e-12)))
            depth[r0:r1] = out.reshape(r1 - r0, width)
        elif depth is not None:
            out = np.full((r1 - r0) * width, np.inf)
            out[hit] = d / np.cos(elevation)
            depth[r0:r1] = out.reshape(r1 - r0, width)

    step = PANORAMA_CHUNK_COLUMNS
    columns = [(c0, min(width, c0 + step)) for c0 in range(0, width, step)]
    rows = max(1, int(chunk_pixels) // width)
    bands = [(r0, min(height, r0 + rows)) for r0 in range(0, height, rows)]
    workers = max(1, min(int(threads), max(len(columns), len(bands))))
    if workers == 1:
        for part in columns:
            march(*part)
        for part in bands:
            shade(*part)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            for stage, parts in ((march, columns), (shade, bands)):
                for future in [pool.submit(stage, *part) for part in parts]:
                    future.result()
    return image, depth


def panorama(seed: int = 0, height: int = 512, width: int = 1024, *, return_depth: bool = False,
             cache: bool | None = None):
    """A 360°×180° equirectangular panorama of the landscape, H×W×3 float32 in [0, 1].

    Seamless at the longitude wrap by construction: column azimuths are
    periodic and the scene is a continuous function of azimuth. With
    ``return_depth`` also returns the H×W Euclidean distance (inf for sky).

    Rendered in bands of rows on all CPUs (memory bounded whatever the size; a 4096×2048
    panorama takes about 5 CPU-seconds: ``benchmarks/vr_headset.py``). ``cache``: keep the image in
    ``config.cache_dir()/world`` and reuse it for the same (seed, size) and the same
    version of this module; ``None`` (default) caches panoramas of 2048×1024 pixels and
    more (a 4096×2048 file is 100 MB; delete the folder at any time). The depth is
    never cached.
    """
    height, width = check_size("height", height), check_size("width", width)
    world = make_world(seed)
    seed = world.seed
    use_cache = (height * width >= CACHE_MIN_PIXELS) if cache is None else bool(cache)
    path = _cache_path(seed, height, width) if use_cache and not return_depth else None
    if path is not None:
        cached = _load_cached(path, (height, width, 3))
        if cached is not None:
            return cached
    image, depth = _shade_panorama(world, height, width, return_depth, PANORAMA_CHUNK_PIXELS, _threads())
    if path is not None:
        def write(tmp):
            with open(tmp, "wb") as f:  # a file object: np.save would append ".npy" to a name
                np.save(f, image, allow_pickle=False)

        try:
            atomic_write(path, write)
            for stale in path.parent.glob(f"panorama-{seed}-{height}x{width}-*.npy"):
                if stale != path:  # rendered by an earlier version of this module
                    stale.unlink(missing_ok=True)
        except OSError:  # a full or read-only cache costs speed, never the panorama
            pass
    return (image, depth) if return_depth else image


@dataclass(frozen=True)
class StereoPanorama:
    """An omnidirectional stereo (ODS) pair: one 360° panorama per eye, and its exact disparity.

    Disparity follows :mod:`gvr_helpers.metrics`, along the longitude: left pixel x sees
    right pixel ``x − d`` (columns wrap around); right pixel x sees left pixel ``x + d``.
    Rows agree: both eyes see a point at the same elevation. 0 for the sky."""

    left: np.ndarray
    right: np.ndarray
    disparity_left: np.ndarray
    disparity_right: np.ndarray
    baseline: float  # cells between the eyes


STEREO_BASELINE = 0.12  # cells: a human's 6.4 cm if the eye height (EYE_HEIGHT, 3 cells) is 1.6 m


def stereo_panorama(seed: int = 0, height: int = 512, width: int = 1024,
                    baseline: float = STEREO_BASELINE) -> StereoPanorama:
    """A 360° stereo pair for a headset, one equirect panorama per eye (omnidirectional stereo).

    Every column is seen as a head turned to that azimuth sees it: its rays start at the
    left (right) eye, ``baseline / 2`` cells to the left (right) of the rig's centre across
    the line of sight, so the pair is seamless and gives the right depth straight ahead in
    every direction (the ODS projection of 360° stereo video, as in Google's Jump). A point
    at horizontal distance ρ from the centre lies ``2·asin(b / 2ρ)`` radians further right in
    the left panorama than in the right one: ``disparity`` = W/π · asin(b / 2ρ) px, exact
    for every pixel (0 for the sky). Colour is a function of the hit point, so both eyes see
    the same surface colours.
    """
    height, width = check_size("height", height), check_size("width", width)
    if isinstance(baseline, bool) or not isinstance(baseline, (int, float, np.floating)) or not baseline > 0:
        raise ValueError(f"baseline must be a positive number of cells, got {baseline!r}")
    world = make_world(seed)
    eyes = [_shade_panorama(world, height, width, chunk_pixels=PANORAMA_CHUNK_PIXELS, threads=_threads(),
                            side=s * float(baseline) / 2) for s in (-1, 1)]
    (left, dl), (right, dr) = eyes
    return StereoPanorama(left, right, dl, dr, float(baseline))
