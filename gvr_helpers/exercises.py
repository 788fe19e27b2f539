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


# ------------------------------------------------------------ 00 overview: data tour
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
    """Exercise 8.3: ms per frame to stylize both eyes, from MACs per pixel and a MAC rate."""
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


# ------------------------------------------------------------ predictions and design decisions
# Each of these asks for a prediction or a design choice *before* the learner measures it, then
# measures it: a wrong prediction fails, whatever the CPU or the seed, because every measured
# margin is large (the tests in tests/test_exercises_predictions.py and the robustness sweep check it).
def _choice(name: str, answer, valid, what: str) -> tuple[bool, str | None]:
    """Read one name from ``valid`` (case and spaces forgiven); a hint when it is not one of them."""
    key = str(answer).strip().lower().replace("-", "_").replace(" ", "_") if isinstance(answer, str) else None
    table = {str(v).lower().replace("-", "_").replace(" ", "_"): v for v in valid}
    if key not in table:
        report(name, False, f"{what} must be one of {', '.join(map(repr, valid))}; got {answer!r}.")
        return False, None
    return True, table[key]


def _choices(name: str, answer, valid, what: str) -> tuple[bool, set | None]:
    """Read a set of names from ``valid`` (a list, tuple or set; one string is a set of one)."""
    items = [answer] if isinstance(answer, str) else answer
    try:
        items = list(items)
    except TypeError:
        report(name, False, f"{what} must be a set of names from {sorted(valid)}; got {type(answer).__name__}.")
        return False, None
    out = set()
    for item in items:
        ok, value = _choice(name, item, valid, f"each of {what}")
        if not ok:
            return False, None
        out.add(value)
    return True, out


# ---- 00: which style needs the largest window?
def measured_patch(style: str, image, top: int = 36, size: int = 64, tolerance: float = 1 / 255,
                   share: float = 0.999) -> int:
    """The window a style needs, measured: stylize a crop and the whole image, and find how far
    from the crop's border the two disagree (the crop lacks the pixels beyond it). The patch is
    2·reach + 1 pixels; ``top`` is a multiple of pixel art's block, so its blocks line up."""
    from .styles import apply_style

    x = np.asarray(image, dtype=np.float32)
    full = apply_style(style, x)[top:top + size, top:top + size]
    part = apply_style(style, x[top:top + size, top:top + size])
    agree = np.all(np.abs(full - part) <= tolerance, axis=-1)
    for reach in range(size // 2):
        if agree[reach:size - reach, reach:size - reach].mean() >= share:
            return 2 * reach + 1
    return size


def check_style_patches(largest, smallest, image=None) -> bool:
    """Exercise 0.3 (prediction): the style that needs the largest window around a pixel, and the one
    that needs the smallest. Measured on a bundled photo with :func:`measured_patch`."""
    name = "which style needs the largest window"
    from .styles import STYLES

    names = tuple(STYLES)
    ok, largest = _choice(name, largest, names, "largest")
    if not ok:
        return False
    ok, smallest = _choice(name, smallest, names, "smallest")
    if not ok:
        return False
    if image is None:
        from .data import content_images

        image = content_images(size=128)[0]
    patches = {s: measured_patch(s, image) for s in names}
    table = ", ".join(f"{s} {p} px" for s, p in sorted(patches.items(), key=lambda kv: kv[1]))
    widest, narrowest = max(patches, key=patches.get), min(patches, key=patches.get)
    if largest != widest:
        return report(name, False, f"measured patches: {table}. {largest} needs {patches[largest]} px, {widest} "
                                   f"{patches[widest]} px. Which style moves colour along a path of many pixels?")
    if smallest != narrowest:
        return report(name, False, f"measured patches: {table}. {smallest} needs {patches[smallest]} px, "
                                   f"{narrowest} only {patches[narrowest]} px. Which style decides each pixel from "
                                   "a block it already sits in?")
    return report(name, True, f"measured patches: {table}. A generator and a discriminator need at least the "
                              "largest of these as their receptive field.")


# ---- 01: where does D say "real" when p_g is narrower than p_data?
TOY_REGIONS = {"left tail": (0.4, 0.9), "centre": (1.3, 1.7), "right tail": (2.1, 2.6)}


def narrow_generator_discriminator(seed: int = 0, steps: int = 600, data_std: float = 0.5, fake_std: float = 0.25):
    """Train notebook 01's small D (tanh MLP) to tell N(1.5, data_std²) from a generator that is too
    narrow, N(1.5, fake_std²); return ``(grid, D(grid), D*(grid))``."""
    import keras
    from scipy.stats import norm

    from . import config, models

    config.set_seed(seed)
    rng = np.random.default_rng(config.seed_offset() + seed)
    n = 32768
    x = np.concatenate([1.5 + data_std * rng.standard_normal(n), 1.5 + fake_std * rng.standard_normal(n)])
    y = np.concatenate([np.ones(n), np.zeros(n)])
    d = models.build_discriminator("mlp", data_dim=1, hidden=32, depth=2, activation="tanh")
    d.compile(optimizer=keras.optimizers.Adam(3e-3, beta_1=0.5), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    batch = 512
    d.fit(x[:, None].astype("float32"), y[:, None].astype("float32"), batch_size=batch,
          epochs=max(1, round(steps * batch / len(x))), shuffle=True, verbose=0)
    grid = np.linspace(0.0, 3.0, 61)
    d_grid = 1 / (1 + np.exp(-np.asarray(d(grid[:, None].astype("float32")))[:, 0]))
    p_data, p_g = norm.pdf(grid, 1.5, data_std), norm.pdf(grid, 1.5, fake_std)
    return grid, d_grid, p_data / (p_data + p_g)


def check_where_d_says_real(regions, seed: int = 0) -> bool:
    """Exercise 1.3 (prediction): the regions where a trained D says "real" (D > 1/2) when the generator
    is narrower than the data. The check trains D for a few seconds and reads it there."""
    name = "where D says real"
    ok, chosen = _choices(name, regions, tuple(TOY_REGIONS), "regions")
    if not ok:
        return False
    grid, d, d_star = narrow_generator_discriminator(seed)
    mean = {r: float(d[(grid >= a) & (grid <= b)].mean()) for r, (a, b) in TOY_REGIONS.items()}
    star = {r: float(d_star[(grid >= a) & (grid <= b)].mean()) for r, (a, b) in TOY_REGIONS.items()}
    measured = {r for r, v in mean.items() if v > 0.5}
    table = ", ".join(f"{r}: D {mean[r]:.2f} (D* {star[r]:.2f})" for r in TOY_REGIONS)
    if chosen != measured:
        return report(name, False, f"measured {table}. D says real where p_data > p_g; a narrow p_g piles its "
                                   "mass in the centre and leaves the tails to the data.")
    return report(name, True, f"measured {table}: D is low where the generator crowds its samples and high "
                              "where it leaves data uncovered, so -log D pushes the samples outwards.")


# ---- 02: the cheapest translator that sees far enough
TRANSLATOR_FILTERS = 16
TRANSLATOR_REACH = 56
TRANSLATOR_CHOICES = {"n_down": (1, 2, 3), "n_blocks": tuple(range(0, 7))}
_CHEAPEST = (3, 1)  # measured by tests/test_exercises_predictions.py over the whole grid


def _translator_cost(n_down: int, n_blocks: int):
    from .models import build_generator, describe

    info = describe(build_generator("resnet", filters=TRANSLATOR_FILTERS, n_down=n_down, n_blocks=n_blocks), size=64)
    return info.receptive_field, float(info.macs_per_output_pixel)


def check_translator_design(n_down, n_blocks, reach: int = TRANSLATOR_REACH) -> bool:
    """Exercise 2.4 (design): ``n_down`` stride-2 levels and ``n_blocks`` residual blocks for a ResNet
    translator with 16 filters whose receptive field covers ``reach`` pixels at the fewest MACs per
    output pixel. The check builds the design and the cheapest one and measures both with ``describe``."""
    name = "cheapest translator that sees far enough"
    for label, value in (("n_down", n_down), ("n_blocks", n_blocks)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                or value not in TRANSLATOR_CHOICES[label]:
            return report(name, False, f"{label} must be one of {TRANSLATOR_CHOICES[label]}; got {value!r}.")
    rf, macs = _translator_cost(int(n_down), int(n_blocks))
    mine = f"n_down={n_down}, n_blocks={n_blocks}: receptive field {rf} px, {macs:,.0f} MACs per pixel"
    if rf < reach:
        return report(name, False, f"{mine}: it does not see {reach} px. Each layer adds (k - 1) × the product of "
                                   "the strides before it.")
    best_macs = macs if (int(n_down), int(n_blocks)) == _CHEAPEST else _translator_cost(*_CHEAPEST)[1]
    if macs > best_macs * (1 + 1e-9):
        return report(name, False, f"{mine}: it sees far enough, but another design does it for {best_macs:,.0f} "
                                   f"MACs per pixel (yours costs {macs / best_macs:.2f}× as much). Where in the "
                                   "network is a 3×3 convolution cheapest, and where does it reach furthest?")
    return report(name, True, f"{mine}: each stride-2 level doubles the reach of every layer after it and "
                              "quarters the pixels it runs on.")


# ---- 04: which generator losses saturate?
def confident_ring_discriminator(seed: int = 0, steps: int = 200):
    """Train notebook 04's ring discriminator against an untrained generator until it rejects the fakes;
    return ``(generator, discriminator, noise)``."""
    import keras
    import tensorflow as tf

    from . import config, losses, metrics, models

    config.set_seed(seed)
    data = metrics.sample_ring(4096, std=0.05, seed=config.seed_offset() + seed)
    g = models.build_generator("mlp", noise_dim=2, data_dim=2, hidden=128, depth=3)
    d = models.build_discriminator("mlp", data_dim=2, hidden=128, depth=3)
    z = np.random.default_rng(config.seed_offset() + seed).standard_normal((512, 2)).astype("float32")
    fakes = g(z)
    opt = keras.optimizers.Adam(1e-3, beta_1=0.5)

    @tf.function
    def step(real):
        with tf.GradientTape() as tape:
            loss = losses.minimax_d_loss(d(real, training=True), d(fakes, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, d.trainable_variables), d.trainable_variables))

    rng = np.random.default_rng(seed + 1)
    for _ in range(steps):
        step(data[rng.integers(0, len(data), 256)])
    return g, d, z


def generator_gradient_ratios(seed: int = 0) -> tuple[dict, float]:
    """‖∇_θ L_G‖ of each GAN loss's generator loss against one confident discriminator, divided by the
    non-saturating loss's; and the mean D(G(z))."""
    import tensorflow as tf

    from .losses import GAN_LOSSES

    g, d, z = confident_ring_discriminator(seed)
    norms = {}
    for loss_name, pair in GAN_LOSSES.items():
        with tf.GradientTape() as tape:
            logits = d(g(z, training=True), training=False)
            loss = pair.g_loss(logits)
        grads = tape.gradient(loss, g.trainable_variables)
        norms[loss_name] = float(tf.linalg.global_norm(grads))
    d_fake = float(tf.reduce_mean(tf.sigmoid(d(g(z)))))
    return {k: v / norms["nonsaturating"] for k, v in norms.items()}, d_fake


def check_saturating_losses(saturating, seed: int = 0, threshold: float = 0.1) -> bool:
    """Exercise 4.3 (prediction): the GAN losses whose *generator* gradient vanishes when D confidently
    rejects the fakes. The check trains a ring discriminator until it does and measures each loss's
    gradient, relative to the non-saturating loss's (below ``threshold``: saturated)."""
    name = "which generator losses saturate"
    from .losses import ALIASES, GAN_LOSSES

    if isinstance(saturating, (list, tuple, set, frozenset, str)):
        items = [saturating] if isinstance(saturating, str) else list(saturating)
        saturating = [ALIASES.get(str(x).strip().lower(), x) for x in items]
    ok, chosen = _choices(name, saturating, tuple(GAN_LOSSES), "saturating")
    if not ok:
        return False
    ratios, d_fake = generator_gradient_ratios(seed)
    measured = {k for k, v in ratios.items() if v < threshold}
    table = ", ".join(f"{k} {v:.3g}" for k, v in ratios.items())
    where = f"with D(G(z)) = {d_fake:.2g}, gradient relative to the non-saturating loss: {table}"
    if chosen != measured:
        wrong = sorted(chosen ^ measured)
        hint = ("The hinge *discriminator* loss stops at its margin, but the hinge generator loss -D(G(z)) is "
                "linear in the logit." if "hinge" in wrong else
                "Differentiate each generator loss with respect to the logit at a very negative logit.")
        return report(name, False, f"{where}. {hint}")
    return report(name, True, where)


# ---- 08: what the right eye sees that the left eye does not
def measured_disocclusion(d_near: int, d_far: int, width: int = 160, obj=(60, 90)):
    """A background at disparity ``d_far`` with an object at ``d_near`` in columns ``obj`` of the left
    view; forward-warp it to the right view and return ``(side, columns)`` of the band next to the
    object that no left pixel lands on (the right eye alone sees it)."""
    from .metrics import forward_splat_disparity

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
    ok, side = _choice(name, side, ("left", "right"), "side")
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
        ok, got = _call_number(name, width_fn, d_near, d_far, what="a number of columns")
        if not ok:
            return False
        if abs(got - columns) > 1e-9:
            return report(name, False, f"for d_near = {d_near}, d_far = {d_far} the measured band is {columns} columns "
                                       f"wide, you said {got:g}. The object moves by d_near, the background behind "
                                       "it by d_far.")
    return report(name, True, f"{len(cases)} scenes measured: the band is on the {side} of the object, "
                              "d_near - d_far columns wide")


# ---- 03: how many verdicts does one pixel sway?
PATCHGAN_FIELDS = (16, 34, 70)


def measured_verdicts(receptive_field: int, side: int = 160) -> tuple[int, int, float]:
    """Change one pixel of an input to an untrained PatchGAN and count the rows of its logit map that
    change; the most over ``stride`` neighbouring positions. Returns ``(stride, count, margin)``, where
    ``margin`` is the smallest change counted divided by the largest change left uncounted (round-off)."""
    from .models import build_discriminator

    d = build_discriminator("patchgan", receptive_field=receptive_field, filters=8, norm="none", channels=1,
                            kernel_initializer="he_normal")
    x = np.random.default_rng(receptive_field).random((1, side, side, 1)).astype("float32")
    base = np.asarray(d(x), dtype=np.float64)[0, ..., 0]
    stride = side // base.shape[0]
    best, margin = 0, np.inf
    for offset in range(stride):
        poked = x.copy()
        poked[0, side // 2 + offset, side // 2 + offset, 0] += 0.5
        change = np.abs(np.asarray(d(poked), dtype=np.float64)[0, ..., 0] - base).max(axis=1)
        moved = change > 1e-4 * change.max()
        rows = np.flatnonzero(moved)
        best = max(best, int(rows.max() - rows.min() + 1))
        still = change[~moved].max() if (~moved).any() else 0.0
        margin = min(margin, change[moved].min() / max(still, 1e-30))
    return stride, best, float(margin)


def check_verdicts_per_pixel(fn) -> bool:
    """Exercise 3.3 (prediction): ``fn(receptive_field, stride)``, the most logits along one axis of a
    PatchGAN's map that one input pixel can change. The check pokes one pixel of untrained PatchGANs
    and counts the logits that move."""
    name = "verdicts per pixel"
    for rf in PATCHGAN_FIELDS:
        stride, count, _ = measured_verdicts(rf)
        ok, got = _call_number(name, fn, rf, stride, what="a number of logits")
        if not ok:
            return False
        if got != count:
            hint = ("Round up: windows s pixels apart, each r wide; some pixel lies in ceil(r / s) of them."
                    if abs(got - rf / stride) < 1e-9 or got == rf // stride else
                    "The windows of neighbouring logits are s pixels apart and r pixels wide: count how many "
                    "contain one pixel.")
            return report(name, False, f"receptive field {rf} px, stride {stride}: one pixel changed {count} logits "
                                       f"along an axis, you said {got:g}. {hint}")
    return report(name, True, f"{len(PATCHGAN_FIELDS)} PatchGANs poked (16, 34, 70 px): one pixel is judged by "
                              "up to ceil(r / s) logits along each axis")


# ------------------------------------------------------------ 07: predict the padding a seam-free pass needs
def _wrap_stylize(generator, panorama, p: int) -> np.ndarray:
    from .translators import translate

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


# ------------------------------------------------------------ 09: predict which fusion keeps a face best
def measured_fusion_ssim(original, stylized) -> dict:
    """Content SSIM to the original of each fusion at full strength (alpha = the stylized image)."""
    from .metrics import ssim
    from .transfer import FUSIONS

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


# ------------------------------------------------------------ 06: predict what the critic rewards
CRITIC_FUSIONS = ("alpha", "luminance", "colour", "laplacian")


def measured_fusion_realism(critic, original, stylized) -> dict:
    """The critic's realism score of each fusion of ``stylized`` with ``original`` at full strength
    (``transfer.FUSIONS`` with their default options; alpha = the stylized image itself)."""
    from .transfer import FUSIONS, realism_score

    return {m: realism_score(critic, np.asarray(FUSIONS[m](stylized, original), np.float32)) for m in CRITIC_FUSIONS}


def check_critic_lowest_fusion(answer, critic, original, stylized) -> bool:
    """Exercise 6.4 (prediction): which fusion at full strength the style critic scores lowest.
    The check scores all four with the learner's critic and compares with the untouched original."""
    name = "what the critic rewards"
    ok, answer = _choice(name, answer, CRITIC_FUSIONS, "lowest")
    if not ok:
        return False
    from .transfer import realism_score

    scores = measured_fusion_realism(critic, original, stylized)
    lowest = min(scores, key=scores.get)
    table = ", ".join(f"{m} {v:.2f}" for m, v in scores.items()) + f" (the original: {realism_score(critic, original):.2f})"
    if answer == lowest:
        return report(name, True, f"measured realism at full strength: {table}.")
    return report(name, False, f"measured realism at full strength: {table}; {answer} scores "
                               f"{scores[answer]:.2f}, not the lowest. The critic learnt to tell style-set crops from the "
                               "very photos they were made from, so the subjects do not help it: what does it go "
                               "by, and which fusion hands it the original's own colours?")


# ------------------------------------------------------------ 05: predict which distances a recolouring fools
RECOLOURING_DISTANCES = ("colour", "texture", "total")


def measured_recolouring_distances(photos, truth, style_set) -> dict:
    """How far three sets of images are from the style set, by the parts of the style distance
    (:class:`metrics.StyleReference`: ``colour``, ``texture`` and their sum ``total``): the photos,
    their recolouring (histogram matching to 64 style-set examples, notebook 05's baseline: the
    style set's colours on the photos' edges) and the true answer S(photos).
    Returns ``{distance: {"photos": ..., "recoloured": ..., "truth": ...}}``."""
    from .metrics import StyleReference
    from .styles import histogram_match

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
    ok, chosen = _choices(name, fooled, RECOLOURING_DISTANCES, "fooled")
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
