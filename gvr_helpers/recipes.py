"""The course's training recipes (step 2): each builds and compiles an unpaired translator of
:mod:`gvr_helpers.unpaired` with the settings measured for a CPU, so a notebook trains one with
``fit`` in minutes.

* :func:`fast_recipe` — the course's recipe for its two print styles: the ink generator
  (:func:`~gvr_helpers.translators.ink_over_colours`), a spectrally normalised PatchGAN,
  the colour-map anchor and learning rates that decay to 0. :data:`RESIDUAL_RECIPE` gives the
  previous recipe (a generic residual G) for the ablation.
* :func:`style_recipe` — the generic recipe for any style set, a learner's own included.
* :func:`cyclegan_recipe` — the course's CycleGAN, small enough for a CPU and a headset;
  :func:`peer_cyclegan` — the TensorFlow tutorial's configuration, for comparison.
* :func:`paired_oracle` — the measurement-only oracle trained on pairs (x, S(x)).
"""
from __future__ import annotations

import math

import keras

from . import losses as losses_mod
from .models import build_discriminator, build_generator
from .translators import ink_over_colours, residual_translator, style_translator
from .unpaired import CycleGAN, FastTranslator, PairedTranslator, colour_preserving_augment


def fast_recipe(patch: int = 11, generator: str = "ink", filters: int | None = None, depth: int | None = None,
                adversarial: bool = True, d_filters: int = 32, d_receptive_field: int | None = None,
                spectral_norm: bool = True, noise: float = 0.05, ink_init: dict | None = None,
                decay_steps: int | None = 4000, **compile_options) -> FastTranslator:
    """The course's recipe, compiled. What each choice is for (measured in
    benchmarks/results/unpaired_probe_findings.md):

    * G: ``"ink"``, :func:`ink_over_colours`: ink drawn on the photo's edges over a per-pixel colour
      map, its five ink numbers learning 20× faster (``ink_init`` overrides its start). Or
      ``"residual"``: :func:`residual_translator` (``filters``, default 16, ``depth`` ≥ the style's ``patch``),
      which starts as the identity; the previous recipe, kept for the ablation. An option of the
      other generator (``filters``/``depth`` with ``"ink"``, ``ink_init`` with ``"residual"``) is an error.
    * D: a spectrally normalised PatchGAN of receptive field 16 px (34 for patches above 16), 32
      filters, learning rate 2e-3, ten times G's 2e-4. It sees flipped/rotated images with
      Gaussian instance noise σ = ``noise``; LSGAN loss.
    * Anchor: the content anchor is :func:`colour_map_anchor`, weight 5, no identity anchor. It
      ties the light and dark of the colour map to the photo's and leaves the ink free. Without it
      the game recolours whole crops and collapses.
    * Both learning rates fall along a cosine to 0 at step ``decay_steps`` (None: constant): the
      game does not settle by itself, so the recipe ends it while G is near its best.
    * No colour loss by default (``colour_weight``, with ``colour_reference`` = the style set's
      pixels, turns it on).

    Train on small crops in large batches (16×16 × 32). ``adversarial=False`` gives the no-GAN
    ablation; any ``compile_options`` override the defaults."""
    if generator not in ("ink", "residual"):
        raise ValueError(f"generator must be 'ink' or 'residual', got {generator!r}")
    other, unused = ("residual", {"filters": filters, "depth": depth}) if generator == "ink" else \
        ("ink", {"ink_init": ink_init})
    for label, value in unused.items():
        if value is not None:
            raise ValueError(f"{label} is an option of the {other} generator; generator={generator!r} does not use it")
    if generator == "ink":
        g = ink_over_colours({"lr_scale": 20.0, **(ink_init or {})})
        options = dict(anchor="colour_map", identity_weight=0.0)
    else:
        g = residual_translator(filters=16 if filters is None else filters,
                                depth=max(2, math.ceil((patch - 1) / 2)) if depth is None else depth)
        options = dict(anchor="correlation", identity_weight=5.0)
    d = build_discriminator("patchgan", filters=d_filters,
                            receptive_field=(16 if patch <= 16 else 34) if d_receptive_field is None
                            else d_receptive_field,
                            norm="none", spectral_norm=spectral_norm)
    model = FastTranslator(g, d)
    options.update(augment=colour_preserving_augment(noise), content_weight=5.0, colour_weight=0.0,
                   g_learning_rate=2e-4, d_learning_rate=2e-3, decay_steps=decay_steps)
    return _compiled(model, options, compile_options, adversarial)


def _compiled(model: FastTranslator, defaults: dict, overrides: dict, adversarial: bool) -> FastTranslator:
    """Compile a recipe with its defaults, the caller's overrides, and no GAN term if not adversarial."""
    options = {**defaults, **overrides}
    if not adversarial:
        options["adversarial_weight"] = 0.0
    model.compile(**options)
    return model


def style_recipe(adversarial: bool = True, filters: int = 16, depth: int = 8, low: int = 4,
                 d_filters: int = 32, d_receptive_field: int = 16, noise: float = 0.05,
                 **compile_options) -> FastTranslator:
    """The course's recipe for *any* style set, compiled; nothing in it knows a style.

    * G: :func:`style_translator`, a generic residual translator (full-resolution and
      pooled-by-4 branches) that starts as the identity.
    * D: a spectrally normalised PatchGAN (receptive field 16 px, 32 filters), LSGAN loss, seeing
      flipped/rotated inputs with instance noise σ = ``noise``; learning rate 2e-3, G's 1e-3.
    * A patch-distribution loss (weight 10): the sliced Wasserstein distance between G(a)'s 5×5
      patches and the style set's, at full and half resolution. It tells G *what* the style's
      patches look like from the first step, where a young D tells it little.
    * A structure anchor (weight 1, :func:`gvr_helpers.losses.structure_anchor`): the content's
      light and dark layout, pooled by 4, stays where it was; lines, strokes, blocks and colours
      are the style's to choose.

    ``adversarial=False`` gives the no-GAN ablation (the same losses without D). Settings were
    chosen on the validation tiles (benchmarks/recipe_search.py); ``compile_options`` override
    the defaults."""
    g = style_translator(filters=filters, depth=depth, low=low)
    d = build_discriminator("patchgan", filters=d_filters, receptive_field=d_receptive_field,
                            norm="none", spectral_norm=True)
    model = FastTranslator(g, d, name="style_recipe")
    options = dict(anchor=losses_mod.structure_anchor, content_weight=1.0, identity_weight=0.0,
                   colour_weight=0.0, patch_weight=10.0, augment=colour_preserving_augment(noise),
                   g_learning_rate=1e-3, d_learning_rate=2e-3, decay_steps=None)
    return _compiled(model, options, compile_options, adversarial)


CYCLEGAN_FILTERS = 8   # the width of cyclegan_recipe's generators


def cyclegan_recipe(crop: int = 16, generator: keras.Model | None = None, inverse: keras.Model | None = None
                    ) -> CycleGAN:
    """The course's CycleGAN, compiled and sized for a CPU and a headset: two 8-channel residual
    translators (or the given ``generator`` G and ``inverse`` F; about 2.9 k MACs a pixel, so G
    stylizes a 4096×2048 skybox within the course's 5 s), two spectrally normalised 16-px
    PatchGANs, LSGAN, λ = 10, G's learning rate 2e-3 and no identity loss: with the tutorial's
    identity loss (0.5·λ), G and F stayed within 0.01 of the identity for 500+ steps of a
    3000-step run, leaving nothing to invert; so did both at G learning rate 2e-4."""
    g = generator if generator is not None else residual_translator(filters=CYCLEGAN_FILTERS, name="G")
    f = inverse if inverse is not None else residual_translator(filters=CYCLEGAN_FILTERS, name="F")
    discs = [build_discriminator("patchgan", filters=16, receptive_field=16, norm="none", spectral_norm=True)
             for _ in range(2)]
    model = CycleGAN(g, f, discs[0], discs[1], crop=crop)
    model.compile(loss="least_squares", identity=0.0, g_learning_rate=2e-3)
    return model


def peer_cyclegan(crop: int = 64, filters: int = 32, n_blocks: int = 6) -> CycleGAN:
    """The TensorFlow tutorial's CycleGAN configuration at the course's image size: instance-norm
    generators, 70-px PatchGANs, BCE loss, λ = 10, identity 0.5·λ, Adam 2e-4/β₁ 0.5, batch 1.
    Train it on :func:`gvr_helpers.unpaired_data.drop_flat_crops` pools: instance norm explodes on a
    single-colour crop."""
    gens = [build_generator("resnet", filters=filters, n_blocks=n_blocks, n_down=2) for _ in range(2)]
    discs = [build_discriminator("patchgan", filters=filters, n_layers=3) for _ in range(2)]
    model = CycleGAN(gens[0], gens[1], discs[0], discs[1], crop=crop)
    model.compile()
    return model


def paired_oracle(patch: int = 11, filters: int = 16, depth: int | None = None,
                  learning_rate: float = 1e-3) -> PairedTranslator:
    """The oracle: the course's generator trained with paired L1."""
    depth = max(2, math.ceil((patch - 1) / 2)) if depth is None else depth
    model = PairedTranslator(residual_translator(filters=filters, depth=depth))
    model.compile(learning_rate=learning_rate)
    return model


# fast_recipe's options for the previous recipe: the residual G (identity at the start), its
# correlation anchors, no spectral norm, constant learning rates. Notebook 06's warm start studies it.
RESIDUAL_RECIPE = {"generator": "residual", "spectral_norm": False, "decay_steps": None}
