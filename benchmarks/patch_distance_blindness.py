"""What the 5×5 patch sliced-Wasserstein loss can see: for each course style, its distance to the style
set from the photos (a), from Reinhard colour transfer of the photos, and from the exact answer S(a).

    python benchmarks/patch_distance_blindness.py      # one line per style, then one JSON object

If SWD(S(a), b) is about SWD(a, b), the loss cannot tell the answer from the input: a recipe that
leans on it cannot learn that style. If colour transfer scores below S(a), the loss prefers a recolouring.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gvr_helpers import losses, styles, unpaired_data  # noqa: E402


def main(repeats: int = 8) -> dict:
    out = {}
    for style in styles.STYLES:
        d = unpaired_data.course_style_data(style, crop=32, n_crops=256, align=4 if style == "pixel_art" else 1)
        recoloured = np.stack([styles.reinhard_transfer(x, d.b[:64]) for x in d.a])
        tf.random.set_seed(0)

        def dist(x):
            return float(np.mean([losses.patch_sliced_wasserstein(tf.constant(x), tf.constant(d.b), scales=(1,))
                                  for _ in range(repeats)]))

        row = {"photos": dist(d.a), "colour_transfer": dist(recoloured), "ground_truth": dist(d.a_styled)}
        row["truth_over_photos"] = row["ground_truth"] / row["photos"]
        out[style] = {k: round(v, 5) for k, v in row.items()}
        print(style, out[style], flush=True)
    return out


if __name__ == "__main__":
    print(json.dumps(main()))
