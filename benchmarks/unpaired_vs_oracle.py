"""Unpaired translators against a paired oracle, at the same wall-clock budget per method.

For each style: the paired oracle (the course generator trained with L1 on pairs), the
course recipe (unpaired), and on the hardest style also the peer recipe (the TensorFlow
tutorial's CycleGAN configuration at the course's image size) and the course recipe
without its adversarial term. All are scored on held-out test tiles against the ground
truth S(x), beside the identity, histogram-matching and Reinhard baselines.
gain = PSNR(method) - PSNR(input); ratio = gain / oracle gain.

    python benchmarks/unpaired_vs_oracle.py --minutes 10          # about 60 CPU-minutes
    python benchmarks/unpaired_vs_oracle.py --minutes 2 --styles toon,woodblock

Methods run one at a time (under `make bench`, GVR_PROFILE=fast, for 30 s each). The last
line printed is one JSON object. With GVR_FIGURES_DIR=figures set, the PSNR-vs-time figure
is written to figures/05_unpaired_vs_oracle.png (`make bench` leaves the committed one alone).
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

from gvr_helpers import train, unpaired  # noqa: E402
from gvr_helpers.config import set_seed  # noqa: E402
from gvr_helpers.metrics import psnr  # noqa: E402
from gvr_helpers.styles import BASELINES, STYLES  # noqa: E402

CROP, BATCH = 16, 32   # the course's training crops and batch (test tiles are 64×64)
PEER_CROP = 64         # the peer CycleGAN trains as the tutorial does: batch 1 of whole 64×64 images


def mean_psnr(outputs, truth) -> float:
    return float(np.mean([psnr(o, t) for o, t in zip(outputs, truth)]))


def baselines(data) -> dict:
    reference = data.b[:64]
    return {name: mean_psnr([fn(x, reference) for x in data.test_x], data.test_y) for name, fn in BASELINES.items()}


def run_method(method: str, style: str, seconds: float, test, train_data, peer=None) -> dict:
    set_seed(0)
    patch = STYLES[style].patch
    if method == "oracle":
        model, stream = unpaired.paired_oracle(patch=patch), unpaired.crop_stream(train_data.a, train_data.a_styled, BATCH, paired=True)
    elif method == "peer":
        # without single-ink crops: instance norm's gradients explode on them (unpaired.drop_flat_crops)
        model = unpaired.peer_cyclegan(crop=PEER_CROP)
        stream = unpaired.crop_stream(unpaired.drop_flat_crops(peer.a), unpaired.drop_flat_crops(peer.b), 1)
    else:
        model = unpaired.fast_recipe(patch=patch, adversarial=(method == "course"), colour_reference=train_data.b)
        stream = unpaired.crop_stream(train_data.a, train_data.b, BATCH)
    t = time.perf_counter()
    try:  # a diverging method is reported (db None, the step it diverged at), not silently scored NaN
        result = unpaired.train_for(model, stream, seconds, data=test, every=200, callbacks=[train.NaNGuard()])
        result["db"] = unpaired.test_psnr(model.generator, test)
    except train.TrainingDivergedError as exc:
        print(f"  {style:10s} {method:7s} diverged: {exc}", flush=True)
        result = {"steps": int(model.g_optimizer.iterations.numpy()), "seconds": None,
                  "curve": [], "db": float("nan"), "diverged": str(exc).split(".")[0]}
    if result["seconds"] is not None:
        print(f"  {style:10s} {method:7s} {result['steps']:6d} steps {result['seconds']:7.1f} s "
              f"({time.perf_counter() - t:.0f} s with evaluation)  {result['db']:.2f} dB", flush=True)
        print("    dB every 1000 steps:", " ".join(f"{p[2]:.2f}" for p in result["curve"][::5]), flush=True)
    return result


def plot(curves: dict, identity: dict):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gvr_helpers.plotting import save_figure

    fig, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 3.6), squeeze=False)
    for ax, (style, methods) in zip(axes[0], curves.items()):
        for method, points in methods.items():
            pts = np.array(points)
            ax.plot(pts[:, 0] / 60, pts[:, 2], marker=".", label=method)
        ax.axhline(identity[style], color="grey", ls=":", label="input (identity)")
        ax.set(title=style, xlabel="training time (min)", ylabel="test PSNR vs ground truth (dB)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, "05_unpaired_vs_oracle")
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # `make bench` sets GVR_PROFILE=fast: a 30-second smoke run instead of an hour.
    default = 0.5 if os.environ.get("GVR_PROFILE", "").strip().lower() == "fast" else 10.0
    parser.add_argument("--minutes", type=float, default=default,
                        help="wall-clock training time per method (default 10; 0.5 when GVR_PROFILE=fast)")
    parser.add_argument("--styles", default="toon,woodblock", help="comma-separated; the last is the hardest")
    args = parser.parse_args(argv)
    styles = [s.strip() for s in args.styles.split(",") if s.strip()]
    unknown = [s for s in styles if s not in STYLES]
    if not styles or unknown or args.minutes <= 0:
        parser.error(f"need --minutes > 0 and styles from {sorted(STYLES)}; got {args.minutes}, {unknown or styles}")
    seconds, hardest = args.minutes * 60, styles[-1]
    out, curves, identity = {}, {}, {}
    for style in styles:
        test = unpaired.style_data(style, crop=64)
        train_data = unpaired.style_data(style, crop=CROP, n_crops=2048)
        identity[style] = mean_psnr(test.test_x, test.test_y)
        base = baselines(test)
        methods = ["oracle", "course"] + (["peer", "no_gan"] if style == hardest else [])
        peer = unpaired.style_data(style, crop=PEER_CROP, n_crops=1024) if style == hardest else None
        res = {m: run_method(m, style, seconds, test, train_data, peer) for m in methods}
        curves[style] = {m: r["curve"] for m, r in res.items() if r["curve"]}
        oracle_gain = res["oracle"]["db"] - identity[style]
        ratio = (lambda db: (db - identity[style]) / oracle_gain if oracle_gain > 0 else float("nan"))
        row = {"identity_db": identity[style], "oracle_db": res["oracle"]["db"], "course_db": res["course"]["db"],
               "baseline_db": max(base.values()), "baselines": base, "course_ratio": ratio(res["course"]["db"]),
               "course_steps": res["course"]["steps"], "oracle_steps": res["oracle"]["steps"],
               "seconds": seconds}
        if style == hardest:
            row.update(peer_db=res["peer"]["db"], peer_ratio=ratio(res["peer"]["db"]), peer_steps=res["peer"]["steps"],
                       no_gan_db=res["no_gan"]["db"])
        if style == hardest and "diverged" in res["peer"]:
            row["peer_diverged"] = res["peer"]["diverged"]
        out[style] = {k: (None if isinstance(v, float) and not np.isfinite(v) else round(v, 3) if isinstance(v, float)
                          else v) for k, v in row.items()}
        out[style]["baselines"] = {k: round(v, 3) for k, v in base.items()}
        print(f"{style}: {json.dumps(out[style])}", flush=True)
    print("curves (seconds, steps, dB):", json.dumps(curves), flush=True)
    plot(curves, identity)
    print(json.dumps({"styles": out, "minutes_per_method": args.minutes, "hardest": hardest}))


if __name__ == "__main__":
    main()
