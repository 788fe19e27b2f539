"""Numbers that say how good a result is: fidelity to a ground truth, seams,
stereo agreement. Images are float arrays in [0, 1], H×W×C (or H×W)."""
from __future__ import annotations

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


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


def occlusion_mask(disparity_left, tolerance: float = 0.5):
    """True where a left-view pixel is also visible in the right view.

    Each left pixel x lands on right pixel x - d; where several land on the
    same right pixel the nearest one (largest disparity) hides the others.
    Pixels with non-finite disparity are not visible.
    """
    d = np.asarray(disparity_left, dtype=np.float64)
    h, w = d.shape
    finite = np.isfinite(d)
    target = np.round(np.arange(w)[None, :] - np.where(finite, d, 0)).astype(int)
    inside = finite & (target >= 0) & (target < w)
    rows = np.broadcast_to(np.arange(h)[:, None], (h, w))
    nearest = np.full((h, w), -np.inf)
    np.maximum.at(nearest, (rows[inside], target[inside]), d[inside])
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


# ------------------------------------------------------------ data and world (issue 4: data, world, styles)
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
