"""Checks for notebooks 05–06: unpaired style transfer, then fusing its result with the original."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..losses import luminance
from .common import call, call_number, check_close, read_choice, read_choices, report


# ------------------------------------------------------------ 05 unpaired style transfer
def _check_cases(name: str, fn: Callable, cases, hint: str) -> bool:
    """Call fn on each case (args, expected, how the inputs are shown) and report the first failure."""
    for args, expected, shown in cases:
        ok, got = call(name, fn, *args)
        if not ok:
            return False
        if not _close(got, expected):
            return check_close(name, got, expected, atol=1e-9, inputs=shown, hint=hint)
    return report(name, True)


def _close(got, expected) -> bool:
    try:
        return bool(np.allclose(np.asarray(got, dtype=np.float64), expected, atol=1e-9, rtol=1e-5))
    except (TypeError, ValueError):
        return False


def check_gain_ratio(fn: Callable) -> bool:
    """fn(method_db, input_db, oracle_db) -> the share of the oracle's gain a method reaches."""
    cases = [((20.0, 18.0, 22.0), 0.5), ((18.0, 18.0, 21.0), 0.0), ((17.0, 18.0, 20.0), -0.5), ((23.0, 18.0, 23.0), 1.0)]
    return _check_cases("gain_ratio", fn, [(a, e, f"method={a[0]}, input={a[1]}, oracle={a[2]}") for a, e in cases],
                        "ratio = (method − input) / (oracle − input): a method worse than the input is negative.")


def check_sliced_wasserstein_1d(fn: Callable) -> bool:
    """fn(x, y) -> mean squared gap between sorted 1-D samples of equal size (1-D optimal transport)."""
    rng = np.random.default_rng(5)
    pairs = [(np.array([3.0, 1.0, 2.0]), np.array([2.0, 3.0, 1.0])), (np.array([0.0, 1.0]), np.array([1.5, 0.5])),
             (rng.random(50), rng.random(50) + 0.1)]
    cases = [((x.copy(), y.copy()), float(np.mean((np.sort(x) - np.sort(y)) ** 2)),
              f"x={np.round(x[:3], 3)}..., y={np.round(y[:3], 3)}...") for x, y in pairs]
    return _check_cases("wasserstein_1d", fn, cases,
                        "sort both samples first: the k-th smallest of x is transported to the k-th smallest of y.")


# ------------------------------------------------------------ 06 fusion and quality
def _luma601(x):
    return np.asarray(luminance(x))[..., 0]   # the course's one luma (Rec. 601)


def check_luminance_only(fn: Callable) -> bool:
    """Exercise 6.1: luminance-only transfer by adding the same grey amount to R, G and B."""
    name = "luminance-only transfer"
    rng = np.random.default_rng(6)
    original = (0.3 + 0.4 * rng.random((8, 8, 3))).astype(np.float32)
    stylized = (0.3 + 0.4 * rng.random((8, 8, 3))).astype(np.float32)
    ok, got = call(name, fn, stylized, original)
    if not ok:
        return False
    expected = original + (_luma601(stylized) - _luma601(original))[..., None]
    got_arr = np.asarray(got, dtype=np.float64)
    hint = "add d = luma(stylized) - luma(original) to every channel of the original (shape H×W×1 broadcasts)."
    if got_arr.shape == expected.shape and np.allclose(got_arr, stylized + (_luma601(original)
                                                                           - _luma601(stylized))[..., None]):
        hint = "that keeps the stylized image's colours: start from the *original* and move its luma to the stylized one."
    elif got_arr.shape == expected.shape and np.allclose(got_arr, _luma601(stylized)[..., None].repeat(3, -1)):
        hint = "that is a grey image: keep the original's colour differences R-G, B-G by adding the same d to all three."
    return check_close(name, got_arr, expected, atol=1e-5, hint=hint, inputs="two random 8×8 mid-tone images")


def check_two_band_fusion(fn: Callable) -> bool:
    """Exercise 6.2: the stylized image's low frequencies plus the original's high frequencies."""
    name = "two-band fusion"
    from skimage.filters import gaussian

    rng = np.random.default_rng(7)
    original = rng.random((16, 16, 3))
    stylized = rng.random((16, 16, 3))
    ok, got = call(name, fn, stylized, original, 2.0)
    if not ok:
        return False

    def blur(x):
        return gaussian(x, sigma=2.0, channel_axis=-1)

    expected = blur(stylized) + original - blur(original)
    got_arr = np.asarray(got, dtype=np.float64)
    hint = "low-pass = gaussian(stylized, sigma, channel_axis=-1); detail = original - gaussian(original, ...)."
    if got_arr.shape == expected.shape and np.allclose(got_arr, blur(original) + stylized - blur(stylized)):
        hint = "the bands are swapped: the *style* gives the blurred part, the *original* the detail."
    return check_close(name, got_arr, expected, atol=1e-6, hint=hint, inputs="two random 16×16 images, sigma 2")


def check_best_strength(fn: Callable) -> bool:
    """Exercise 6.3: the strength with the highest realism among those whose SSIM meets the floor."""
    name = "best strength under a floor"
    strengths = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    ssim_values = np.array([1.0, 0.9, 0.75, 0.55, 0.4])
    realism = np.array([0.2, 0.35, 0.3, 0.6, 0.7])
    ok, value = call_number(name, fn, strengths, ssim_values, realism, 0.7, what="one strength (a number)")
    if not ok:
        return False
    ok, value2 = call_number(name, fn, strengths, ssim_values, realism[::-1].copy(), 0.5,
                              what="one strength (a number)")
    if not ok:
        return False
    hint = "keep the strengths with ssim >= floor, then take the one whose realism is largest."
    if np.isclose(value, 1.0):
        hint = "1.0 has the most realism but SSIM 0.4 < 0.7: filter by the floor first."
    elif np.isclose(value, 0.5):
        hint = "0.5 is the strongest that meets the floor, but 0.25 has more realism (0.35 > 0.3)."
    if not np.isclose(value, 0.25):
        return report(name, False, f"expected 0.25 for realism [0.2, 0.35, 0.3, 0.6, 0.7], SSIM "
                                   f"[1, 0.9, 0.75, 0.55, 0.4], floor 0.7; got {value:.3g}. {hint}")
    if not np.isclose(value2, 0.0):
        return report(name, False, f"expected 0.0 for realism [0.7, 0.6, 0.3, 0.35, 0.2], floor 0.5; got "
                                   f"{value2:.3g}. {hint}")
    return report(name, True)


# ------------------------------------------------------------ predictions and design decisions
# ---- 05: which distances does a recolouring fool?
RECOLOURING_DISTANCES = ("colour", "texture", "total")


def measured_recolouring_distances(photos, truth, style_set) -> dict:
    """How far three sets of images are from the style set, by the parts of the style distance
    (:class:`metrics.StyleReference`: ``colour``, ``texture`` and their sum ``total``): the photos,
    their recolouring (histogram matching to 64 style-set examples, notebook 05's baseline: the
    style set's colours on the photos' edges) and the true answer S(photos).
    Returns ``{distance: {"photos": ..., "recoloured": ..., "truth": ...}}``."""
    from ..metrics import StyleReference
    from ..styles import histogram_match

    style_set = np.asarray(style_set, dtype=np.float32)
    sets = {"photos": np.asarray(photos, np.float32),
            "recoloured": np.stack([histogram_match(x, style_set[:64]) for x in photos]).astype(np.float32),
            "truth": np.asarray(truth, np.float32)}
    reference = StyleReference(style_set)
    scores = {k: reference.distance(v) for k, v in sets.items()}
    return {d: {k: float(scores[k][d]) for k in sets} for d in RECOLOURING_DISTANCES}


def check_recolouring_fools(fooled, photos, truth, style_set) -> bool:
    """Exercise 5.3 (prediction): which distances to the style set rate a plain recolouring of the photos
    (the style set's colours, the photos' strokes) *closer* to the style set than the true answer
    S(photos). The check recolours the photos and measures the colour, texture and total distances."""
    name = "which distances a recolouring fools"
    if isinstance(fooled, (list, tuple, set, frozenset, str)):
        items = [fooled] if isinstance(fooled, str) else list(fooled)
        fooled = [{"color": "colour"}.get(str(x).strip().lower(), x) for x in items]
    ok, chosen = read_choices(name, fooled, RECOLOURING_DISTANCES, "fooled")
    if not ok:
        return False
    d = measured_recolouring_distances(photos, truth, style_set)
    measured = {k for k, v in d.items() if v["recoloured"] < v["truth"]}
    table = "; ".join(f"{k}: photos {v['photos']:.3f}, recoloured {v['recoloured']:.3f}, true answer {v['truth']:.3f}"
                      for k, v in d.items())
    if chosen == measured:
        return report(name, True, f"measured distances to the style set (lower = closer): {table}.")
    hints = []
    if "colour" in measured - chosen:
        hints.append("The colour distance prefers the recolouring: histogram matching hands every tile the style "
                     "set's palette in the set's own proportions, while a true answer keeps its tile's own mix of "
                     "colours, which differs from the set as a whole.")
    if {"texture", "total"} & (chosen - measured):
        hints.append("Histogram matching changes colours, not where the edges are: the edge strengths and local "
                     "binary patterns of a recoloured photo stay a photo's, and the total adds the colour and "
                     "texture distances, so the larger one decides it.")
    if chosen - measured - {"texture", "total"}:
        hints.append(f"{', '.join(sorted(chosen - measured - {'texture', 'total'}))}: measured, the true answer is closer.")
    return report(name, False, f"measured distances to the style set (lower = closer): {table}. " + " ".join(hints))


# ---- 06: what does the critic reward?
CRITIC_FUSIONS = ("alpha", "luminance", "colour", "laplacian")


def measured_fusion_realism(critic, original, stylized) -> dict:
    """The critic's realism score of each fusion of ``stylized`` with ``original`` at full strength
    (``fusion.FUSIONS`` with their default options; alpha = the stylized image itself)."""
    from ..fusion import FUSIONS
    from ..transfer import realism_score

    return {m: realism_score(critic, np.asarray(FUSIONS[m](stylized, original), np.float32)) for m in CRITIC_FUSIONS}


def check_critic_lowest_fusion(answer, critic, original, stylized) -> bool:
    """Exercise 6.4 (prediction): which fusion at full strength the style critic scores lowest.
    The check scores all four with the learner's critic and compares with the untouched original."""
    name = "what the critic rewards"
    ok, answer = read_choice(name, answer, CRITIC_FUSIONS, "lowest")
    if not ok:
        return False
    from ..transfer import realism_score

    scores = measured_fusion_realism(critic, original, stylized)
    lowest = min(scores, key=scores.get)
    table = ", ".join(f"{m} {v:.2f}" for m, v in scores.items()) + f" (the original: {realism_score(critic, original):.2f})"
    if answer == lowest:
        return report(name, True, f"measured realism at full strength: {table}.")
    return report(name, False, f"measured realism at full strength: {table}; {answer} scores "
                               f"{scores[answer]:.2f}, not the lowest. The critic learnt to tell style-set crops from the "
                               "very photos they were made from, so the subjects do not help it: what does it go "
                               "by, and which fusion hands it the original's own colours?")
