"""Numbers that say how good a result is: fidelity to a ground truth, seams,
stereo agreement. Images are float arrays in [0, 1], H×W×C (or H×W)."""
from __future__ import annotations

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from . import sphere


def _pair(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"images must have the same shape, got {a.shape} and {b.shape}")
    return a, b


def psnr(image, reference) -> float:
    """Peak signal-to-noise ratio in dB for images in [0, 1] (inf when identical)."""
    a, b = _pair(image, reference)
    if np.array_equal(a, b):
        return float("inf")
    return float(peak_signal_noise_ratio(b, a, data_range=1.0))


def ssim(image, reference) -> float:
    """Structural similarity (1 = identical) of two images in [0, 1]."""
    a, b = _pair(image, reference)
    channel_axis = -1 if a.ndim == 3 else None
    return float(structural_similarity(b, a, data_range=1.0, channel_axis=channel_axis))


def wrap_seam_ratio(panorama) -> float:
    """How visible the longitude wrap of an equirectangular panorama is.

    Mean |x[:, 0] - x[:, -1]| divided by the mean difference between
    neighbouring interior columns: about 1 for a seamless panorama, larger
    when the left and right edges do not meet.
    """
    x = np.asarray(panorama, dtype=np.float64)
    if x.ndim < 2 or x.shape[1] < 3:
        raise ValueError(f"need an image at least 3 columns wide, got shape {x.shape}")
    seam = np.mean(np.abs(x[:, 0] - x[:, -1]))
    interior = np.mean(np.abs(np.diff(x, axis=1)))
    return float(seam / max(interior, 1e-12))


def warp_horizontal(image, shift):
    """Sample ``image`` at (y, x + shift[y, x]) with linear interpolation.

    Returns ``(warped, valid)``; ``valid`` is False where the sample falls
    outside the image or ``shift`` is not finite. With a left-view disparity
    d (left pixel x sees the right image at x - d), ``warp_horizontal(right, -d)``
    rebuilds the left view from the right one.
    """
    img = np.asarray(image, dtype=np.float64)
    shift = np.asarray(shift, dtype=np.float64)
    h, w = img.shape[:2]
    if shift.shape != (h, w):
        raise ValueError(f"shift must be {(h, w)} for an image of shape {img.shape}, got {shift.shape}")
    xs = np.arange(w)[None, :] + np.nan_to_num(shift, nan=-1e9, posinf=-1e9, neginf=-1e9)
    valid = np.isfinite(shift) & (xs >= 0) & (xs <= w - 1)
    xs = np.clip(xs, 0, w - 1)
    x0 = np.floor(xs).astype(int)
    x1 = np.minimum(x0 + 1, w - 1)
    t = xs - x0
    rows = np.arange(h)[:, None]
    if img.ndim == 3:
        t = t[..., None]
    warped = (1 - t) * img[rows, x0] + t * img[rows, x1]
    return warped, valid


def forward_splat_disparity(disparity_left):
    """Send each left pixel x to right pixel x - d; keep the nearest (largest d) per right pixel.

    Returns ``(nearest, target, inside)``: the right view's largest incoming
    disparity (-inf where nothing lands), each left pixel's target column, and
    whether that target is inside the image.
    """
    d = np.asarray(disparity_left, dtype=np.float64)
    h, w = d.shape
    finite = np.isfinite(d)
    target = np.round(np.arange(w)[None, :] - np.where(finite, d, 0)).astype(int)
    inside = finite & (target >= 0) & (target < w)
    rows = np.broadcast_to(np.arange(h)[:, None], (h, w))
    nearest = np.full((h, w), -np.inf)
    np.maximum.at(nearest, (rows[inside], target[inside]), d[inside])
    return nearest, target, inside


def occlusion_mask(disparity_left, tolerance: float = 0.5):
    """True where a left-view pixel is also visible in the right view.

    Each left pixel x lands on right pixel x - d; where several land on the
    same right pixel the nearest one (largest disparity) hides the others.
    Pixels with non-finite disparity are not visible.
    """
    d = np.asarray(disparity_left, dtype=np.float64)
    h, w = d.shape
    nearest, target, inside = forward_splat_disparity(d)
    rows = np.broadcast_to(np.arange(h)[:, None], (h, w))
    visible = np.zeros((h, w), dtype=bool)
    visible[inside] = d[inside] >= nearest[rows[inside], target[inside]] - tolerance
    return visible


def stereo_warp_error(left, right, disparity_left) -> float:
    """Mean |left - right warped to the left view| over pixels both eyes see."""
    left = np.asarray(left, dtype=np.float64)
    warped, valid = warp_horizontal(right, -np.asarray(disparity_left, dtype=np.float64))
    valid &= occlusion_mask(disparity_left)
    if not valid.any():
        raise ValueError("no pixel is visible in both views: check the disparity's sign and units")
    return float(np.mean(np.abs(left - warped)[valid]))


# ------------------------------------------------------------ data, world and styles
def stereo_warp_psnr(left, right, disparity_left) -> float:
    """PSNR (dB) of the right view warped to the left by ``disparity_left``, over pixels both eyes see.

    High (≳ 30 dB) when the disparity explains the pair; inf when it explains it exactly.
    """
    left = np.asarray(left, dtype=np.float64)
    warped, valid = warp_horizontal(right, -np.asarray(disparity_left, dtype=np.float64))
    valid &= occlusion_mask(disparity_left)
    if not valid.any():
        raise ValueError("no pixel is visible in both views: check the disparity's sign and units")
    mse = float(np.mean((left - warped)[valid] ** 2))
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))


def local_wrap_seam_ratio(panorama, window: int = 8) -> float:
    """Like :func:`wrap_seam_ratio`, but against the ``window`` column pairs on each side of the wrap.

    The global ratio also reflects how busy the scene happens to be behind the
    viewer; comparing with the seam's neighbours isolates the seam itself.
    """
    x = np.asarray(panorama, dtype=np.float64)
    if x.ndim < 2 or x.shape[1] < 2 * window + 2:
        raise ValueError(f"need an image at least {2 * window + 2} columns wide, got shape {x.shape}")
    around = np.concatenate([x[:, -window - 1:], x[:, :window + 1]], axis=1)
    steps = np.abs(np.diff(around, axis=1))
    seam = np.mean(steps[:, window])
    neighbours = np.mean(np.delete(steps, window, axis=1))
    return float(seam / max(neighbours, 1e-12))


# ------------------------------------------------------------ 02 generator (models helper)
def checkerboard_score(image, period: int = 2, margin: int = 8) -> float:
    """Share of an image's contrast that repeats every ``period`` pixels (0 = none, 1 = all of it).

    The means of the period×period phases of the interior (``margin`` pixels in from each border)
    are equal for a natural image; a transposed convolution's checkerboard makes them differ.
    Score = (max − min of the phase means) / (max − min of the interior), 0 for a flat image."""
    x = np.asarray(image, dtype=np.float64)
    if x.ndim == 3:
        x = x.mean(axis=-1)
    if x.ndim != 2:
        raise ValueError(f"expected an H×W or H×W×C image, got shape {np.shape(image)}")
    if int(period) != period or period < 2 or margin < 0:
        raise ValueError(f"period must be an integer >= 2 and margin >= 0, got period={period}, margin={margin}")
    if margin:
        x = x[margin:-margin, margin:-margin]
    if min(x.shape) < 2 * period:
        raise ValueError(f"image too small for period {period} after a margin of {margin}: {np.shape(image)}")
    phases = np.array([[x[a::period, b::period].mean() for b in range(period)] for a in range(period)])
    contrast = x.max() - x.min()
    return 0.0 if contrast == 0 else float((phases.max() - phases.min()) / contrast)


# ------------------------------------------------------------ 07–08 VR: cube seams, yaw, flicker
def cube_seam_ratio(faces) -> float:
    """How visible the edges of a cubemap are: the mean |difference| between the two pixels
    that touch across a shared cube edge, divided by the mean |difference| between each
    edge pixel and its neighbour one step inside its face. About 1 when the skybox is
    seamless, well above 1 when faces were made without knowing their neighbours.

    The inside neighbour is taken next to the edge (not anywhere in the face) because a
    face's pixels cover about half the angle at its edges that they cover at its centre.
    ``faces`` is a dict px, nx, py, ny, pz, nz of N×N(×C) images in gvr_helpers.vr's
    convention; the pixel across each edge is found geometrically (one pixel beyond the
    edge, projected onto the cube), so there is no hand-written edge table.
    """
    size = sphere.check_faces(faces)
    imgs = {k: np.asarray(v, dtype=np.float64) for k, v in faces.items()}
    idx = np.arange(size)
    t = 2 * (idx + 0.5) / size - 1
    beyond = 1 + 1.0 / size  # tan-plane coordinate one pixel past the edge
    last, zero, full = size - 1, np.zeros(size, int), np.full(size, size - 1)
    seam, inner = [], []
    for name in sphere.FACE_ORDER:
        f, r, u = sphere.face_axes(name)
        # (a, b) beyond each edge, the edge pixels, and the pixels one step inside
        for a, b, (er, ec), (ir, ic) in (
                (np.full(size, beyond), t, (idx, full), (idx, full - 1)),
                (np.full(size, -beyond), t, (idx, zero), (idx, zero + 1)),
                (t, np.full(size, beyond), (full, idx), (full - 1, idx)),
                (t, np.full(size, -beyond), (zero, idx), (zero + 1, idx))):
            d = f + a[:, None] * r - b[:, None] * u
            others = [n for n in sphere.FACE_ORDER if n != name]
            owner = np.argmax(np.stack([d @ sphere.face_axes(n)[0] for n in others]), axis=0)
            across = np.empty((size,) + imgs[name].shape[2:])
            for k, n in enumerate(others):
                sel = owner == k
                if not sel.any():
                    continue
                g, gr, gu = sphere.face_axes(n)
                dk = d[sel] / (d[sel] @ g)[:, None]
                gc = np.clip(np.floor((dk @ gr + 1) * size / 2), 0, last).astype(int)
                gy = np.clip(np.floor((-(dk @ gu) + 1) * size / 2), 0, last).astype(int)
                across[sel] = imgs[n][gy, gc]
            edge = imgs[name][er, ec]
            seam.append(np.abs(edge - across))
            inner.append(np.abs(edge - imgs[name][ir, ic]))
    return float(np.mean(seam) / max(np.mean(inner), 1e-12))


def yaw_equivariance_mse(stylize, panorama, shift: int) -> float:
    """MSE between stylize(roll(x, shift)) and roll(stylize(x), shift), rolling along the
    longitude (columns). 0 means turning the world and stylizing commute exactly."""
    x = np.asarray(panorama)
    a = np.asarray(stylize(np.roll(x, shift, axis=1)), dtype=np.float64)
    b = np.roll(np.asarray(stylize(x), dtype=np.float64), shift, axis=1)
    return float(np.mean((a - b) ** 2))


def temporal_warping_error(frames, sampling_maps) -> float:
    """Flicker of a video: mean |frame[t+1] − frame[t] warped to t+1| over valid pixels.

    ``sampling_maps[t] = (rows, cols, valid)`` says where each pixel of frame t+1 lies
    in frame t (the known motion, e.g. a head rotation). Strokes that stay glued to the
    world give a small error; strokes that swim or flicker give a large one.
    """
    from scipy.ndimage import map_coordinates

    frames = np.asarray(frames, dtype=np.float64)
    if frames.ndim != 4 or len(frames) < 2:
        raise ValueError(f"need a T×H×W×C sequence of at least 2 frames, got shape {frames.shape}")
    if len(sampling_maps) != len(frames) - 1:
        raise ValueError(f"need {len(frames) - 1} sampling maps for {len(frames)} frames, got {len(sampling_maps)}")
    errors, counts = 0.0, 0
    for t, (rows, cols, valid) in enumerate(sampling_maps):
        if not np.any(valid):
            continue
        coords = [np.where(valid, rows, 0), np.where(valid, cols, 0)]
        warped = np.stack([map_coordinates(frames[t][..., c], coords, order=1, mode="nearest")
                           for c in range(frames.shape[-1])], axis=-1)
        diff = np.abs(frames[t + 1] - warped)[valid]
        errors += diff.sum()
        counts += diff.size
    if counts == 0:
        raise ValueError("no pixel of one frame is visible in the next: the motion is too large")
    return float(errors / counts)


# ------------------------------------------------------------ 06 fusion and quality: style distance
# No pretrained VGG is available offline, so "how much style" is measured with statistics a
# style changes and that do not depend on where things are: the colour distribution
# (sliced Wasserstein) and Gram-free texture statistics (edge-strength and local-binary-pattern
# histograms). Each is a distance from an image (or a set) to the style set: 0 = same statistics.
GRADIENT_BINS = np.concatenate([[0.0], np.geomspace(0.005, 1.5, 15)])  # Sobel magnitude of a [0, 1] image


LBP_POINTS = 8  # uniform LBP with 8 neighbours: 10 codes (9 uniform patterns + "other")


def _image_set(images, name: str) -> list:
    """One H×W×3 image or a set (N×H×W×3, or a list of images of any sizes) -> list of float64 images."""
    if isinstance(images, (list, tuple)):
        items = [np.asarray(x, dtype=np.float64) for x in images]
    else:
        arr = np.asarray(images, dtype=np.float64)
        items = [arr] if arr.ndim == 3 else list(arr) if arr.ndim == 4 else [arr]
    if not items:
        raise ValueError(f"{name} is empty: give at least one H×W×3 image")
    for x in items:
        if x.ndim != 3 or x.shape[-1] != 3 or x.shape[0] < 3 or x.shape[1] < 3:
            raise ValueError(f"{name} must hold H×W×3 images (at least 3×3), got one of shape {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} contains NaN or inf")
    return items


MAX_COLOUR_SAMPLES = 16384  # pixels drawn (without replacement, fixed seed) from a large set


def _colour_quantiles(images, directions, n_quantiles: int, seed: int) -> np.ndarray:
    pixels = np.concatenate([x.reshape(-1, 3) for x in images])
    if len(pixels) > MAX_COLOUR_SAMPLES:
        pixels = pixels[np.random.default_rng(seed).choice(len(pixels), MAX_COLOUR_SAMPLES, replace=False)]
    projected = np.sort(pixels @ directions, axis=0)
    rows = ((np.arange(n_quantiles) + 0.5) / n_quantiles * len(projected)).astype(int)
    return projected[rows]  # n_quantiles × n_directions


def _directions(n_projections: int, n_quantiles: int, seed: int) -> np.ndarray:
    if n_projections < 1 or n_quantiles < 2:
        raise ValueError(f"need n_projections >= 1 and n_quantiles >= 2, got {n_projections}, {n_quantiles}")
    directions = np.random.default_rng(seed).standard_normal((3, n_projections))
    return directions / np.linalg.norm(directions, axis=0, keepdims=True)


def colour_distance(images, style_set, n_projections: int = 32, n_quantiles: int = 128, seed: int = 0) -> float:
    """Sliced Wasserstein-2 distance between the RGB colour distributions of ``images`` and ``style_set``.

    Both are clouds of pixels in the RGB cube; each of ``n_projections`` fixed random unit
    directions projects them to 1-D, where optimal transport just matches quantiles. The
    result is in RGB units (0 = same palette in the same proportions; about 0.1 = clearly
    different). Sets of different sizes compare fine (quantiles, not pixels); sets larger
    than :data:`MAX_COLOUR_SAMPLES` pixels are subsampled with ``seed``.
    """
    return StyleReference(style_set, n_projections, n_quantiles, seed).colour_distance(images)


def texture_statistics(images) -> np.ndarray:
    """A Gram-free texture descriptor of an image or a set: two normalised histograms, concatenated.

    * edge strength: the Sobel gradient magnitude of the grey image in log-spaced bins
      (flat cel shading with dark outlines gives many zeros and a few strong edges);
    * micro-texture: uniform local binary patterns (8 neighbours, radius 1), the classic
      rotation-invariant texture code (flat, edge, corner, spot ... patterns).
    Both histograms are pooled over every pixel of the set and each sums to 1.
    """
    from skimage.color import rgb2gray
    from skimage.feature import local_binary_pattern
    from skimage.filters import sobel

    grad = np.zeros(len(GRADIENT_BINS), dtype=np.float64)
    lbp = np.zeros(LBP_POINTS + 2, dtype=np.float64)
    for x in _image_set(images, "images"):
        grey = rgb2gray(np.clip(x, 0.0, 1.0))
        mag = sobel(grey)
        grad += np.bincount(np.digitize(mag.ravel(), GRADIENT_BINS[1:]), minlength=len(GRADIENT_BINS))
        codes = local_binary_pattern((grey * 255).astype(np.uint8), LBP_POINTS, 1, method="uniform")
        lbp += np.bincount(codes.astype(int).ravel(), minlength=LBP_POINTS + 2)
    return np.concatenate([grad / grad.sum(), lbp / lbp.sum()])


def _texture_tv(a, b) -> float:
    n = len(GRADIENT_BINS)
    return float(0.25 * (np.abs(a[:n] - b[:n]).sum() + np.abs(a[n:] - b[n:]).sum()))


def texture_distance(images, style_set) -> float:
    """Half the mean L1 distance between the two texture histograms of :func:`texture_statistics`:
    the total-variation distance, in [0, 1] (0 = same texture statistics, 1 = disjoint)."""
    return _texture_tv(texture_statistics(images), texture_statistics(style_set))


class StyleReference:
    """The style set's statistics, computed once, so many candidates (a strength curve) are cheap to score."""

    def __init__(self, style_set, n_projections: int = 32, n_quantiles: int = 128, seed: int = 0):
        self.directions = _directions(n_projections, n_quantiles, seed)
        self.n_quantiles, self.seed = n_quantiles, seed
        items = _image_set(style_set, "style_set")
        self.colour_quantiles = _colour_quantiles(items, self.directions, n_quantiles, seed)
        self.texture = texture_statistics(items)

    def colour_distance(self, images) -> float:
        q = _colour_quantiles(_image_set(images, "images"), self.directions, self.n_quantiles, self.seed)
        return float(np.sqrt(np.mean((q - self.colour_quantiles) ** 2)))

    def texture_distance(self, images) -> float:
        return _texture_tv(texture_statistics(images), self.texture)

    def distance(self, images) -> dict:
        """``colour``, ``texture`` and ``total`` = colour + texture (lower = more like the style)."""
        colour, texture = self.colour_distance(images), self.texture_distance(images)
        return {"colour": colour, "texture": texture, "total": colour + texture}


def style_distance(images, style_set, **colour_options) -> dict:
    """How far ``images`` are from the style set: ``colour`` (:func:`colour_distance`), ``texture``
    (:func:`texture_distance`) and ``total`` = colour + texture (both are about 0–0.5 in practice;
    lower = more like the style). Use :class:`StyleReference` to score many images against one set."""
    return StyleReference(style_set, **colour_options).distance(images)


# ------------------------------------------------------------ 01 minimax math (a 1-D toy GAN)
def histogram_density(samples, grid) -> np.ndarray:
    """Density of 1-D ``samples`` at the points of an evenly spaced ``grid`` (a histogram with one
    bin centred on each grid point). With many samples it follows sharp edges a KDE would blur."""
    x = np.asarray(samples, dtype=np.float64).ravel()
    g = np.asarray(grid, dtype=np.float64).ravel()
    if g.size < 2 or not np.allclose(np.diff(g), g[1] - g[0]) or g[1] <= g[0]:
        raise ValueError("grid must be at least 2 increasing, evenly spaced points")
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError("samples must be a non-empty array of finite numbers")
    step = g[1] - g[0]
    edges = np.concatenate([g - step / 2, [g[-1] + step / 2]])
    return np.histogram(x, bins=edges)[0] / (x.size * step)
