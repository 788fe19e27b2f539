"""Auto-checks for the course's exercises.

Every ``check_...`` function takes what the learner wrote (usually a
function), tries it on inputs with known answers, prints ``PASS`` or a hint
that says what was expected and what came back, and returns ``True`` or
``False``. Notebooks call them in nbgrader grade cells as
``assert check_...(...)``, so nbgrader's autograder scores them too.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

NOT_DONE = "not done yet: replace `raise NotImplementedError()` with your code and run the cell again."


def report(name: str, passed: bool, message: str = "") -> bool:
    """Print one line for an exercise and return ``passed``."""
    if passed:
        print(f"PASS {name}" + (f": {message}" if message else ""))
    else:
        print(f"TRY AGAIN {name}: {message}")
    return bool(passed)


def _call(name: str, fn: Callable, *args) -> tuple[bool, Any]:
    """Run the learner's function; turn its exceptions into hints instead of tracebacks."""
    if not callable(fn):
        return False, report(name, False, f"expected a function, got {type(fn).__name__}.")
    try:
        return True, fn(*args)
    except NotImplementedError:
        return False, report(name, False, NOT_DONE)
    except Exception as exc:  # a learner's bug: say what happened, don't crash the notebook
        return False, report(name, False, f"calling it raised {type(exc).__name__}: {exc}")


def _call_number(name: str, fn: Callable, *args, what: str = "one number") -> tuple[bool, float | None]:
    """Run the learner's function and read its result as one number (a hint when it is not one)."""
    ok, got = _call(name, fn, *args)
    if not ok:
        return False, None
    try:
        return True, float(np.asarray(got, dtype=np.float64))
    except (TypeError, ValueError):
        return False, report(name, False, f"expected {what}, got {type(got).__name__}.")


def check_close(name: str, got: Any, expected: Any, *, atol: float = 1e-6, rtol: float = 1e-5,
                hint: str = "", inputs: str = "") -> bool:
    """Compare a learner's numbers with the expected ones and explain a mismatch."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return report(name, False, f"expected numbers, got {type(got).__name__}. {hint}".strip())
    where = f" for {inputs}" if inputs else ""
    if got_arr.shape != expected.shape:
        return report(name, False, f"expected shape {expected.shape}{where}, got shape {got_arr.shape}. {hint}".strip())
    if not np.all(np.isfinite(got_arr)):
        return report(name, False, f"the result{where} contains NaN or inf. {hint}".strip())
    if not np.allclose(got_arr, expected, atol=atol, rtol=rtol):
        worst = int(np.argmax(np.abs(got_arr - expected)))
        return report(
            name, False,
            f"expected {expected.flat[worst]:.6g}{where}, got {got_arr.flat[worst]:.6g}. {hint}".strip(),
        )
    return report(name, True)


# ------------------------------------------------------------ 01 minimax math
def check_optimal_discriminator(fn: Callable) -> bool:
    """Exercise: D*(x) = p_data(x) / (p_data(x) + p_g(x))."""
    name = "optimal discriminator D*"
    p_data = np.array([0.3, 0.1, 0.5, 0.0, 2.0])
    p_g = np.array([0.1, 0.3, 0.5, 0.4, 0.0])
    ok, got = _call(name, fn, p_data, p_g)
    if not ok:
        return False
    expected = p_data / (p_data + p_g)
    hint = ""
    if np.allclose(np.asarray(got, dtype=float), p_g / (p_data + p_g)):
        hint = "That is 1 - D*: the discriminator should be large where the *data* density is large."
    return check_close(name, got, expected, hint=hint or "D* is the data density's share of the total density.",
                       inputs="p_data=[0.3, 0.1, 0.5, 0, 2], p_g=[0.1, 0.3, 0.5, 0.4, 0]")


def check_nonsaturating_loss(fn: Callable) -> bool:
    """Exercise: the non-saturating generator loss  mean(-log D(G(z)))  from D's probabilities."""
    name = "non-saturating generator loss"
    d_fake = np.array([0.01, 0.2, 0.5, 0.9], dtype=np.float32)
    ok, got = _call(name, fn, d_fake)
    if not ok:
        return False
    expected = float(np.mean(-np.log(d_fake.astype(np.float64))))
    got_f = np.asarray(got, dtype=float)
    if got_f.shape != ():
        return report(name, False, f"expected one number (the mean over the batch), got shape {got_f.shape}.")
    saturating = float(np.mean(np.log1p(-d_fake.astype(np.float64))))
    hint = "The generator wants D(G(z)) -> 1, so it minimises -log D(G(z)), averaged over the batch."
    if abs(float(got_f) - saturating) < 1e-4:
        hint = "That is the saturating loss mean(log(1 - D(G(z)))); its gradient vanishes when D(G(z)) is small."
    elif abs(float(got_f) + expected) < 1e-4:
        hint = "The sign is flipped: a loss is minimised, and the generator wants log D(G(z)) to grow."
    return check_close(name, got_f, expected, atol=1e-4, hint=hint, inputs="D(G(z)) = [0.01, 0.2, 0.5, 0.9]")


# ------------------------------------------------------------ 00 overview
PIPELINE_ORDER = ("prepare", "train", "transfer", "fuse")


def check_pipeline_order(steps) -> bool:
    """Exercise: put the four steps of GAN style transfer in order."""
    name = "the four steps"
    try:
        got = [str(s).strip().lower() for s in steps]
    except TypeError:
        return report(name, False, f"expected a list of four words, got {type(steps).__name__}.")
    if sorted(got) != sorted(PIPELINE_ORDER):
        return report(name, False, f"use exactly these four words: {', '.join(sorted(PIPELINE_ORDER))}; got {got}.")
    if got != list(PIPELINE_ORDER):
        first_wrong = next(i for i, (a, b) in enumerate(zip(got, PIPELINE_ORDER)) if a != b)
        return report(name, False, f"step {first_wrong + 1} should be {PIPELINE_ORDER[first_wrong]!r}, got "
                                   f"{got[first_wrong]!r}. Ask: what must exist before this step can run?")
    return report(name, True)


# ------------------------------------------------------------ 00 overview: data tour (issue 4)
def check_disparity_from_depth(fn: Callable) -> bool:
    """Exercise: disparity d = focal × baseline / depth (pixels), 0 for the sky at infinite depth."""
    name = "disparity from depth"
    depth = np.array([[2.0, 4.0, 10.0], [50.0, 1.0, np.inf]])
    focal, baseline = 180.0, 0.5
    ok, got = _call(name, fn, depth, focal, baseline)
    if not ok:
        return False
    expected = focal * baseline / depth
    hint = "Near things shift more between the eyes: d = focal * baseline / depth."
    try:
        got_arr = np.asarray(got, dtype=np.float64)
        if got_arr.shape == depth.shape and np.allclose(got_arr[:, :2], depth[:, :2] / (focal * baseline)):
            hint = "That is upside down: disparity *shrinks* as depth grows."
        elif got_arr.shape == depth.shape and np.allclose(got_arr[0], focal * depth[0] / baseline):
            hint = "Divide by the depth and multiply by the baseline: d = focal * baseline / depth."
    except (TypeError, ValueError):
        pass
    return check_close(name, got, expected, hint=hint,
                       inputs="depth=[[2, 4, 10], [50, 1, inf]], focal=180, baseline=0.5")


# ------------------------------------------------------------ 02 generator
def _check_table(name: str, fn: Callable, cases, hints: Callable | None = None) -> bool:
    """Run ``fn(*args)`` on every case; report the first wrong one with its inputs (and a hint)."""
    for args, expected in cases:
        ok, value = _call_number(name, fn, *args, what=f"one number for {args}")
        if not ok:
            return False
        if value != expected:
            hint = hints(args, value) if hints else ""
            return report(name, False, f"expected {expected} for {args}, got {value:g}. {hint}".strip())
    return report(name, True, f"{len(cases)} cases")


def check_conv_output_size(fn: Callable) -> bool:
    """Exercise: output size of a convolution, n_out = floor((n + p - k) / s) + 1, p = total padding."""
    cases = [((32, 3, 1, 2), 32), ((32, 4, 2, 2), 16), ((64, 7, 1, 0), 58), ((33, 3, 2, 0), 16),
             ((5, 3, 2, 1), 2), ((256, 4, 2, 3), 128)]

    def hints(args, value):
        n, k, s, p = args
        if value == (n + p - k) / s + 1:
            return "Round down: a window that does not fit completely is not computed."
        if value == (n + 2 * p - k) // s + 1:
            return "p is the *total* padding (both sides together), not the padding on each side."
        if value == (n + p - k) // s:
            return "Count the first window too: +1."
        return "Count the positions where a k-wide window fits in n + p pixels, moving s at a time."
    return _check_table("conv output size", fn, cases, hints)


def check_transposed_output_size(fn: Callable) -> bool:
    """Exercise: output size of a transposed convolution, n_out = (n - 1)·s + k - p."""
    cases = [((16, 3, 2, 1), 32), ((16, 4, 2, 2), 32), ((4, 4, 2, 0), 10), ((8, 3, 1, 2), 8), ((1, 5, 3, 0), 5)]

    def hints(args, value):
        n, k, s, p = args
        if value == n * s + k - p:
            return "n inputs are n - 1 strides apart, not n."
        if value == (n - 1) * s + k:
            return "Subtract the padding p: it is cropped from the output."
        return "Each of the n inputs stamps a k-wide kernel; consecutive stamps start s apart."
    return _check_table("transposed conv output size", fn, cases, hints)


def check_conv_macs(fn: Callable) -> bool:
    """Exercise: multiply-accumulates per output pixel of a k×k convolution, k·k·C_in·C_out."""
    cases = [((3, 3, 8), 216), ((1, 64, 64), 4096), ((7, 3, 32), 4704), ((4, 128, 256), 524288)]

    def hints(args, value):
        k, c_in, c_out = args
        if value == k * c_in * c_out:
            return "The kernel is k×k: k·k taps per input channel."
        if value == k * k * c_in * c_out + c_out:
            return "The bias is an addition, not a multiply-accumulate: leave it out."
        return "Each of the C_out outputs of a pixel sums k·k·C_in products."
    return _check_table("MACs per output pixel", fn, cases, hints)


# ------------------------------------------------------------ 03 discriminator
def check_receptive_field(fn: Callable) -> bool:
    """Exercise: receptive field of a stack of (kernel, stride) layers: rf += (k - 1)·jump; jump *= s."""
    patchgan = [(4, 2), (4, 2), (4, 2), (4, 1), (4, 1)]
    cases = [(([(3, 1)],), 3), (([(3, 1), (3, 1)],), 5), (([(3, 2), (3, 1)],), 7), (([(2, 2), (2, 2)],), 4),
             (([],), 1), ((patchgan,), 70)]

    def hints(args, value):
        stack = args[0]
        if value == 1 + sum(k - 1 for k, _ in stack):
            return ("Each layer adds (k - 1) steps of the *input* grid of that layer, and after a stride-s "
                    "layer one step is s pixels of the image: multiply by the product of earlier strides.")
        return "Start at 1 pixel; for each layer add (k - 1) times the product of the strides before it."
    return _check_table("receptive field", fn, cases, hints)


def check_power_iteration(fn: Callable) -> bool:
    """Exercise: estimate the largest singular value σ_max(W) by power iteration."""
    name = "power iteration"
    rng = np.random.default_rng(3)
    q1, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    q2, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    w = q1[:, :4] @ np.diag([3.0, 1.5, 0.5, 0.1]) @ q2.T
    ok, value = _call_number(name, fn, w, 50, what="one number (σ_max)")
    if not ok:
        return False
    hint = "Repeat v = normalise(Wᵀu), u = normalise(W v); then σ ≈ uᵀ W v (or ‖W v‖)."
    if abs(value - 9.0) < 1e-3:
        hint = "That is σ_max²: ‖WᵀW v‖ for a unit v is σ², take a square root or use uᵀ W v."
    elif abs(value - 0.1) < 1e-3:
        hint = "That is the smallest singular value."
    return check_close(name, value, 3.0, atol=1e-3, hint=hint, inputs="W with singular values 3, 1.5, 0.5, 0.1")


# ------------------------------------------------------------ 07–09 VR
def check_row_latitudes(fn: Callable) -> bool:
    """Exercise 7.1: the latitude (degrees) of the centre of every row of an h-row panorama."""
    name = "row latitudes"
    ok, got = _call(name, fn, 4)
    if not ok:
        return False
    expected = 90.0 - (np.arange(4) + 0.5) * 180.0 / 4
    hint = "Row i covers latitudes 90 - 180·i/h down to 90 - 180·(i+1)/h: take its centre, i + 0.5."
    if np.allclose(np.asarray(got, dtype=float), 90.0 - np.arange(4) * 180.0 / 4):
        hint = "Those are the rows' top edges; the question asks for the centres (i + 0.5)."
    if not check_close(name, got, expected, hint=hint, inputs="h=4"):
        return False
    ok, got = _call(name, fn, 512)
    return ok and check_close(name, got, 90.0 - (np.arange(512) + 0.5) * 180.0 / 512, inputs="h=512")


def check_wrap_pad(fn: Callable) -> bool:
    """Exercise 7.2: pad a panorama by p columns on each side with the columns from the other side."""
    name = "wrap padding"
    x = np.random.default_rng(0).random((3, 8, 3)).astype(np.float32)
    ok, got = _call(name, fn, x, 2)
    if not ok:
        return False
    expected = np.concatenate([x[:, -2:], x, x[:, :2]], axis=1)
    got_arr = np.asarray(got)
    if got_arr.shape == expected.shape and np.allclose(got_arr, np.pad(x, ((0, 0), (2, 2), (0, 0)), mode="reflect")):
        return report(name, False, "that is reflect padding; a panorama continues with its *other* edge "
                                   "(np.pad(..., mode='wrap') or np.concatenate).")
    hint = "Left of column 0 comes the last p columns, right of the last column the first p columns."
    return check_close(name, got, expected, hint=hint, inputs="an 3×8 image and p=2")


def check_right_from_left(fn: Callable) -> bool:
    """Exercise 8.1: carry the left eye's stylized image to the right eye along the right-view disparity."""
    name = "left to right warp"
    rng = np.random.default_rng(1)
    left = rng.random((4, 10, 3))
    d_right = np.full((4, 10), 2.0)
    d_right[:, -2:] = np.nan
    ok, got = _call(name, fn, left, d_right)
    if not ok:
        return False
    from .metrics import warp_horizontal

    expected, valid = warp_horizontal(left, d_right)
    got_arr = np.asarray(got, dtype=float)
    if got_arr.shape != expected.shape:
        return report(name, False, f"expected an image of shape {expected.shape}, got {got_arr.shape}.")
    if np.allclose(got_arr[valid], warp_horizontal(left, -d_right)[0][valid]):
        return report(name, False, "the sign is flipped: right pixel x sees left pixel x + d.")
    return check_close(name, got_arr[valid], expected[valid],
                       hint="use metrics.warp_horizontal(stylized_left, disparity_right)[0]")


def check_screen_space_ms(fn: Callable) -> bool:
    """Exercise 8.2: ms per frame to stylize both eyes, from MACs per pixel and a MAC rate."""
    name = "screen-space cost"
    ok, got = _call(name, fn, 1000.0, (100, 200), 1e9)
    if not ok:
        return False
    expected = 2 * 100 * 200 * 1000.0 / 1e9 * 1000
    hint = "both eyes × pixels per eye × MACs per pixel, divided by MACs per second, in milliseconds"
    if np.isclose(float(np.asarray(got, dtype=float).ravel()[0]), expected / 2):
        hint = "that is one eye; a headset draws two."
    return check_close(name, got, expected, rtol=1e-6, hint=hint,
                       inputs="1000 MACs/pixel, eyes of 100×200, 1e9 MACs/s")


def check_strongest_alpha(fn: Callable) -> bool:
    """Exercise 9.1: the strongest style strength whose fused image keeps SSIM >= floor to the original."""
    name = "strongest alpha"
    from .metrics import ssim

    rng = np.random.default_rng(2)
    original = rng.random((32, 32, 3)).astype(np.float32)
    stylized = rng.random((32, 32, 3)).astype(np.float32)
    alphas = np.linspace(0, 1, 11)
    ok, got = _call(name, fn, original, stylized, 0.6, alphas)
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
    from .metrics import wrap_seam_ratio, yaw_equivariance_mse

    ok, got = _call(name, stylize, panorama)
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


# ------------------------------------------------------------ 06 fusion and quality
def _luma601(x):
    return x @ np.array([0.299, 0.587, 0.114])


def check_luminance_only(fn: Callable) -> bool:
    """Exercise 6.1: luminance-only transfer by adding the same grey amount to R, G and B."""
    name = "luminance-only transfer"
    rng = np.random.default_rng(6)
    original = (0.3 + 0.4 * rng.random((8, 8, 3))).astype(np.float32)
    stylized = (0.3 + 0.4 * rng.random((8, 8, 3))).astype(np.float32)
    ok, got = _call(name, fn, stylized, original)
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
    ok, got = _call(name, fn, stylized, original, 2.0)
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
    ok, value = _call_number(name, fn, strengths, ssim_values, realism, 0.7, what="one strength (a number)")
    if not ok:
        return False
    ok, value2 = _call_number(name, fn, strengths, ssim_values, realism[::-1].copy(), 0.5,
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


# ------------------------------------------------------------ 04 minimax training
def check_hq_fraction(fn: Callable) -> bool:
    """Exercise: the fraction of samples within 3 std of their nearest mode centre."""
    name = "high-quality fraction"
    centers = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0]])
    samples = np.array([[2.05, 0.0], [0.0, 1.7], [-2.0, 0.14], [0.0, 0.0], [1.0, 1.0], [2.0, -0.16]])
    std = 0.05  # 3 std = 0.15: samples 0 and 2 are in, sample 1 (0.3 away) and 5 (0.16 away) are not
    ok, got_f = _call_number(name, fn, samples, centers, std, what="one number between 0 and 1")
    if not ok:
        return False
    hint = "Measure each sample's distance to its *nearest* centre and count those within 3 * std."
    if abs(got_f - 2) < 1e-9:
        hint = "That is a count; divide by the number of samples to get a fraction."
    elif abs(got_f - 3 / 6) < 1e-9:
        hint = "Use 3 standard deviations (0.15 here), and compare distances with <=, not squared distances."
    return check_close(name, got_f, 2 / 6, atol=1e-6, hint=hint,
                       inputs="6 samples near 3 centres with std 0.05")


def check_hinge_d_loss(fn: Callable) -> bool:
    """Exercise: the hinge discriminator loss  mean(relu(1 - real)) + mean(relu(1 + fake))  from logits."""
    name = "hinge discriminator loss"
    real = np.array([2.0, 0.5, -1.0], dtype=np.float32)
    fake = np.array([-2.0, 0.0, 0.5, -0.5], dtype=np.float32)
    ok, got_f = _call_number(name, fn, real, fake)
    if not ok:
        return False
    expected = np.mean(np.maximum(0, 1 - real)) + np.mean(np.maximum(0, 1 + fake))
    hint = "Real logits are pushed above +1 and fake logits below -1; nothing is gained beyond the margin."
    if abs(got_f - (np.mean(np.maximum(0, 1 + real)) + np.mean(np.maximum(0, 1 - fake)))) < 1e-5:
        hint = "Real and fake are swapped: the real logits should be *large*, so penalise 1 - real."
    elif abs(got_f - (np.mean(1 - real) + np.mean(1 + fake))) < 1e-5:
        hint = "Clip at zero with max(0, .): samples already past the margin cost nothing."
    return check_close(name, got_f, expected, atol=1e-5, hint=hint,
                       inputs="real logits [2, 0.5, -1], fake logits [-2, 0, 0.5, -0.5]")


# ------------------------------------------------------------ 05 unpaired style transfer
def check_gain_ratio(fn: Callable) -> bool:
    """fn(method_db, input_db, oracle_db) -> the share of the oracle's gain a method reaches."""
    name = "gain_ratio"
    cases = [((20.0, 18.0, 22.0), 0.5), ((18.0, 18.0, 21.0), 0.0), ((17.0, 18.0, 20.0), -0.5), ((23.0, 18.0, 23.0), 1.0)]
    for args, expected in cases:
        ok, got = _call(name, fn, *args)
        if not ok:
            return False
        if not _close(got, expected):
            return check_close(name, got, expected, atol=1e-9, inputs=f"method={args[0]}, input={args[1]}, oracle={args[2]}",
                               hint="ratio = (method − input) / (oracle − input): a method worse than the input is negative.")
    return report(name, True)


def _close(got, expected) -> bool:
    try:
        return bool(np.allclose(np.asarray(got, dtype=np.float64), expected, atol=1e-9, rtol=1e-5))
    except (TypeError, ValueError):
        return False


def check_sliced_wasserstein_1d(fn: Callable) -> bool:
    """fn(x, y) -> mean squared gap between sorted 1-D samples of equal size (1-D optimal transport)."""
    name = "wasserstein_1d"
    rng = np.random.default_rng(5)
    cases = [(np.array([3.0, 1.0, 2.0]), np.array([2.0, 3.0, 1.0]), 0.0),
             (np.array([0.0, 1.0]), np.array([1.5, 0.5]), 0.25),
             (rng.random(50), rng.random(50) + 0.1, None)]
    for x, y, expected in cases:
        if expected is None:
            expected = float(np.mean((np.sort(x) - np.sort(y)) ** 2))
        ok, got = _call(name, fn, x.copy(), y.copy())
        if not ok:
            return False
        if not _close(got, expected):
            return check_close(name, got, expected, atol=1e-9, inputs=f"x={np.round(x[:3], 3)}..., y={np.round(y[:3], 3)}...",
                               hint="sort both samples first: the k-th smallest of x is transported to the k-th smallest of y.")
    return report(name, True)
