"""Why GAN training is unstable, and what fixes it, measured on the 8-Gaussian ring.

    python benchmarks/gan_stability.py [--seeds 3] [--steps 2000] [--variants NAME ...]

Every variant of ``gvr_helpers.train.RING_VARIANTS`` trains the same MLP generator and
discriminator on the same seeds for the same number of steps; we report, per variant, the
modes covered (of 8, mean over seeds), the fraction of high-quality samples (within 3 std of
a mode) and the seconds per run. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from gvr_helpers import train  # noqa: E402


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--variants", nargs="*", default=list(train.RING_VARIANTS))
    args = parser.parse_args(argv)
    unknown = [v for v in args.variants if v not in train.RING_VARIANTS]
    if unknown or args.seeds < 1 or args.steps < 1:
        parser.error(f"unknown variants {unknown}; known: {list(train.RING_VARIANTS)}" if unknown
                     else "--seeds and --steps must be >= 1")
    results = {}
    start = time.perf_counter()
    for name in args.variants:
        runs = [train.train_ring(seed=s, steps=args.steps, **train.RING_VARIANTS[name]) for s in range(args.seeds)]
        results[name] = {
            "modes_covered": sum(r["modes_covered"] for r in runs) / len(runs),
            "hq_fraction": round(sum(r["hq_fraction"] for r in runs) / len(runs), 3),
            "seconds": round(max(r["seconds"] for r in runs), 1),
            "per_seed_modes": [r["modes_covered"] for r in runs],
        }
        print(f"{name:52s} modes {results[name]['modes_covered']:.2f}/8  hq {results[name]['hq_fraction']:.3f}  "
              f"slowest run {results[name]['seconds']:.1f} s  seeds {results[name]['per_seed_modes']}", flush=True)
    summary = {"benchmark": "gan_stability", "seeds": args.seeds, "steps": args.steps, "batch_size": 256,
               "recommended": train.RECOMMENDED, "variants": results,
               "total_seconds": round(time.perf_counter() - start, 1)}
    if train.RECOMMENDED in results:
        summary["recommended_modes_covered"] = results[train.RECOMMENDED]["modes_covered"]
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
