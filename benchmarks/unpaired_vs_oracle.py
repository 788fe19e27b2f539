"""Unpaired recipes against a paired oracle, at the same wall-clock budget per method, on every style.

For each style: the paired oracle (the stronger of the generic residual translator and the course
recipe's own G, each trained with L1 on the pairs (x, S(x)) that no unpaired method sees), the
course recipe (`recipes.style_recipe`, unpaired), the recipe without its adversarial term, and the
best classic baseline (histogram matching, Reinhard); on the last ("hardest") style also the peer
recipe (the TensorFlow tutorial's CycleGAN at the course's image size). Data:
`unpaired_data.course_style_data` (A, B and validation squares in a three-way checkerboard, test
tiles below). Learning curves are traced on the validation tiles; the test tiles score each
method once, at the end.

gain = PSNR(method) − PSNR(input) on the test tiles; ratio = gain / oracle gain. Beside PSNR, a
structure score that recolouring alone cannot raise: the PSNR between the Sobel gradients of the
output's and the ground truth's luminance (`structure_db`), with its own ratio.

    python benchmarks/unpaired_vs_oracle.py --styles all --minutes 5      # about 90 minutes
    python benchmarks/unpaired_vs_oracle.py --minutes 1 --styles toon,woodblock

Methods run one at a time (under `make bench`, GVR_PROFILE=fast: 10 s each, two styles). The last
line printed is one JSON object with `mean_ratio` and `min_ratio`. With GVR_FIGURES_DIR=figures
set, the PSNR-vs-time figure is written to figures/05_unpaired_vs_oracle_all_styles.png.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gvr_helpers import callbacks, evaluation, recipes, translators, unpaired, unpaired_data  # noqa: E402
from gvr_helpers.config import set_seed  # noqa: E402
from gvr_helpers.losses import luminance  # noqa: E402
from gvr_helpers.metrics import psnr  # noqa: E402
from gvr_helpers.styles import BASELINES, STYLES  # noqa: E402
from gvr_helpers.unpaired_data import course_style_data  # noqa: E402

CROP, BATCH = 16, 32   # the course's training crops and batch (validation and test tiles are 64×64)
PEER_CROP = 64         # the peer CycleGAN trains as the tutorial does: batch 1 of whole 64×64 images
ALIGN = {"pixel_art": 4}   # origin-aligned blocks: crops must keep the grid (a fact of the data, not of G)


def mean_psnr(outputs, truth) -> float:
    return float(np.mean([psnr(o, t) for o, t in zip(outputs, truth)]))


def structure_psnr(outputs, truth) -> float:
    """Mean PSNR (peak 8, the Sobel range of [0, 1] images) between the Sobel gradients of two batches'
    luminance: outlines, strokes and block edges count; a uniform recolouring barely moves it."""
    def grad(x):
        return tf.image.sobel_edges(luminance(tf.constant(np.asarray(x, np.float32)))).numpy()
    mse = np.mean((grad(outputs) - grad(truth)) ** 2, axis=(1, 2, 3, 4))
    return float(np.mean(10 * np.log10(64.0 / np.maximum(mse, 1e-12))))


def baselines(data) -> dict:
    reference = data.b[:256]
    return {name: [fn(x, reference) for x in data.test_x] for name, fn in BASELINES.items()}


class ValidationCurve(evaluation.PSNRCurve):
    """PSNR on the validation tiles over training time (the test tiles are kept for the final score)."""

    def record(self):
        t = time.perf_counter()
        out = translators.translate(self.model.generator, self.data.val_x)
        self.points.append((round(self.budget.elapsed, 2), self.budget.steps, mean_psnr(out, self.data.val_y)))
        self.budget.paused += time.perf_counter() - t


def run_method(method: str, style: str, seconds: float, data, peer=None) -> dict:
    set_seed(0)
    if method == "oracle_residual":
        model = recipes.paired_oracle(patch=STYLES[style].patch)
    elif method == "oracle_recipe_g":
        model = unpaired.PairedTranslator(recipes.style_recipe().generator)
        model.compile(learning_rate=1e-3)
    elif method == "peer":   # without single-ink crops: instance norm's gradients explode on them
        model = recipes.peer_cyclegan(crop=PEER_CROP)
    else:
        model = recipes.style_recipe(adversarial=(method == "course"))
    if method.startswith("oracle"):
        stream = unpaired_data.crop_stream(data.a, data.a_styled, BATCH, paired=True)
    elif method == "peer":
        stream = unpaired_data.crop_stream(unpaired_data.drop_flat_crops(peer.a),
                                           unpaired_data.drop_flat_crops(peer.b), 1)
    else:
        stream = unpaired_data.crop_stream(data.a, data.b, BATCH)
    budget = evaluation.TimeBudget(seconds)
    curve = ValidationCurve(data, budget, every=200)
    t = time.perf_counter()
    try:  # a diverging method is reported (db None, the step it diverged at), not silently scored NaN
        model.fit(stream, epochs=1, steps_per_epoch=10 ** 9, verbose=0, callbacks=[budget, curve, callbacks.NaNGuard()])
        out = translators.translate(model.generator, data.test_x)
        result = {"steps": budget.steps, "seconds": round(budget.elapsed, 2), "curve": curve.points,
                  "db": mean_psnr(out, data.test_y), "structure_db": structure_psnr(out, data.test_y)}
    except callbacks.TrainingDivergedError as exc:
        print(f"  {style:10s} {method:16s} diverged: {exc}", flush=True)
        return {"steps": budget.steps, "seconds": None, "curve": [], "db": float("nan"),
                "structure_db": float("nan"), "diverged": str(exc).split(".")[0]}
    print(f"  {style:10s} {method:16s} {result['steps']:6d} steps {result['seconds']:7.1f} s "
          f"({time.perf_counter() - t:.0f} s with evaluation)  test {result['db']:.2f} dB, "
          f"structure {result['structure_db']:.2f} dB", flush=True)
    print("    validation dB every 200 steps:", " ".join(f"{p[2]:.2f}" for p in curve.points), flush=True)
    return result


def _rounded(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else round(v, 3) if isinstance(v, float)
                else _rounded(v) if isinstance(v, dict) else v) for k, v in row.items()}


def evaluate_style(style: str, seconds: float, hardest: bool) -> tuple[dict, dict]:
    data = course_style_data(style, crop=CROP, n_crops=2048, align=ALIGN.get(style, 1))
    identity_db, identity_structure = mean_psnr(data.test_x, data.test_y), structure_psnr(data.test_x, data.test_y)
    base = {name: (mean_psnr(out, data.test_y), structure_psnr(out, data.test_y))
            for name, out in baselines(data).items()}
    methods = ["oracle_residual", "oracle_recipe_g", "course", "no_gan"] + (["peer"] if hardest else [])
    peer = course_style_data(style, crop=PEER_CROP, n_crops=1024, align=ALIGN.get(style, 1)) if hardest else None
    res = {m: run_method(m, style, seconds, data, peer) for m in methods}
    oracle = max(("oracle_residual", "oracle_recipe_g"), key=lambda m: np.nan_to_num(res[m]["db"], nan=-1e9))
    gain, sgain = res[oracle]["db"] - identity_db, res[oracle]["structure_db"] - identity_structure

    def ratio(db, g=gain, ref=identity_db):
        return (db - ref) / g if g > 0 else float("nan")

    best_base = max(base, key=lambda n: base[n][0])
    row = {"identity_db": identity_db, "oracle": oracle, "oracle_db": res[oracle]["db"],
           "oracle_gain_db": gain, "course_db": res["course"]["db"], "no_gan_db": res["no_gan"]["db"],
           "baseline": best_base, "baseline_db": base[best_base][0], "course_ratio": ratio(res["course"]["db"]),
           "identity_structure_db": identity_structure, "oracle_structure_db": res[oracle]["structure_db"],
           "course_structure_db": res["course"]["structure_db"],
           "course_structure_ratio": ratio(res["course"]["structure_db"], sgain, identity_structure),
           "no_gan_structure_db": res["no_gan"]["structure_db"],
           "baseline_structure_db": base[best_base][1],
           "steps": {m: r["steps"] for m, r in res.items()}, "seconds": seconds,
           "oracles_db": {m: res[m]["db"] for m in ("oracle_residual", "oracle_recipe_g")}}
    if hardest:
        row.update(peer_db=res["peer"]["db"], peer_ratio=ratio(res["peer"]["db"]))
        if "diverged" in res["peer"]:
            row["peer_diverged"] = res["peer"]["diverged"]
    curves = {m: r["curve"] for m, r in res.items() if r["curve"]}
    curves["input"] = [[0.0, 0, mean_psnr(data.val_x, data.val_y)]]
    return _rounded(row), curves


def plot(curves: dict):
    import matplotlib

    matplotlib.use("Agg")
    from gvr_helpers.plotting import benchmark_curves

    return benchmark_curves(curves, name="05_unpaired_vs_oracle_all_styles",
                            ylabel="validation PSNR vs ground truth (dB)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fast = os.environ.get("GVR_PROFILE", "").strip().lower() == "fast"
    parser.add_argument("--minutes", type=float, default=1 / 6 if fast else 5.0,
                        help="wall-clock training time per method (default 5; 10 s when GVR_PROFILE=fast)")
    parser.add_argument("--styles", default="toon,woodblock" if fast else "all",
                        help="'all' or comma-separated names; the last is the hardest (default all)")
    args = parser.parse_args(argv)
    styles = list(STYLES) if args.styles.strip() == "all" else [s.strip() for s in args.styles.split(",") if s.strip()]
    unknown = [s for s in styles if s not in STYLES]
    if not styles or unknown or args.minutes <= 0:
        parser.error(f"need --minutes > 0 and styles from {sorted(STYLES)} or 'all'; got {args.minutes}, "
                     f"{unknown or styles}")
    seconds, out, curves = args.minutes * 60, {}, {}
    for style in styles:
        out[style], curves[style] = evaluate_style(style, seconds, hardest=(style == styles[-1]))
        print(f"{style}: {json.dumps(out[style])}", flush=True)
    print("curves (seconds, steps, validation dB):", json.dumps(curves), flush=True)
    plot(curves)
    ratios = [r["course_ratio"] for r in out.values() if r["course_ratio"] is not None]
    summary = {"mean_ratio": round(float(np.mean(ratios)), 3) if ratios else None,
               "min_ratio": round(float(np.min(ratios)), 3) if ratios else None}
    print(json.dumps({"styles": out, **summary, "minutes_per_method": args.minutes, "hardest": styles[-1]}))


if __name__ == "__main__":
    main()
