"""Why GAN training is unstable, and what fixes it, measured on the 8-Gaussian ring.

    python benchmarks/gan_stability.py [--seeds 3] [--steps 2000] [--variants NAME ...]

Every variant of ``gvr_helpers.ring.RING_VARIANTS`` trains the same MLP generator and
discriminator on the same seeds for the same number of steps; we report, per variant, the
modes covered (of 8, mean over seeds), the fraction of high-quality samples (within 3 std of
a mode) and the seconds per run. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from gvr_helpers import ring  # noqa: E402


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--variants", nargs="*", default=list(ring.RING_VARIANTS))
    args = parser.parse_args(argv)
    unknown = [v for v in args.variants if v not in ring.RING_VARIANTS]
    if unknown or args.seeds < 1 or args.steps < 1:
        parser.error(f"unknown variants {unknown}; known: {list(ring.RING_VARIANTS)}" if unknown
                     else "--seeds and --steps must be >= 1")
    results = {}
    start = time.perf_counter()
    for name in args.variants:
        runs = ring.compare_ring_variants([name], seeds=range(args.seeds), steps=args.steps)[name]
        results[name] = {
            "modes_covered": round(sum(runs["modes_covered"]) / args.seeds, 3),
            "hq_fraction": round(sum(runs["hq_fraction"]) / args.seeds, 3),
            "seconds": round(max(runs["seconds"]), 1),
            "per_seed_modes": runs["modes_covered"],
        }
        print(f"{name:50s} modes {results[name]['modes_covered']:.2f}/8  hq {results[name]['hq_fraction']:.3f}  "
              f"slowest run {results[name]['seconds']:.1f} s  seeds {results[name]['per_seed_modes']}", flush=True)
    summary = {"benchmark": "gan_stability", "seeds": args.seeds, "steps": args.steps, "batch_size": 256,
               "recommended": ring.RECOMMENDED, "variants": results,
               "total_seconds": round(time.perf_counter() - start, 1),
               # Seconds are wall time: on a shared machine they grow with the load, so record it.
               "load_average_1min": round(os.getloadavg()[0], 2), "cpu_count": os.cpu_count()}
    if ring.RECOMMENDED in results:
        rec = results[ring.RECOMMENDED]
        summary["recommended_modes_covered"] = rec["modes_covered"]
        summary["all_runs_under_60_s"] = all(r["seconds"] < 60 for r in results.values())
        for base in ("saturating (minimax)", "saturating, overpowering D"):
            if base in results:  # ratios measured in this one run
                summary[f"modes_ratio_recommended_vs_{base}"] = round(
                    rec["modes_covered"] / max(results[base]["modes_covered"], 1e-9), 2)
                summary[f"time_ratio_recommended_vs_{base}"] = round(rec["seconds"] / results[base]["seconds"], 2)
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
