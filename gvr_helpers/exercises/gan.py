"""Checks for notebooks 00–04: the pipeline, the minimax game, the generator, the discriminator
and training them against each other."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .common import call, call_number, check_close, read_choice, read_choices, report


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


def check_disparity_from_depth(fn: Callable) -> bool:
    """Exercise: disparity d = focal × baseline / depth (pixels), 0 for the sky at infinite depth."""
    name = "disparity from depth"
    depth = np.array([[2.0, 4.0, 10.0], [50.0, 1.0, np.inf]])
    focal, baseline = 180.0, 0.5
    ok, got = call(name, fn, depth, focal, baseline)
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


# ------------------------------------------------------------ 01 minimax math
def check_optimal_discriminator(fn: Callable) -> bool:
    """Exercise: D*(x) = p_data(x) / (p_data(x) + p_g(x))."""
    name = "optimal discriminator D*"
    p_data = np.array([0.3, 0.1, 0.5, 0.0, 2.0])
    p_g = np.array([0.1, 0.3, 0.5, 0.4, 0.0])
    ok, got = call(name, fn, p_data, p_g)
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
    ok, got = call(name, fn, d_fake)
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


# ------------------------------------------------------------ 02 generator
def _check_table(name: str, fn: Callable, cases, hints: Callable | None = None) -> bool:
    """Run ``fn(*args)`` on every case; report the first wrong one with its inputs (and a hint)."""
    for args, expected in cases:
        ok, value = call_number(name, fn, *args, what=f"one number for {args}")
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
    ok, value = call_number(name, fn, w, 50, what="one number (σ_max)")
    if not ok:
        return False
    hint = "Repeat v = normalise(Wᵀu), u = normalise(W v); then σ ≈ uᵀ W v (or ‖W v‖)."
    if abs(value - 9.0) < 1e-3:
        hint = "That is σ_max²: ‖WᵀW v‖ for a unit v is σ², take a square root or use uᵀ W v."
    elif abs(value - 0.1) < 1e-3:
        hint = "That is the smallest singular value."
    return check_close(name, value, 3.0, atol=1e-3, hint=hint, inputs="W with singular values 3, 1.5, 0.5, 0.1")


# ------------------------------------------------------------ 04 minimax training
def check_hq_fraction(fn: Callable) -> bool:
    """Exercise: the fraction of samples within 3 std of their nearest mode centre."""
    name = "high-quality fraction"
    centers = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0]])
    samples = np.array([[2.05, 0.0], [0.0, 1.7], [-2.0, 0.14], [0.0, 0.0], [1.0, 1.0], [2.0, -0.16]])
    std = 0.05  # 3 std = 0.15: samples 0 and 2 are in, sample 1 (0.3 away) and 5 (0.16 away) are not
    ok, got_f = call_number(name, fn, samples, centers, std, what="one number between 0 and 1")
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
    ok, got_f = call_number(name, fn, real, fake)
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


# ------------------------------------------------------------ predictions and design decisions
# ---- 00: which style needs the largest window?
def measured_patch(style: str, image, top: int = 36, size: int = 64, tolerance: float = 1 / 255,
                   share: float = 0.999) -> int:
    """The window a style needs, measured: stylize a crop and the whole image, and find how far
    from the crop's border the two disagree (the crop lacks the pixels beyond it). The patch is
    2·reach + 1 pixels; ``top`` is a multiple of pixel art's block, so its blocks line up."""
    from ..styles import apply_style

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
    from ..styles import STYLES

    names = tuple(STYLES)
    ok, largest = read_choice(name, largest, names, "largest")
    if not ok:
        return False
    ok, smallest = read_choice(name, smallest, names, "smallest")
    if not ok:
        return False
    if image is None:
        from ..data import content_images

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

    from .. import config, models

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
    ok, chosen = read_choices(name, regions, tuple(TOY_REGIONS), "regions")
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
    from ..geometry import describe
    from ..models import build_generator

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


# ---- 03: how many verdicts does one pixel sway?
PATCHGAN_FIELDS = (16, 34, 70)


def measured_verdicts(receptive_field: int, side: int = 160) -> tuple[int, int, float]:
    """Change one pixel of an input to an untrained PatchGAN and count the rows of its logit map that
    change; the most over ``stride`` neighbouring positions. Returns ``(stride, count, margin)``, where
    ``margin`` is the smallest change counted divided by the largest change left uncounted (round-off)."""
    from ..models import build_discriminator

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
        ok, got = call_number(name, fn, rf, stride, what="a number of logits")
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


# ---- 04: which generator losses saturate?
def confident_ring_discriminator(seed: int = 0, steps: int = 200):
    """Train notebook 04's ring discriminator against an untrained generator until it rejects the fakes;
    return ``(generator, discriminator, noise)``."""
    import keras
    import tensorflow as tf

    from .. import config, losses, models, ring

    config.set_seed(seed)
    data = ring.sample_ring(4096, std=0.05, seed=config.seed_offset() + seed)
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

    from ..losses import GAN_LOSSES

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
    from ..losses import ALIASES, GAN_LOSSES

    if isinstance(saturating, (list, tuple, set, frozenset, str)):
        items = [saturating] if isinstance(saturating, str) else list(saturating)
        saturating = [ALIASES.get(str(x).strip().lower(), x) for x in items]
    ok, chosen = read_choices(name, saturating, tuple(GAN_LOSSES), "saturating")
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
