"""Checks for notebooks 07–09: panoramas, stereo and head motion, and the VR use cases."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .common import call, call_number, check_close, read_choice, report


# ------------------------------------------------------------ 07 VR panoramas
def check_row_latitudes(fn: Callable) -> bool:
    """Exercise 7.1: the latitude (degrees) of the centre of every row of an h-row panorama."""
    name = "row latitudes"
    ok, got = call(name, fn, 4)
    if not ok:
        return False
    expected = 90.0 - (np.arange(4) + 0.5) * 180.0 / 4
    hint = "Row i covers latitudes 90 - 180·i/h down to 90 - 180·(i+1)/h: take its centre, i + 0.5."
    if np.allclose(np.asarray(got, dtype=float), 90.0 - np.arange(4) * 180.0 / 4):
        hint = "Those are the rows' top edges; the question asks for the centres (i + 0.5)."
    if not check_close(name, got, expected, hint=hint, inputs="h=4"):
        return False
    ok, got = call(name, fn, 512)
    return ok and check_close(name, got, 90.0 - (np.arange(512) + 0.5) * 180.0 / 512, inputs="h=512")


def check_wrap_pad(fn: Callable) -> bool:
    """Exercise 7.2: pad a panorama by p columns on each side with the columns from the other side."""
    name = "wrap padding"
    x = np.random.default_rng(0).random((3, 8, 3)).astype(np.float32)
    ok, got = call(name, fn, x, 2)
    if not ok:
        return False
    expected = np.concatenate([x[:, -2:], x, x[:, :2]], axis=1)
    got_arr = np.asarray(got)
    if got_arr.shape == expected.shape and np.allclose(got_arr, np.pad(x, ((0, 0), (2, 2), (0, 0)), mode="reflect")):
        return report(name, False, "that is reflect padding; a panorama continues with its *other* edge "
                                   "(np.pad(..., mode='wrap') or np.concatenate).")
    hint = "Left of column 0 comes the last p columns, right of the last column the first p columns."
    return check_close(name, got, expected, hint=hint, inputs="an 3×8 image and p=2")


# ------------------------------------------------------------ 08 VR stereo and motion
def check_right_from_left(fn: Callable) -> bool:
    """Exercise 8.1: carry the left eye's stylized image to the right eye along the right-view disparity."""
    name = "left to right warp"
    rng = np.random.default_rng(1)
    left = rng.random((4, 10, 3))
    d_right = np.full((4, 10), 2.0)
    d_right[:, -2:] = np.nan
    ok, got = call(name, fn, left, d_right)
    if not ok:
        return False
    from ..metrics import warp_horizontal

    expected, valid = warp_horizontal(left, d_right)
    got_arr = np.asarray(got, dtype=float)
    if got_arr.shape != expected.shape:
        return report(name, False, f"expected an image of shape {expected.shape}, got {got_arr.shape}.")
    if np.allclose(got_arr[valid], warp_horizontal(left, -d_right)[0][valid]):
        return report(name, False, "the sign is flipped: right pixel x sees left pixel x + d.")
    return check_close(name, got_arr[valid], expected[valid],
                       hint="use metrics.warp_horizontal(stylized_left, disparity_right)[0]")


def check_screen_space_ms(fn: Callable) -> bool:
    """Exercise 8.3: ms per frame to stylize both eyes, from MACs per pixel and a MAC rate."""
    name = "screen-space cost"
    ok, got = call(name, fn, 1000.0, (100, 200), 1e9)
    if not ok:
        return False
    expected = 2 * 100 * 200 * 1000.0 / 1e9 * 1000
    hint = "both eyes × pixels per eye × MACs per pixel, divided by MACs per second, in milliseconds"
    if np.isclose(float(np.asarray(got, dtype=float).ravel()[0]), expected / 2):
        hint = "that is one eye; a headset draws two."
    return check_close(name, got, expected, rtol=1e-6, hint=hint,
                       inputs="1000 MACs/pixel, eyes of 100×200, 1e9 MACs/s")


# ------------------------------------------------------------ 09 VR use cases
def check_strongest_alpha(fn: Callable) -> bool:
    """Exercise 9.1: the strongest style strength whose fused image keeps SSIM >= floor to the original."""
    name = "strongest alpha"
    from ..metrics import ssim

    rng = np.random.default_rng(2)
    original = rng.random((32, 32, 3)).astype(np.float32)
    stylized = rng.random((32, 32, 3)).astype(np.float32)
    alphas = np.linspace(0, 1, 11)
    ok, got = call(name, fn, original, stylized, 0.6, alphas)
    if not ok:
        return False
    keeps = [a for a in alphas if ssim((1 - a) * original + a * stylized, original) >= 0.6]
    expected = max(keeps)
    return check_close(name, got, expected, atol=1e-9,
                       hint="try every alpha, keep those with ssim(fused, original) >= floor, return the largest",
                       inputs="two random images, floor 0.6, alphas 0, 0.1, ..., 1")


def check_seamless(stylize: Callable, panorama) -> bool:
    """Exercise 9.2: a stylization of a panorama without a wrap seam that turns with the head.

    The test is exact: if stylizing commutes with rolls along the longitude,
    the wrap column pair is stylized like every interior pair, so there is no
    seam to see. The seam ratio (which depends on the scenery) is only reported.
    """
    name = "seamless skybox"
    from ..metrics import wrap_seam_ratio, yaw_equivariance_mse

    ok, got = call(name, stylize, panorama)
    if not ok:
        return False
    got = np.asarray(got)
    if got.shape != np.asarray(panorama).shape:
        return report(name, False, f"expected a panorama of shape {np.shape(panorama)}, got {got.shape}.")
    ratio = wrap_seam_ratio(got) / max(wrap_seam_ratio(panorama), 1e-12)
    mse = yaw_equivariance_mse(stylize, panorama, 16)
    if mse > 1e-6:
        return report(name, False, f"turning the world by 16 columns changes the result (MSE {mse:.2g}; "
                                   f"wrap seam {ratio:.2f}× the input's); use method='circular' with a pad "
                                   "that covers the receptive field.")
    return report(name, True, f"yaw MSE {mse:.1e}: the wrap is stylized like any other column "
                              f"(seam ratio {ratio:.2f}× the input's, which depends on the scenery)")


# ------------------------------------------------------------ predictions and design decisions
# ---- 07: the padding a seam-free pass needs
def _wrap_stylize(generator, panorama, p: int) -> np.ndarray:
    from ..translators import translate

    x = np.concatenate([panorama[:, -p:], panorama, panorama[:, :p]], axis=1) if p else panorama
    out = translate(generator, x)
    return out[:, p:out.shape[1] - p] if p else out


def measured_min_wrap_pad(generator, panorama, shift: int = 8, tolerance: float = 1e-9) -> int:
    """The fewest wrap-around columns p for which stylizing the p-padded panorama commutes with a
    yaw roll (MSE ≤ ``tolerance``): measured by trying p = 0, 1, 2, … ."""
    for p in range(0, panorama.shape[1] // 2):
        rolled = _wrap_stylize(generator, np.roll(panorama, shift, axis=1), p)
        if float(np.mean((rolled - np.roll(_wrap_stylize(generator, panorama, p), shift, axis=1)) ** 2)) <= tolerance:
            return p
    raise ValueError("no padding up to half the width makes this translator commute with a roll")


def check_min_wrap_pad(answer, generator, panorama, receptive_field: int) -> bool:
    """Exercise 7.3: predict, from the receptive field alone, the fewest wrap-around columns a
    seam-free pass needs; the check measures it by trying every padding."""
    name = "fewest wrap columns"
    try:
        p = int(answer)
    except (TypeError, ValueError):
        return report(name, False, f"expected a whole number of columns, got {answer!r}.")
    if p != answer:
        return report(name, False, f"expected a whole number of columns, got {answer!r}.")
    measured = measured_min_wrap_pad(generator, panorama)
    if p == measured:
        return report(name, True, f"{p} columns: an output column sees {receptive_field // 2} columns to "
                                  f"each side; measured, fewer columns break the roll symmetry.")
    if p > measured:
        return report(name, False, f"{p} columns work but are not the fewest: measured, {measured} suffice. "
                                   "How many columns to each side does one output column see?")
    return report(name, False, f"with {p} columns a roll changes the result (measured: it needs {measured}). "
                               f"A receptive field of {receptive_field} px reaches how far to each side?")


# ---- 08: what the right eye sees that the left eye does not
def measured_disocclusion(d_near: int, d_far: int, width: int = 160, obj=(60, 90)):
    """A background at disparity ``d_far`` with an object at ``d_near`` in columns ``obj`` of the left
    view; forward-warp it to the right view and return ``(side, columns)`` of the band next to the
    object that no left pixel lands on (the right eye alone sees it)."""
    from ..metrics import forward_splat_disparity

    disparity = np.full((4, width), float(d_far))
    disparity[:, obj[0]:obj[1]] = float(d_near)
    nearest, _, _ = forward_splat_disparity(disparity)
    hole = ~np.isfinite(nearest[0])
    x0, x1 = obj[0] - d_near, obj[1] - d_near       # the object in the right view
    reach = range(max(0, x0 - 2 * d_near), x0), range(x1, min(width - d_far - 1, x1 + 2 * d_near))
    left, right = int(hole[list(reach[0])].sum()), int(hole[list(reach[1])].sum())
    if left and right:
        return "both", left + right
    return ("left", left) if left else ("right", right) if right else ("none", 0)


def check_disocclusion(side, width_fn) -> bool:
    """Exercise 8.2 (prediction): on which side of a near object the right eye sees background the left
    eye does not, and how many columns wide that band is, as a function of the two disparities. The
    check warps left-view disparity maps to the right view and measures the band."""
    name = "what only the right eye sees"
    ok, side = read_choice(name, side, ("left", "right"), "side")
    if not ok:
        return False
    cases = [(12, 2), (8, 3), (20, 0), (6, 5), (15, 9)]
    for d_near, d_far in cases:
        where, columns = measured_disocclusion(d_near, d_far)
        if side != where:
            return report(name, False, f"measured for a near object at d = {d_near} px in front of a background at "
                                       f"{d_far} px: the band is on the {where} of the object in the right view. "
                                       "The right eye sits to the right: which background does it see behind the "
                                       "object's edge?")
        ok, got = call_number(name, width_fn, d_near, d_far, what="a number of columns")
        if not ok:
            return False
        if abs(got - columns) > 1e-9:
            return report(name, False, f"for d_near = {d_near}, d_far = {d_far} the measured band is {columns} columns "
                                       f"wide, you said {got:g}. The object moves by d_near, the background behind "
                                       "it by d_far.")
    return report(name, True, f"{len(cases)} scenes measured: the band is on the {side} of the object, "
                              "d_near - d_far columns wide")


# ---- 09: which fusion keeps a face best?
def measured_fusion_ssim(original, stylized) -> dict:
    """Content SSIM to the original of each fusion at full strength (alpha = the stylized image)."""
    from ..fusion import FUSIONS
    from ..metrics import ssim

    return {m: ssim(np.asarray(FUSIONS[m](stylized, original), np.float32), original)
            for m in ("alpha", "luminance", "laplacian")}


def check_fusion_keeps_face(answer, originals, stylized) -> bool:
    """Exercise 9.2: predict which fusion, at full strength, keeps the most of a face's structure
    (highest SSIM to the original, averaged over the portraits); the check measures all three."""
    name = "fusion that keeps the face"
    options = ("alpha", "luminance", "laplacian")
    if answer not in options:
        return report(name, False, f"answer one of {options}, got {answer!r}.")
    scores = [measured_fusion_ssim(o, s) for o, s in zip(originals, stylized)]
    mean = {m: float(np.mean([s[m] for s in scores])) for m in options}
    best = max(mean, key=mean.get)
    table = ", ".join(f"{m} {v:.2f}" for m, v in mean.items())
    if answer == best:
        return report(name, True, f"measured mean SSIM at full strength: {table}.")
    return report(name, False, f"measured mean SSIM at full strength: {table}. Which fusion keeps all of the original's "
                               "detail bands and takes only the style's low-pass colours?")
