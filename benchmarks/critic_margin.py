"""How sure is notebook 06's style critic? Its realism score of the stylized cat minus the original's.

Notebook 06 trains a small PatchGAN critic on style-set crops (1) against plain photos (0) and
asserts that it rates the stylized image y = S(x) above the original x. This prints that gap for
several seeds and two choices of negatives, in one run, so the notebook's margin is chosen from
measurements (run it with TF_ENABLE_ONEDNN_OPTS=0 and =1; the results are in
benchmarks/results/critic_margin.md):

    python benchmarks/critic_margin.py --steps 100,300 --seeds 6
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np

from gvr_helpers import config, data, styles, transfer

STYLE_PHOTOS = ("astronaut", "rocket", "retina", "grace_hopper")      # notebook 06's style set
OTHER_PHOTOS = ("coffee", "immunohistochemistry", "hubble_deep_field")
NEGATIVES = {"other photos only": OTHER_PHOTOS, "style set's photos + others": STYLE_PHOTOS + OTHER_PHOTOS,
             "others + style set's photos": OTHER_PHOTOS + STYLE_PHOTOS}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--style", default="woodblock", choices=sorted(styles.STYLES))
    parser.add_argument("--steps", default="100,300", help="comma-separated training steps")
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--negatives", default=",".join(NEGATIVES), help="comma-separated, from the keys of NEGATIVES")
    args = parser.parse_args(argv)
    size = 4 * config.get_profile().image_size
    x = data.bundled_image("chelsea", size)
    y = styles.apply_style(args.style, x)
    style_set = styles.apply_style(args.style, np.stack(data.content_images(size, STYLE_PHOTOS)))
    rows = []
    for negatives in args.negatives.split(","):
        names = NEGATIVES[negatives]
        content = data.content_images(size, names)
        for steps in [int(s) for s in args.steps.split(",")]:
            gaps = []
            for seed in range(args.seeds):
                critic = transfer.train_style_critic(style_set, content, steps=steps, crop=32,
                                                     receptive_field=34, seed=seed)
                gaps.append(round(transfer.realism_score(critic, y) - transfer.realism_score(critic, x), 3))
            rows.append({"negatives": negatives, "steps": steps, "gaps": gaps, "min_gap": min(gaps)})
            print(f"{negatives:28s} {steps:4d} steps: realism(y) - realism(x) = {gaps}", flush=True)
    print(json.dumps({"style": args.style, "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
                      "rows": rows}))


if __name__ == "__main__":
    main()
