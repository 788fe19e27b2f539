"""Target styles made by algorithms, so every stylized image has a ground truth.

A GAN learns a style from unpaired examples, but to *measure* how well it
learned we need the answer: here each style is a deterministic function
S(x) (non-photorealistic rendering), so G(x) can be scored against S(x).

Every style is

* deterministic: the same image always gives the same output;
* clearly visible: PSNR(x, S(x)) ≤ 20 dB on the course's test images;
* local: the output at a pixel depends only on a window around it (its
  ``patch`` size in :data:`STYLES`), never on the whole image or on where the
  pixel is, so a convolutional generator can learn it from crops. The one
  exception is ``pixel_art``, whose blocks are aligned to the image origin:
  crop it at offsets that are multiples of its block (``align=4`` in
  :func:`gvr_helpers.unpaired_data.course_style_data` or :func:`~gvr_helpers.unpaired_data.unpaired_data`).

Also here: two classic baselines that a GAN should beat, histogram matching and Reinhard colour
transfer. The unpaired data built from these styles is :mod:`gvr_helpers.unpaired_data`'s.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import ndimage
from skimage import color, exposure, filters, morphology

from .checks import choice
from .data import as_image


# ------------------------------------------------------------------ building blocks
def _hex(*codes):
    return np.array([[int(c[i:i + 2], 16) / 255 for i in (0, 2, 4)] for c in codes])


# The 16 colours of the PICO-8 fantasy console, a well-known pixel-art palette.
PIXEL_PALETTE = _hex("000000", "1d2b53", "7e2553", "008751", "ab5236", "5f574f", "c2c3c7", "fff1e8",
                     "ff004d", "ffa300", "ffec27", "00e436", "29adff", "83769c", "ff77a8", "ffccaa")
# Inks of a woodblock print on cream paper.
WOODBLOCK_PALETTE = _hex("f2e6c9", "e0c07a", "c8553d", "8c2f1b", "5d7a55", "2e4a62", "1b2838", "9fb4c0")
INK_PAPER = np.array([0.96, 0.93, 0.85])
INK_TONES = np.array([0.0, 0.35, 0.62, 1.0])  # share of paper showing through, dark to light
INK_COLOUR = np.array([0.08, 0.08, 0.12])


def snap_to_palette(image, palette):
    """Replace every pixel by the nearest palette colour (distance in CIE Lab)."""
    lab = color.rgb2lab(image).reshape(-1, 3)
    pal_lab = color.rgb2lab(palette[None].astype(np.float64))[0]
    d = ((lab[:, None, :] - pal_lab[None, :, :]) ** 2).sum(-1)
    return palette[np.argmin(d, axis=1)].reshape(image.shape)


def dark_edges(image, sigma: float = 1.0, threshold: float = 0.08, width: int = 1):
    """Boolean mask of strong luminance edges, thickened to ``width`` pixels each side."""
    lum = filters.gaussian(color.rgb2gray(image), sigma=sigma)
    edges = filters.sobel(lum) > threshold
    return morphology.dilation(edges, morphology.disk(width)) if width > 0 else edges


def _posterize_hsv(image, hues=12, sats=4, values=4):
    hsv = color.rgb2hsv(image)
    hsv[..., 0] = np.round(hsv[..., 0] * hues) / hues % 1.0
    hsv[..., 1] = np.round(hsv[..., 1] * (sats - 1)) / (sats - 1)
    hsv[..., 2] = (np.floor(hsv[..., 2] * values * 0.999) + 0.75) / values
    return color.hsv2rgb(hsv)


# ------------------------------------------------------------------ the styles
def toon(image):
    """Cel shading: smoothed colours snapped to a few hues, saturations and light levels, dark outlines."""
    x = as_image(image)
    flat = _posterize_hsv(filters.gaussian(x, sigma=1.5, channel_axis=-1))
    out = np.where(dark_edges(x, sigma=1.5, threshold=0.07, width=0)[..., None], 0.05, flat)
    return np.clip(out, 0, 1).astype(np.float32)


def woodblock(image):
    """Woodblock print: a median-flattened image printed with eight inks, thick black key lines."""
    x = as_image(image)
    flat = ndimage.median_filter(x, size=(5, 5, 1), mode="reflect")
    inked = snap_to_palette(flat, WOODBLOCK_PALETTE)
    out = np.where(dark_edges(x, sigma=1.5, threshold=0.05, width=1)[..., None], WOODBLOCK_PALETTE[6], inked)
    return out.astype(np.float32)


def pixel_art(image, block: int = 4):
    """Pixel art: block means (blocks aligned to the image origin) in the PICO-8 palette."""
    x = as_image(image)
    h, w = x.shape[:2]
    padded = np.pad(x, ((0, -h % block), (0, -w % block), (0, 0)), mode="edge")
    hb, wb = padded.shape[0] // block, padded.shape[1] // block
    small = padded.reshape(hb, block, wb, block, 3).mean(axis=(1, 3))
    small = snap_to_palette(small, PIXEL_PALETTE)
    return np.repeat(np.repeat(small, block, 0), block, 1)[:h, :w].astype(np.float32)


def painterly(image, length: int = 11):
    """Oil-paint look: colours smeared along the local edge direction, then boosted and banded.

    The direction comes from the smoothed structure tensor; each pixel averages
    ``length`` samples along the tangent (a line-integral stroke).
    """
    x = as_image(image)
    lum = color.rgb2gray(x)
    gy, gx = np.gradient(filters.gaussian(lum, 1.0))
    jxx, jyy, jxy = (filters.gaussian(a, 2.5) for a in (gx * gx, gy * gy, gx * gy))
    theta = 0.5 * np.arctan2(2 * jxy, jxx - jyy) + np.pi / 2  # along the edges, not across
    dx, dy = np.cos(theta), np.sin(theta)
    h, w = lum.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    acc = np.zeros_like(x, dtype=np.float64)
    for s in np.linspace(-(length - 1) / 2, (length - 1) / 2, length):
        coords = [yy + s * dy, xx + s * dx]
        for c in range(3):
            acc[..., c] += ndimage.map_coordinates(x[..., c], coords, order=1, mode="reflect")
    stroke = acc / length
    hsv = color.rgb2hsv(np.clip(stroke, 0, 1))
    hsv[..., 1] = np.clip(hsv[..., 1] * 2.0 + 0.12, 0, 1)
    hsv[..., 2] = np.clip((np.round(hsv[..., 2] * 4) / 4) * 1.05, 0, 1)
    out = color.hsv2rgb(hsv)
    warm = np.array([1.05, 0.97, 0.82])
    return np.clip(out * warm, 0, 1).astype(np.float32)


def ink_wash(image):
    """Ink wash (sumi-e): four ink tones on cream paper, dark brush outlines."""
    x = as_image(image)
    lum = filters.gaussian(color.rgb2gray(x), sigma=1.2)
    lum = exposure.rescale_intensity(lum, in_range=(0.05, 0.95), out_range=(0.0, 1.0))
    tone = INK_TONES[np.clip((lum * len(INK_TONES)).astype(int), 0, len(INK_TONES) - 1)]
    out = INK_COLOUR + (INK_PAPER - INK_COLOUR) * tone[..., None]
    out = np.where(dark_edges(x, sigma=1.2, threshold=0.05, width=1)[..., None], INK_COLOUR, out)
    return out.astype(np.float32)


@dataclass(frozen=True)
class Style:
    """An algorithmic style: its function, its patch size and what it looks like.

    ``patch``: the output at a pixel is decided (to within 1/255) by the
    ``patch``×``patch`` window around it (tests/test_styles.py checks it), so a
    generator and a discriminator need at least that receptive field.
    """

    fn: Callable
    patch: int
    description: str


STYLES = {
    "toon": Style(toon, 11, "cel shading: few hues and light levels, dark outlines"),
    "woodblock": Style(woodblock, 13, "eight flat inks on cream paper, thick key lines"),
    "painterly": Style(painterly, 21, "strokes along edges, boosted colour, warm varnish"),
    "pixel_art": Style(pixel_art, 4, "4×4 blocks in the 16-colour PICO-8 palette (origin-aligned)"),
    "ink_wash": Style(ink_wash, 11, "four ink tones on paper, brush outlines"),
}


def check_style(name: str) -> str:
    """``name`` if it is one of :data:`STYLES`, else a ValueError that lists them."""
    return choice("style", name, sorted(STYLES))


def apply_style(name: str, image):
    """S(image) for the style ``name``; accepts one H×W×3 image or a batch N×H×W×3."""
    check_style(name)
    arr = np.asarray(image)
    if arr.ndim == 4:
        return np.stack([STYLES[name].fn(x) for x in arr])
    return STYLES[name].fn(arr)


def identity_psnr(name: str, images) -> float:
    """Mean PSNR (dB) between images and their stylized versions: low = a clearly visible style."""
    from .metrics import psnr

    return float(np.mean([psnr(apply_style(name, x), x) for x in images]))


# ------------------------------------------------------------------ classic baselines
def _reference_pixels(reference):
    ref = np.asarray(reference, dtype=np.float64)
    if ref.ndim == 4:  # a set of images: use all their pixels
        ref = ref.reshape(1, -1, 3)
    return ref


def histogram_match(image, reference):
    """Give ``image`` the per-channel colour histograms of ``reference`` (an image or a set)."""
    x = as_image(image)
    out = exposure.match_histograms(x, _reference_pixels(reference), channel_axis=-1)
    return np.clip(out, 0, 1).astype(np.float32)


def reinhard_transfer(image, reference):
    """Reinhard et al. (2001) colour transfer: match the mean and spread of each channel.

    Reinhard used the lαβ space; CIE Lab (scikit-image) is as decorrelated for this purpose.
    """
    x = color.rgb2lab(as_image(image))
    ref = color.rgb2lab(_reference_pixels(reference))
    mu_x, sd_x = x.reshape(-1, 3).mean(0), x.reshape(-1, 3).std(0)
    mu_r, sd_r = ref.reshape(-1, 3).mean(0), ref.reshape(-1, 3).std(0)
    out = (x - mu_x) / np.maximum(sd_x, 1e-6) * sd_r + mu_r
    with warnings.catch_warnings():  # colours outside the sRGB gamut are expected; they are clipped
        warnings.simplefilter("ignore", UserWarning)
        rgb = color.lab2rgb(out)
    return np.clip(rgb, 0, 1).astype(np.float32)


BASELINES = {"histogram_match": histogram_match, "reinhard": reinhard_transfer}
