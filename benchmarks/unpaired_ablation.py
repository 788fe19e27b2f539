"""Quality ablation of the course's unpaired recipe: what each ingredient is worth, in dB.

Trains the recipe and one-change variants of it (generator size, discriminator receptive
field, loss, augmentation, colour/identity terms, crop size) for the same wall-clock time
each and scores every one on the held-out test tiles against the ground truth.

    python benchmarks/unpaired_ablation.py --seconds 60 --style toon

The last line is one JSON object {"style", "seconds", "identity_db", "rows": [...]}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gvr_helpers import evaluation, unpaired_data  # noqa: E402
from gvr_helpers.styles import STYLES  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = 5.0 if os.environ.get("GVR_PROFILE", "").strip().lower() == "fast" else 60.0
    parser.add_argument("--seconds", type=float, default=default, help="training time per variant")
    parser.add_argument("--style", default="toon", choices=sorted(STYLES))
    parser.add_argument("--variants", default=";".join(evaluation.ABLATIONS), help="';'-separated names")
    args = parser.parse_args(argv)
    test = unpaired_data.style_data(args.style, crop=64)
    identity = evaluation.input_psnr(test)
    rows = evaluation.ablation(args.style, args.seconds, args.variants.split(";"), test_data=test)
    print(f"{'variant':30s} {'steps':>6s} {'dB':>7s} {'gain':>6s}   (input {identity:.2f} dB)")
    for r in rows:
        print(f"{r['variant']:30s} {r['steps']:6d} {r['db']:7.2f} {r['gain_db']:+6.2f}")
    print(json.dumps({"style": args.style, "seconds": args.seconds, "identity_db": round(identity, 3), "rows": rows}))


if __name__ == "__main__":
    main()
