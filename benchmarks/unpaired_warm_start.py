"""Start the unpaired game at the answer: does training stay there?

G starts as the shipped paired oracle for a style (``data/checkpoints/<style>_oracle.keras``, the
best translator the course has, close to the ground truth S), then trains unpaired with the course's
previous recipe (its residual G has the oracle's architecture) and with parts of it removed, and as
the G of the course's CycleGAN whose F was first trained on pairs to invert it
(``--inverse-seconds``), for the same wall-clock time each; the test PSNR is traced every
``--every`` steps. If the answer were a resting point of the game, the curves would stay at the
start. A second part trains the recipe's discriminator alone against the frozen oracle and prints
its mean score on held-out crops: real style images b, the true style of the photos S(a), the
oracle's G(a) and the untouched photos a (least squares: 1 = real, 0 = fake). A third part prices
the answer: what each content anchor charges for G(a) = S(a), beside what it charges for the style
of another crop (a wrong answer).

    taskset -c 1 python benchmarks/unpaired_warm_start.py --style woodblock --seconds 45

The last line is one JSON object {"style", "seconds", "identity_db", "start_db", "runs": [...],
"critic": {...}, "anchor_prices": {...}}; benchmarks/results/unpaired_warm_start_woodblock.json is it, and notebook 06 draws it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gvr_helpers import config, evaluation, recipes, translators, unpaired, unpaired_data  # noqa: E402
from gvr_helpers.config import set_seed  # noqa: E402
from gvr_helpers.styles import STYLES  # noqa: E402

NO_ANCHORS = {"content_weight": 0.0, "identity_weight": 0.0}
VARIANTS = {
    "recipe (anchors + GAN)": {},
    "anchors only (no GAN)": {"adversarial": False},
    "GAN only (no anchors)": NO_ANCHORS,
    "GAN only, G 10x slower": {**NO_ANCHORS, "g_learning_rate": 2e-5},
    "GAN only, R1 penalty 10": {**NO_ANCHORS, "r1_weight": 10.0},
}
CYCLEGAN = "CycleGAN (F first inverts G on pairs)"


def load_oracle(style: str) -> keras.Model:
    """The shipped paired oracle for ``style`` (Keras safe mode)."""
    path = config.DATA_DIR / "checkpoints" / f"{style}_oracle.keras"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: train it with tools/train_checkpoints.py --styles {style} "
                                "--recipes oracle")
    return keras.saving.load_model(path, safe_mode=True, compile=False)


def oracle_recipe(style: str, data: unpaired_data.StyleData, **options) -> unpaired.FastTranslator:
    """The previous fast recipe (residual G, :data:`recipes.RESIDUAL_RECIPE`, with ``options``) whose
    G starts from the shipped paired oracle's weights (the same architecture)."""
    model = recipes.fast_recipe(patch=STYLES[style].patch, colour_reference=data.b,
                                 **{**recipes.RESIDUAL_RECIPE, **options})
    model.generator.set_weights(load_oracle(style).get_weights())
    return model


def oracle_cyclegan(style: str, data: unpaired_data.StyleData, inverse_seconds: float | None = None,
                    inverse_steps: int | None = None) -> unpaired.CycleGAN:
    """The course's CycleGAN with G = the oracle and F trained first on pairs (S(a), a) to invert it,
    for ``inverse_seconds`` (the benchmark's equal-time budget) or ``inverse_steps`` (a result that
    does not depend on how busy the machine is: the tests use it)."""
    if (inverse_seconds is None) == (inverse_steps is None):
        raise ValueError("give exactly one of inverse_seconds and inverse_steps")
    oracle = load_oracle(style)
    inverse = keras.models.clone_model(oracle)   # the same architecture, freshly initialised: the identity
    paired = unpaired.PairedTranslator(inverse)
    paired.compile()
    stream = unpaired_data.crop_stream(data.a_styled, data.a, 32, paired=True)
    if inverse_steps is not None:
        paired.fit(stream, epochs=1, steps_per_epoch=int(inverse_steps), verbose=0)
    else:
        evaluation.train_for(paired, stream, inverse_seconds)
    return recipes.cyclegan_recipe(data.a.shape[1], generator=oracle, inverse=inverse)


def critic_scores(style: str, data, steps: int) -> dict:
    """Train the recipe's D alone (G's learning rate 0) against the frozen oracle; mean D(x) per kind of crop."""
    set_seed(0)
    model = oracle_recipe(style, data, g_learning_rate=0.0)
    model.fit(unpaired_data.crop_stream(data.a, data.b, 32), epochs=1, steps_per_epoch=steps, verbose=0)
    held = unpaired_data.style_data(style, crop=data.a.shape[1], n_crops=1024, seed=1)
    mean_d = lambda x: round(float(np.mean(model.discriminator.predict(x, batch_size=256, verbose=0))), 3)  # noqa: E731
    return {"steps": steps, "real style b": mean_d(held.b), "true style S(a)": mean_d(held.a_styled),
            "oracle G(a)": mean_d(translators.translate(model.generator, held.a)), "photos a": mean_d(held.a)}


def anchor_prices(data) -> dict:
    """Mean content anchor(a, S(a)) at the answer and anchor(a, S(a')) for another crop a', per anchor:
    an anchor that charges much for the answer pulls G away from it."""
    a, answer = tf.constant(data.a), tf.constant(data.a_styled)
    wrong = tf.gather(answer, np.random.default_rng(0).permutation(len(data.a)))
    return {name: {"answer": round(float(f(a, answer)), 4), "wrong answer": round(float(f(a, wrong)), 4)}
            for name, f in unpaired.ANCHORS.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fast = os.environ.get("GVR_PROFILE", "").strip().lower() == "fast"
    parser.add_argument("--seconds", type=float, default=3.0 if fast else 45.0, help="training time per variant")
    parser.add_argument("--style", default="woodblock", choices=sorted(STYLES))
    parser.add_argument("--every", type=int, default=100, help="steps between test PSNR points")
    parser.add_argument("--critic-steps", type=int, default=20 if fast else 1000)
    parser.add_argument("--inverse-seconds", type=float, default=2.0 if fast else 40.0,
                        help="paired training of the CycleGAN's F before the game")
    args = parser.parse_args(argv)
    test = unpaired_data.style_data(args.style, crop=64)
    data = unpaired_data.style_data(args.style, crop=16, n_crops=2048)
    identity = evaluation.input_psnr(test)
    runs = []
    for name, options in [*VARIANTS.items(), (CYCLEGAN, None)]:
        set_seed(0)
        model = oracle_cyclegan(args.style, data, args.inverse_seconds) if options is None else \
            oracle_recipe(args.style, data, **options)
        row = {"variant": name}
        if options is None:   # what the cycle charges at the answer: how far F(G(x)) is from x
            recovered = evaluation.reconstruction_psnr(model.generator, model.inverse, test.test_x)
            row["start_reconstruction_db"] = round(recovered, 3)
        run = evaluation.train_for(model, unpaired_data.crop_stream(data.a, data.b, 32), args.seconds, data=test,
                                   every=args.every)
        runs.append({**row, "steps": run["steps"], "db": round(run["curve"][-1][2], 3),
                     "curve": [[s, n, round(db, 3)] for s, n, db in run["curve"]]})
        print(f"{name:38s} {run['curve'][0][2]:6.2f} dB at the start -> {run['curve'][-1][2]:6.2f} dB "
              f"after {run['steps']} steps (input {identity:.2f} dB)", flush=True)
    critic = critic_scores(args.style, data, args.critic_steps)
    print("D trained against the frozen oracle, mean score:", critic)
    prices = anchor_prices(data)
    print("content anchor at the answer and at a wrong answer:", prices)
    print(json.dumps({"style": args.style, "seconds": args.seconds, "identity_db": round(identity, 3),
                      "start_db": runs[0]["curve"][0][2], "runs": runs, "critic": critic,
                      "anchor_prices": prices}))


if __name__ == "__main__":
    main()
