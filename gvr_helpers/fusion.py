"""Step 4 of the pipeline: fuse the stylized image with the original, and choose how much style.

The fusions (alpha, luminance-only, colour-only, Laplacian-pyramid) each mix y = G(x) back with x;
:func:`strength_curve` traces one of them from the original to full strength against the style
distances of :mod:`gvr_helpers.metrics`, and :func:`choose_strength` picks the strength that keeps
enough of the original. :func:`train_style_critic` gives a discriminator to judge fused results
with when no GAN's D is at hand.
"""
from __future__ import annotations

import numpy as np

from .config import set_seed
from .data import ImageError, as_image as check_image, random_crops
from .transfer import realism_score
from .checks import integer


# ------------------------------------------------------------ the fusions
# Step 4 mixes the stylized result y = G(x) back with the original x. Every function takes
# (stylized, original) in that order and returns a float32 H×W×3 image in [0, 1].
COLOUR_SPACES = ("ycbcr", "lab")
LUMA_RANGE = 219.0  # skimage's rgb2ycbcr: Y = 16 + 65.481 R + 128.553 G + 24.966 B (coefficients sum to 219)
_GAMUT_TOL = 1e-4   # Lab units: a colour is in the sRGB gamut when it survives lab -> rgb -> lab
_BISECTIONS = 14


def _fusion_pair(stylized, original):
    s, o = check_image(stylized, "stylized"), check_image(original, "original")
    if s.shape != o.shape:
        raise ImageError(f"stylized {s.shape} and original {o.shape} must have the same shape")
    return s.astype(np.float64), o.astype(np.float64)


def _check_space(space):
    if space not in COLOUR_SPACES:
        raise ValueError(f"space must be one of {COLOUR_SPACES}, got {space!r}")


def fuse_alpha(stylized, original, alpha: float) -> np.ndarray:
    """The simplest fusion, (1 - alpha)·original + alpha·stylized: alpha = 0 gives the original, 1 the
    stylized image."""
    number = isinstance(alpha, (int, float, np.integer, np.floating)) and not isinstance(alpha, bool)
    if not number or not np.isfinite(alpha) or not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"alpha must be a number in [0, 1], got {alpha!r}")
    a, b = check_image(original, "original"), check_image(stylized, "stylized")
    if a.shape != b.shape:
        raise ImageError(f"original {a.shape} and stylized {b.shape} must have the same shape")
    return ((1.0 - alpha) * a + alpha * b).astype(np.float32)


def _lab_in_gamut(lab):
    import warnings

    from skimage.color import lab2rgb, rgb2lab

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lab2rgb warns about the out-of-gamut colours we are testing for
        rgb = lab2rgb(lab)
    return np.max(np.abs(rgb2lab(rgb) - lab), axis=-1) < _GAMUT_TOL, rgb


def _swap_luminance(luminance_from, chroma_from, space):
    """``chroma_from``'s chroma, exactly, with ``luminance_from``'s luminance where the sRGB gamut allows.

    YCbCr: adding the same amount d to R, G and B moves Y by 219·d and leaves Cb and Cr
    unchanged (their coefficients sum to 0), so the result is chroma_from + d with d clamped
    to keep every channel in [0, 1]; that range always contains d = 0, so it is never empty.
    Lab: L is replaced, a* and b* kept; where that colour is outside sRGB, L is moved back
    towards chroma_from's own L (in gamut by definition) by bisection until it fits.
    """
    from skimage.color import rgb2lab, rgb2ycbcr

    if space == "ycbcr":
        d = (rgb2ycbcr(luminance_from)[..., 0] - rgb2ycbcr(chroma_from)[..., 0]) / LUMA_RANGE
        d = np.clip(d, -chroma_from.min(axis=-1), 1.0 - chroma_from.max(axis=-1))
        return np.clip(chroma_from + d[..., None], 0.0, 1.0).astype(np.float32)
    lab = rgb2lab(chroma_from)
    start, target = lab[..., 0].copy(), rgb2lab(luminance_from)[..., 0]
    lo, hi = np.zeros_like(start), np.ones_like(start)  # how far from start to target: lo fits, hi may not
    lab[..., 0] = target
    ok, _ = _lab_in_gamut(lab)
    lo[ok] = 1.0
    for _ in range(_BISECTIONS if not ok.all() else 0):
        mid = np.where(ok, 1.0, 0.5 * (lo + hi))
        lab[..., 0] = start + mid * (target - start)
        inside, _ = _lab_in_gamut(lab)
        lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
    lab[..., 0] = start + lo * (target - start)
    _, rgb = _lab_in_gamut(lab)
    return np.clip(rgb, 0.0, 1.0).astype(np.float32)


def fuse_luminance(stylized, original, space: str = "ycbcr") -> np.ndarray:
    """Luminance-only transfer: the stylized image's light and dark, the original's colours.

    The original's chroma (Cb, Cr in ``space="ycbcr"``; a*, b* in ``"lab"``) is kept exactly;
    the luminance is the stylized one wherever that colour exists in sRGB (see :func:`_swap_luminance`).
    """
    _check_space(space)
    s, o = _fusion_pair(stylized, original)
    return _swap_luminance(s, o, space)


def fuse_colour(stylized, original, space: str = "ycbcr") -> np.ndarray:
    """Colour-only transfer: the stylized image's palette (chroma, kept exactly), the original's shading."""
    _check_space(space)
    s, o = _fusion_pair(stylized, original)
    return _swap_luminance(o, s, space)


def _expand(image, shape):
    from skimage.transform import resize

    return resize(image, shape, order=1, mode="reflect", anti_aliasing=False)


def pyramid_levels(shape, smallest: int = 8) -> int:
    """How many times an image of ``shape`` halves before its short side drops below ``smallest``."""
    side = min(shape[:2])
    return max(0, int(np.floor(np.log2(max(side, 1) / smallest))))


def laplacian_pyramid(image, levels: int | None = None) -> list:
    """Burt–Adelson Laplacian pyramid: bands[i] = G_i - expand(G_{i+1}) for i < levels (band 0 =
    the finest detail), bands[levels] = G_levels (the blurred, small low-pass image).

    G comes from skimage.transform.pyramid_gaussian. (skimage's own pyramid_laplacian
    subtracts a blur at the same size, so it cannot be summed back into the image.)
    :func:`reconstruct_laplacian` inverts this exactly, whatever the bands were made of.
    """
    from skimage.transform import pyramid_gaussian

    x = check_image(image).astype(np.float64)
    most = pyramid_levels(x.shape, smallest=1)
    levels = pyramid_levels(x.shape) if levels is None else levels
    if not isinstance(levels, (int, np.integer)) or isinstance(levels, bool) or not 0 <= levels <= most:
        raise ValueError(f"levels must be an integer in [0, {most}] for an image of shape {x.shape}, got {levels!r}")
    gauss = list(pyramid_gaussian(x, max_layer=int(levels), downscale=2, channel_axis=-1))
    return [g - _expand(g_next, g.shape) for g, g_next in zip(gauss[:-1], gauss[1:])] + [gauss[-1]]


def reconstruct_laplacian(bands) -> np.ndarray:
    """Sum a Laplacian pyramid back into an image (float64, not clipped)."""
    if not bands:
        raise ValueError("need at least one band")
    image = np.asarray(bands[-1], dtype=np.float64)
    for band in reversed(bands[:-1]):
        image = np.asarray(band, dtype=np.float64) + _expand(image, band.shape)
    return image


def _band_indices(style_bands, n_bands: int) -> set:
    try:
        chosen = list(style_bands)
    except TypeError:
        raise ValueError(f"style_bands must be a list of band indices, got {style_bands!r}") from None
    out = set()
    for b in chosen:
        if not isinstance(b, (int, np.integer)) or isinstance(b, bool) or not -n_bands <= b < n_bands:
            raise ValueError(f"band {b!r} does not exist: this pyramid has bands 0 (finest detail) to "
                             f"{n_bands - 1} (low-pass colours and shapes); negative indices count from the end")
        out.add(int(b) % n_bands)
    return out


def fuse_laplacian(stylized, original, style_bands=(-1,), levels: int | None = None) -> np.ndarray:
    """Laplacian-pyramid fusion: the style's bands in ``style_bands``, the original's everywhere else.

    Band 0 is the finest detail, band ``levels`` (or -1) the low-pass image (average colours and
    large shapes). ``style_bands=(-1,)`` keeps the original's detail on the style's colours;
    ``style_bands=(0, 1)`` puts the style's fine strokes and outlines on the original's colours.
    """
    s, o = _fusion_pair(stylized, original)
    ps, po = laplacian_pyramid(s, levels), laplacian_pyramid(o, levels)
    chosen = _band_indices(style_bands, len(ps))
    fused = [ps[i] if i in chosen else po[i] for i in range(len(ps))]
    return np.clip(reconstruct_laplacian(fused), 0.0, 1.0).astype(np.float32)


FUSIONS = {
    "alpha": lambda s, o: s,
    "luminance": fuse_luminance,
    "colour": fuse_colour,
    "laplacian": fuse_laplacian,
}


# ------------------------------------------------------------ how much style: the strength–fidelity curve
def _check_strengths(strengths) -> np.ndarray:
    t = np.asarray(strengths, dtype=np.float64)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or t.min() < 0 or t.max() > 1:
        raise ValueError(f"strengths must be a non-empty 1-D list of numbers in [0, 1], got {strengths!r}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("strengths must be strictly increasing")
    return t


def strength_curve(stylized, original, style_set, strengths=None, method: str = "alpha",
                   discriminator=None, reference=None, **method_options) -> dict:
    """Trace the strength–fidelity curve of one fusion ``method``.

    The full-strength result F = FUSIONS[method](stylized, original, **method_options) is blended
    with the original at each strength t (default 0, 0.1, ..., 1): (1 - t)·original + t·F. For each
    t, returns arrays of
    ``style_distance`` (to ``style_set``, :class:`gvr_helpers.metrics.StyleReference`: lower =
    more style) with its ``colour_distance`` and ``texture_distance`` parts, ``content_ssim`` and
    ``content_psnr`` against the original (higher = more faithful), ``realism`` = D's mean
    verdict when a ``discriminator`` is given, and ``reference_psnr`` against a ground truth
    ``reference`` (e.g. S(x)) when given.
    """
    from .metrics import StyleReference, psnr, ssim

    if method not in FUSIONS:
        raise ValueError(f"unknown fusion method {method!r}; choose one of {sorted(FUSIONS)}")
    t = _check_strengths(np.linspace(0.0, 1.0, 11) if strengths is None else strengths)
    s, o = _fusion_pair(stylized, original)
    full = np.asarray(FUSIONS[method](s.astype(np.float32), o.astype(np.float32), **method_options), np.float64)
    ref = StyleReference(style_set)
    if reference is not None:
        reference = check_image(reference, "reference")
        if reference.shape != o.shape:
            raise ImageError(f"reference {reference.shape} must have the original's shape {o.shape}")
    rows = []
    for ti in t:
        fused = ((1.0 - ti) * o + ti * full).astype(np.float32)
        dist = ref.distance(fused)
        row = {"style_distance": dist["total"], "colour_distance": dist["colour"],
               "texture_distance": dist["texture"], "content_ssim": ssim(fused, o), "content_psnr": psnr(fused, o)}
        if discriminator is not None:
            row["realism"] = realism_score(discriminator, fused)
        if reference is not None:
            row["reference_psnr"] = psnr(fused, reference)
        rows.append(row)
    curve = {key: np.array([r[key] for r in rows]) for key in rows[0]}
    return {"strength": t, "method": method, **curve}


CRITERIA = {"style_distance": np.argmin, "realism": np.argmax, "reference_psnr": np.argmax}


def choose_strength(curve: dict, floor: float = 0.7, criterion: str = "style_distance") -> dict:
    """The optimised strength: the best point of ``curve`` by ``criterion`` among those whose
    content SSIM to the original is at least ``floor``.

    Criteria: ``style_distance`` (smallest), ``realism`` (the discriminator's largest verdict)
    or ``reference_psnr`` (largest). A constrained 1-D problem solved exactly on the traced grid:
    trace a finer grid for a finer answer. Returns strength, index, value, content_ssim.
    """
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion {criterion!r}; choose one of {sorted(CRITERIA)}")
    if criterion not in curve:
        need = "a discriminator" if criterion == "realism" else "a reference image"
        raise ValueError(f"the curve has no {criterion!r} column: trace it with {need}")
    if not np.isscalar(floor) or not np.isfinite(floor) or not 0.0 < float(floor) <= 1.0:
        raise ValueError(f"floor is a content SSIM in (0, 1], got {floor!r}")
    ok = np.flatnonzero(np.asarray(curve["content_ssim"]) >= floor)
    if ok.size == 0:
        raise ValueError(f"no strength keeps content SSIM >= {floor} (best is "
                         f"{np.max(curve['content_ssim']):.3f}); lower the floor or include strength 0")
    values = np.asarray(curve[criterion])[ok]
    i = int(ok[CRITERIA[criterion](values)])
    return {"strength": float(curve["strength"][i]), "index": i, "criterion": criterion, "floor": float(floor),
            "value": float(curve[criterion][i]), "content_ssim": float(curve["content_ssim"][i])}


# ------------------------------------------------------------ a critic to judge fused results
def train_style_critic(style_images, content_images, steps: int = 200, crop: int = 32, batch_size: int = 16,
                       receptive_field: int = 16, seed: int = 0):
    """A PatchGAN discriminator trained for a few seconds to tell crops of the style set (real, 1)
    from crops of plain content photos (0): a stand-in for a GAN's D when judging fused results.

    A GAN's D learns the same question against G's outputs; this one has only seen the two ends,
    so its verdict (:func:`gvr_helpers.transfer.realism_score`) says how far along the way from
    content to style a fused image looks. No normalisation layer, so colour statistics count.
    """
    import keras

    from .models import build_discriminator

    integer("steps", steps)
    if len(style_images) == 0 or len(content_images) == 0:
        raise ValueError("need at least one style image and one content image")
    rng = np.random.default_rng(set_seed(seed))     # $GVR_SEED shifts it (config.seed_offset)
    half = steps * batch_size // 2 + 1
    style_images = [check_image(x, f"style image {i}") for i, x in enumerate(style_images)]
    content_images = [check_image(x, f"content image {i}") for i, x in enumerate(content_images)]
    x = np.concatenate(random_crops(rng, half, crop, style_images, per_image=True)
                       + random_crops(rng, half, crop, content_images, per_image=True))
    y = np.concatenate([np.ones(half), np.zeros(half)]).astype(np.float32)[:, None]
    order = rng.permutation(len(x))[:steps * batch_size]
    critic = build_discriminator("patchgan", filters=16, receptive_field=receptive_field, norm="none")
    mean_logit = keras.Sequential([critic, keras.layers.GlobalAveragePooling2D()])
    # The rate decays to 0 (cosine): at a constant rate the verdict is wherever the last batches
    # left it, and it changed with the crops drawn (benchmarks/results/critic_margin.md).
    rate = keras.optimizers.schedules.CosineDecay(1e-3, steps)
    mean_logit.compile(optimizer=keras.optimizers.Adam(rate), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                       metrics=["binary_accuracy"])
    mean_logit.fit(x[order], y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return critic
