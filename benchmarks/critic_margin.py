"""How sure is notebook 06's style critic? Its realism score of the stylized cat minus the original's.

Notebook 06 trains a small PatchGAN critic on style-set crops (1) against plain photos (0) and
asserts that it rates the stylized image y above the original x. The notebook's y is now
the GAN's output, y = G(x) of the shipped unpaired translator (`--stylized gan`, the default,
`translators.load_translator("<style>_fast")`); before, it was the algorithmic style y = S(x)
(`--stylized style`). This prints that gap for several seeds and choices of negatives, in one run,
so the notebook's margin is chosen from measurements (run it with TF_ENABLE_ONEDNN_OPTS=0 and =1;
the results are in benchmarks/results/critic_margin.md). ``--fusions`` also prints the critic's
verdict on each fusion of y with x at full strength (Exercise 6.4 asks which one it scores lowest):

    python benchmarks/critic_margin.py --stylized gan --steps 1000 --seeds 6 --negatives "style set's photos + others" --fusions
    python benchmarks/critic_margin.py --stylized style --steps 100,300,1000 --seeds 6
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np

from gvr_helpers import config, data, fusion, styles, transfer

STYLE_PHOTOS = ("astronaut", "rocket", "retina", "grace_hopper")      # notebook 06's style set
OTHER_PHOTOS = ("coffee", "immunohistochemistry", "hubble_deep_field")
NEGATIVES = {"other photos only": OTHER_PHOTOS, "style set's photos + others": STYLE_PHOTOS + OTHER_PHOTOS,
             "others + style set's photos": OTHER_PHOTOS + STYLE_PHOTOS}


def stylized_image(x, style: str, stylized: str, translator: str | None = None):
    """y for the original ``x``: the GAN's output (``"gan"``, a shipped translator) or S(x) (``"style"``)."""
    if stylized == "style":
        return styles.apply_style(style, x), f"S(x), the algorithmic {style} style"
    from gvr_helpers import translators

    name = translator or f"{style}_fast"
    return transfer.style_transfer(translators.load_translator(name), x), f"G(x), the shipped translator {name}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--style", default="woodblock", choices=sorted(styles.STYLES))
    parser.add_argument("--stylized", default="gan", choices=("gan", "style"),
                        help="y = G(x) of the shipped GAN-trained translator (gan) or the algorithmic style S(x)")
    parser.add_argument("--translator", default=None, help="shipped translator for --stylized gan (default <style>_fast)")
    parser.add_argument("--steps", default="100,300", help="comma-separated training steps")
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--negatives", default=",".join(NEGATIVES), help="comma-separated, from the keys of NEGATIVES")
    parser.add_argument("--fusions", action="store_true",
                        help="also score each fusion of y with x at full strength (fusion.FUSIONS, default options)")
    args = parser.parse_args(argv)
    size = 4 * config.get_profile().image_size
    x = data.bundled_image("chelsea", size)
    y, what = stylized_image(x, args.style, args.stylized, args.translator)
    print(f"{size} px, y = {what}", flush=True)
    style_set = styles.apply_style(args.style, np.stack(data.content_images(size, STYLE_PHOTOS)))
    rows = []
    for negatives in args.negatives.split(","):
        names = NEGATIVES[negatives]
        content = data.content_images(size, names)
        for steps in [int(s) for s in args.steps.split(",")]:
            gaps, scores, fused = [], [], {m: [] for m in (fusion.FUSIONS if args.fusions else ())}
            for seed in range(args.seeds):
                critic = fusion.train_style_critic(style_set, content, steps=steps, crop=32,
                                                     receptive_field=34, seed=seed)
                rx, ry = transfer.realism_score(critic, x), transfer.realism_score(critic, y)
                gaps.append(round(ry - rx, 3))
                scores.append([round(rx, 3), round(ry, 3)])
                for m in fused:
                    fused[m].append(round(transfer.realism_score(critic, fusion.FUSIONS[m](y, x)), 3))
            rows.append({"negatives": negatives, "steps": steps, "gaps": gaps, "min_gap": min(gaps),
                         "realism_x_y": scores, **({"realism_full_strength": fused} if fused else {})})
            print(f"{negatives:28s} {steps:4d} steps: realism(y) - realism(x) = {gaps}", flush=True)
            print(f"{'':28s} {'':10s} (realism(x), realism(y)) = {scores}", flush=True)
            for m, values in fused.items():
                print(f"{'':28s} {'':10s} realism of {m} fusion at full strength = {values}", flush=True)
    print(json.dumps({"style": args.style, "stylized": args.stylized, "size": size,
                      "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"), "rows": rows}))


if __name__ == "__main__":
    main()
