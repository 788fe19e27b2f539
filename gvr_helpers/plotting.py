"""Every figure the notebooks and ``make figures`` draw.

Each plotting function returns its matplotlib ``Figure`` and passes it to
:func:`save_figure`, which writes ``figures/<name>.png`` when ``make figures``
runs (``$GVR_FIGURES_DIR`` is set) and does nothing otherwise, so the README's
figures are exactly the notebooks' figures.
"""
from __future__ import annotations

import json
import re

import matplotlib.pyplot as plt
import numpy as np

from . import config

_NAME = re.compile(r"^[0-9a-z][0-9a-z_\-]*$")


def save_figure(fig, name: str, dpi: int = 110):
    """Write ``fig`` to ``figures/<name>.png`` during ``make figures``; return the path or ``None``.

    Names are stable (``<notebook number>_<what>``) so the README can link them.
    The file is written to a temporary name and renamed, so a stopped run never
    leaves half a PNG behind.
    """
    if not _NAME.match(name):
        raise ValueError(f"figure name {name!r} must be lower-case letters, digits, '_' or '-' (no extension)")
    out_dir = config.figures_dir()
    if out_dir is None:
        return None
    from .data import atomic_write

    return atomic_write(out_dir / f"{name}.png",
                        lambda tmp: fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png"))


def image_grid(images, titles=None, ncols=None, size=2.4, name=None, suptitle=None):
    """Show images (H×W×3 floats in [0, 1], or H×W greyscale) in a grid."""
    images = list(images)
    if not images:
        raise ValueError("image_grid needs at least one image")
    ncols = ncols or len(images)
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, img in enumerate(images):
        ax = axes.flat[i]
        ax.imshow(img, cmap="gray" if getattr(img, "ndim", 3) == 2 else None, vmin=0, vmax=1)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    if name:
        save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 00 overview
PIPELINE_STEPS = (
    ("1  Prepare", "content images\nand a style set"),
    ("2  Train", "G vs D\nmin_G max_D V(D, G)"),
    ("3  Transfer", "y = G(x)\nfor a new image x"),
    ("4  Fuse & tune", "mix y with x:\nstrength, detail, colour"),
)


def pipeline_diagram(name="00_pipeline"):
    """The four steps of GAN style transfer, and where VR uses the result."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, ax = plt.subplots(figsize=(11, 2.9))
    ax.set_xlim(0, 11)
    ax.set_ylim(0, 3)
    ax.axis("off")
    colours = ["#cfe2f3", "#f4cccc", "#d9ead3", "#fff2cc"]
    for i, ((title, body), colour) in enumerate(zip(PIPELINE_STEPS, colours)):
        x = 0.2 + i * 2.7
        ax.add_patch(FancyBboxPatch((x, 0.9), 2.2, 1.6, boxstyle="round,pad=0.05", fc=colour, ec="#444"))
        ax.text(x + 1.1, 2.2, title, ha="center", va="center", fontsize=11, weight="bold")
        ax.text(x + 1.1, 1.45, body, ha="center", va="center", fontsize=9)
        if i < 3:
            ax.add_patch(FancyArrowPatch((x + 2.25, 1.7), (x + 2.65, 1.7), arrowstyle="-|>", mutation_scale=15))
    ax.text(5.5, 0.35, "VR: characters · landscapes and 360° skyboxes · art · stereo and head motion",
            ha="center", va="center", fontsize=10, style="italic")
    save_figure(fig, name)
    return fig


def data_content(images, titles, name="00_data_content"):
    """The bundled content photos: the content images of the course."""
    return image_grid(images, titles=titles, ncols=min(4, len(images)), size=2.2, name=name,
                      suptitle="Content photos shipped with scikit-image and matplotlib")


def data_styles(images, styled, name="00_data_styles"):
    """Each row: a content image, then every style S(x) of it: the exact ground truth G(x) should reach.

    ``styled`` maps a style name to the list of stylized images (one per row).
    """
    names = list(styled)
    cells, titles = [], []
    for i, x in enumerate(images):
        cells += [x] + [styled[n][i] for n in names]
        titles += ["content x" if i == 0 else ""] + [f"{n}(x)" if i == 0 else "" for n in names]
    return image_grid(cells, titles=titles, ncols=1 + len(names), size=1.9, name=name,
                      suptitle="Styles made by algorithms: every stylized image has a ground truth")


def data_panorama(pano, name="00_data_panorama"):
    """A 360° equirectangular panorama, and the same image rolled so its wrap sits in the middle."""
    h, w = pano.shape[:2]
    fig, axes = plt.subplots(2, 1, figsize=(10, 5.6))
    axes[0].imshow(pano, extent=(-180, 180, -90, 90))
    axes[0].set_title("equirectangular panorama (longitude × latitude, degrees)")
    axes[0].set_xticks(range(-180, 181, 90))
    axes[0].set_yticks(range(-90, 91, 45))
    axes[1].imshow(np.roll(pano, w // 2, axis=1), extent=(0, 360, -90, 90))
    axes[1].axvline(180, color="red", ls="--", lw=1)
    axes[1].set_title("rolled half a turn: the longitude wrap (red line) has no seam")
    axes[1].set_xticks([])
    axes[1].set_yticks([])
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def data_stereo(left, right, disparity, name="00_data_stereo", title="stereo pair"):
    """Left view, right view and the left view's disparity in pixels (grey = unknown)."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    for ax, img, t in zip(axes, (left, right), ("left eye", "right eye")):
        ax.imshow(img)
        ax.set_title(t)
        ax.axis("off")
    shown = np.ma.masked_invalid(disparity)
    cmap = plt.get_cmap("magma").with_extremes(bad="0.6")
    im = axes[2].imshow(shown, cmap=cmap)
    axes[2].set_title("disparity of the left eye (pixels)")
    axes[2].axis("off")
    fig.colorbar(im, ax=axes[2], fraction=0.046, pad=0.04)
    fig.tight_layout()
    fig.suptitle(title, y=1.03)
    save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 01 minimax math
def saturation_gradients(d_fake, grad_saturating, grad_nonsaturating, name="01_saturation"):
    """|∂loss/∂logit| of the two generator losses against D(G(z)): the saturating one dies at D → 0."""
    fig, ax = plt.subplots(figsize=(5.8, 3.4))
    ax.plot(d_fake, np.abs(grad_saturating), label=r"saturating  $\log(1-D(G(z)))$", lw=2)
    ax.plot(d_fake, np.abs(grad_nonsaturating), label=r"non-saturating  $-\log D(G(z))$", lw=2, ls="--")
    ax.axvspan(0, 0.1, color="#f4cccc", alpha=0.6, lw=0)
    ax.text(0.11, 0.3, "early training:\nD rejects fakes", ha="left", fontsize=8)
    ax.set_xlabel(r"$D(G(z))$, the discriminator's belief that a fake is real")
    ax.set_ylabel("gradient magnitude w.r.t. D's logit")
    ax.set_xlim(0, 1)
    ax.legend(fontsize=8, loc="center right")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def toy_gan_1d(grid, p_data, frames, d_star=None, name="01_toy_gan"):
    """A 1-D GAN during training: p_data, p_g (a density estimate of G's samples) and D on ``grid``.

    ``frames`` is a list of ``(step or title, array)`` with ``array[0] = D(grid)`` and ``array[1] = p_g(grid)``;
    ``d_star`` (optional) adds D* = p_data / (p_data + p_g) to the last panel.
    """
    grid = np.asarray(grid).ravel()
    fig, axes = plt.subplots(1, len(frames), figsize=(3.1 * len(frames), 2.9), sharey=True, squeeze=False)
    for i, (ax, (step, frame)) in enumerate(zip(axes[0], frames)):
        ax.fill_between(grid, p_data, color="#9fc5e8", alpha=0.7, label=r"data density $p_{data}$")
        ax.plot(grid, frame[1], color="#cc0000", lw=1.6, label=r"generator density $p_g$")
        ax.plot(grid, frame[0], color="k", lw=1.4, label=r"discriminator $D(x)$")
        ax.axhline(0.5, color="grey", lw=0.6, ls=":")
        if d_star is not None and i == len(frames) - 1:
            ax.plot(grid, d_star, color="#38761d", lw=1.4, ls="--", label=r"optimal discriminator $D^*$")
        ax.set_title(step if isinstance(step, str) else f"step {step}", fontsize=9)
        ax.set_xlabel("x (a sample)")
        ax.set_ylim(0, 1.05)
    axes[0, 0].set_ylabel("density, or D's probability")
    handles, labels = axes[0, -1].get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.1 if len(frames) > 1 else 0.25, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 2 * len(frames)), fontsize=8,
               frameon=False)
    save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 02 generator
def upsampling_overlap_figure(overlaps: dict, name="02_transposed_overlap"):
    """Bar charts of how many kernel taps reach each output position, one panel per upsampling."""
    fig, axes = plt.subplots(1, len(overlaps), figsize=(3.6 * len(overlaps), 2.4), squeeze=False)
    for ax, (title, counts) in zip(axes[0], overlaps.items()):
        ax.bar(range(len(counts)), counts, color=["#c0504d" if c != max(counts) else "#4f81bd" for c in counts])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("output position")
        ax.set_ylim(0, max(max(c) for c in overlaps.values()) + 0.5)
    axes[0][0].set_ylabel("kernel taps")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def checkerboard_figure(images: dict, zoom: int = 24, name="02_checkerboard"):
    """Each image (title -> H×W×3) in full, and a zoomed corner of its centre below it."""
    fig, axes = plt.subplots(2, len(images), figsize=(2.8 * len(images), 5.6), squeeze=False)
    for col, (title, img) in enumerate(images.items()):
        h, w = img.shape[:2]
        top, left = h // 2 - zoom // 2, w // 2 - zoom // 2
        axes[0][col].imshow(img, vmin=0, vmax=1)
        axes[0][col].add_patch(plt.Rectangle((left, top), zoom, zoom, fill=False, ec="yellow", lw=1.5))
        axes[0][col].set_title(title, fontsize=9)
        axes[1][col].imshow(img[top:top + zoom, left:left + zoom], vmin=0, vmax=1, interpolation="nearest")
        axes[1][col].set_title(f"centre {zoom}×{zoom}, zoomed", fontsize=9)
    for ax in axes.flat:
        ax.axis("off")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def influence_figure(maps: dict, receptive_fields: dict, name="02_influence"):
    """|G(x + δ) − G(x)| for a one-pixel change δ at the centre (log scale), with the computed
    receptive field drawn as a square around the changed pixel."""
    fig, axes = plt.subplots(1, len(maps), figsize=(3.4 * len(maps), 3.4), squeeze=False)
    for ax, (title, m) in zip(axes[0], maps.items()):
        m = np.asarray(m, dtype=float)
        ax.imshow(np.log10(m + 1e-12), cmap="magma", vmin=-9, vmax=max(-8, np.log10(m.max() + 1e-12)))
        rf = receptive_fields[title]
        cy, cx = m.shape[0] // 2, m.shape[1] // 2
        ax.add_patch(plt.Rectangle((cx - rf / 2, cy - rf / 2), rf, rf, fill=False, ec="cyan", lw=1.5))
        ax.set_title(f"{title}\nreceptive field {rf} px (cyan)", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 03 discriminator
def receptive_field_figure(image, receptive_fields: dict, centre, stride: int | None = None,
                           name="03_receptive_field"):
    """Squares of each receptive field (label -> size in px) centred on ``centre`` = (row, col);
    with ``stride``, also the grid of patch centres of the largest one."""
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.imshow(image)
    colours = ["#ffd966", "#6fa8dc", "#e06666", "#93c47d"]
    cy, cx = centre
    for (label, rf), colour in zip(receptive_fields.items(), colours):
        ax.add_patch(plt.Rectangle((cx - rf / 2, cy - rf / 2), rf, rf, fill=False, ec=colour, lw=2, label=label))
    if stride:
        rf = max(receptive_fields.values())
        ys = range(int(cy - rf / 2), int(cy + rf / 2) + 1, stride)
        xs = range(int(cx - rf / 2), int(cx + rf / 2) + 1, stride)
        ax.scatter([x for _ in ys for x in xs], [y for y in ys for _ in xs], s=4, c="white",
                   label=f"neighbouring patch centres (every {stride} px)")
    ax.legend(loc="lower right", fontsize=8)
    ax.axis("off")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def logit_map_figure(image, logits, title="D's logit per patch", name="03_logit_map"):
    """An image next to its PatchGAN logit map (red: 'fake', blue: 'real')."""
    logits = np.asarray(logits, dtype=float)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    axes[0].imshow(image)
    axes[0].set_title("input", fontsize=10)
    limit = float(np.abs(logits).max()) or 1.0
    shown = axes[1].imshow(logits, cmap="RdBu", vmin=-limit, vmax=limit)
    axes[1].set_title(title, fontsize=10)
    fig.colorbar(shown, ax=axes[1], fraction=0.04, label="logit (> 0: real)")
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def singular_values_figure(values: dict, name="03_spectral_norm"):
    """Grouped bars of σ_max per layer, one group per model (label -> {layer: σ})."""
    fig, ax = plt.subplots(figsize=(6.5, 3))
    width = 0.8 / len(values)
    for i, (label, per_layer) in enumerate(values.items()):
        xs = np.arange(len(per_layer)) + i * width
        ax.bar(xs, list(per_layer.values()), width, label=label)
    ax.axhline(1.0, color="k", lw=0.8, ls="--")
    ax.set_xticks(np.arange(len(next(iter(values.values())))) + width * (len(values) - 1) / 2)
    ax.set_xticklabels([f"layer {i + 1}" for i in range(len(next(iter(values.values()))))])
    ax.set_ylabel("largest singular value σ_max")
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 04 minimax training
# What a learner reads for each quantity train.GAN logs (its keys are variable names).
LOGGED = {
    "d_loss": "discriminator loss",
    "g_loss": "generator loss",
    "d_real": "D(x): D's probability that a real sample is real",
    "d_fake": "D(G(z)): D's probability that a fake is real",
    "r1": "R1 penalty",
}


PROBABILITIES = ("d_real", "d_fake")


def loss_history(history, keys=("d_loss", "g_loss"), name="04_loss_history", title=None):
    """Per-step running means and per-epoch means of logged quantities (a ``train.LossHistory``),
    labelled in words; the axis says "probability" when every key is one of D's probabilities."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    for key in keys:
        steps = history.series(key, per="step")
        if steps.size:
            ax.plot(np.arange(1, steps.size + 1), steps, label=LOGGED.get(key, key.replace("_", " ")), lw=1.2)
    ax.set_xlabel("training step")
    if all(k in PROBABILITIES for k in keys):
        ax.set_ylabel("probability (running mean\nwithin each epoch)")
        ax.set_ylim(0, 1)
        ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    else:
        ax.set_ylabel("loss (running mean\nwithin each epoch)")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def ring_samples(samples, centers, std=None, name="04_ring_samples", size=2.6):
    """Scatter plots of 2-D samples, one panel per entry of ``samples`` ({title: n×2 array}),
    with the ring's mode centres (and circles of 3 std, the high-quality zone)."""
    from matplotlib.patches import Circle

    items = list(samples.items())
    fig, axes = plt.subplots(1, len(items), figsize=(size * len(items), size), squeeze=False)
    centers = np.asarray(centers)
    lim = 1.4 * float(np.abs(centers).max())
    for ax, (title, pts) in zip(axes[0], items):
        pts = np.asarray(pts)
        ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.35, color="#1155cc", lw=0)
        ax.scatter(centers[:, 0], centers[:, 1], s=18, color="#cc0000", marker="x")
        if std is not None:
            for c in centers:
                ax.add_patch(Circle(c, 3 * std, fill=False, color="#cc0000", lw=0.6))
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def variant_bars(results, name="04_variants", n_modes=8):
    """Modes covered and high-quality fraction per training variant ({variant: {"modes_covered": [...],
    "hq_fraction": [...]}}, one value per seed); bars are means, dots are seeds."""
    names = list(results)
    fig, axes = plt.subplots(1, 2, figsize=(9, 0.45 * len(names) + 1.4), sharey=True)
    for ax, key, top in ((axes[0], "modes_covered", n_modes), (axes[1], "hq_fraction", 1.0)):
        for i, variant in enumerate(names):
            values = np.atleast_1d(np.asarray(results[variant][key], dtype=float))
            ax.barh(i, values.mean(), color="#9fc5e8")
            ax.scatter(values, np.full(values.shape, i), color="k", s=10, zorder=3)
        ax.set_xlim(0, top * 1.05)
        ax.set_xlabel({"modes_covered": f"modes covered (of {n_modes})",
                       "hq_fraction": "high-quality fraction"}.get(key, key.replace("_", " ")))
    axes[0].set_yticks(range(len(names)))
    axes[0].set_yticklabels(names, fontsize=8)
    axes[0].invert_yaxis()
    fig.tight_layout()
    save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 05 unpaired style transfer
def psnr_curves(curves: dict, identity_db: float | None = None, name="05_psnr_curves", title=None,
                legend_outside: bool = False):
    """Test PSNR against the ground truth over training time, one line per method.

    ``curves``: {method: [(seconds, steps, dB), ...]} as recorded by
    :class:`gvr_helpers.evaluation.PSNRCurve`; ``identity_db``: the untouched input's score;
    ``legend_outside``: the legend right of the axes, for many methods whose lines it would hide."""
    if not curves:
        raise ValueError("psnr_curves needs at least one method's curve")
    fig, ax = plt.subplots(figsize=(9, 3.6) if legend_outside else (6, 3.6))
    for method, points in curves.items():
        pts = np.asarray(points, dtype=float)
        ax.plot(pts[:, 0], pts[:, 2], marker=".", label=method)
    if identity_db is not None:
        ax.axhline(identity_db, color="grey", ls=":", label="input (do nothing)")
    ax.set(xlabel="training time (s)", ylabel="test PSNR vs ground truth (dB)", title=title or "learning curves")
    ax.legend(fontsize=8, **({"loc": "center left", "bbox_to_anchor": (1.01, 0.5)} if legend_outside else {}))
    fig.tight_layout()
    save_figure(fig, name)
    return fig


# What a learner reads for each method of benchmarks/unpaired_vs_oracle.py (its keys are variable names).
BENCHMARK_METHODS = {"oracle": "paired oracle", "oracle_residual": "paired oracle (residual G)",
                     "oracle_recipe_g": "paired oracle (the recipe's G)", "course": "course recipe (unpaired GAN)",
                     "no_gan": "the recipe without its GAN term", "peer": "TensorFlow-tutorial CycleGAN"}


def benchmark_curves(curves: dict, inputs: dict | None = None, name="05_unpaired_vs_oracle",
                     ylabel="test PSNR vs ground truth (dB)"):
    """One panel per style of a benchmark log (:func:`gvr_helpers.results.read_benchmark_log`): PSNR
    over training time for each method, the untouched input as a dotted line (``inputs[style]``, or
    the log's own ``input`` entry)."""
    if not curves:
        raise ValueError("benchmark_curves needs the curves of at least one style")
    fig, axes = plt.subplots(1, len(curves), figsize=(4.4 * len(curves), 3.6), squeeze=False)
    for ax, (style, methods) in zip(axes[0], curves.items()):
        level = (inputs or {}).get(style, methods.get("input", [[None, None, None]])[0][2])
        for method, points in methods.items():
            if method == "input":
                continue
            pts = np.asarray(points, dtype=float)
            ax.plot(pts[:, 0] / 60, pts[:, 2], marker=".", label=BENCHMARK_METHODS.get(method, method))
        if level is not None:
            ax.axhline(level, color="grey", ls=":", label="input, unchanged")
        ax.set(title=style.replace("_", " "), xlabel="training time (min)", ylabel=ylabel)
        ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def translation_rows(rows: dict, n: int = 4, name="05_translations", size=1.8):
    """A grid with one row per method ({label: N×H×W×3 images}) and ``n`` columns of test tiles."""
    labels = list(rows)
    images = [rows[label][i] for label in labels for i in range(n)]
    titles = [f"{label}" if i == 0 else "" for label in labels for i in range(n)]
    return image_grid(images, titles=titles, ncols=n, size=size, name=name)


# ------------------------------------------------------------ 06 fusion and quality
def fusion_methods(original, stylized, fused: dict, name="06_fusion_methods"):
    """The original, the stylized result and each fusion of the two, side by side."""
    images = [original, stylized] + list(fused.values())
    titles = ["original x", "stylized y"] + list(fused)
    return image_grid(images, titles=titles, ncols=min(4, len(images)), size=2.5, name=name)


def laplacian_bands(bands, name="06_laplacian_bands"):
    """The bands of a Laplacian pyramid, finest first; detail bands shown as 0.5 + 2·band."""
    shown = [np.clip(0.5 + 2.0 * b, 0, 1) for b in bands[:-1]] + [np.clip(bands[-1], 0, 1)]
    titles = [f"band {i}: detail {b.shape[0]}×{b.shape[1]}" for i, b in enumerate(bands[:-1])]
    titles.append(f"band {len(bands) - 1} (= -1): low-pass {bands[-1].shape[0]}×{bands[-1].shape[1]}")
    return image_grid(shown, titles=titles, ncols=len(shown), size=2.2, name=name,
                      suptitle="Laplacian pyramid: each band is what its level adds to the blurred next level")


def strength_fidelity(curves: dict, chosen: dict, floor: float, score: str = "realism",
                      name="06_strength_fidelity"):
    """Left: style distance against content SSIM for each fusion method as its strength goes
    0 -> 1 (down-left is better); right: the criterion against strength. Stars: the chosen points."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    for (label, curve), colour in zip(curves.items(), plt.rcParams["axes.prop_cycle"].by_key()["color"]):
        ax.plot(curve["content_ssim"], curve["style_distance"], "o-", ms=3, color=colour, label=label)
        bx.plot(curve["strength"], curve[score], "o-", ms=3, color=colour, label=label)
        if label in chosen:
            i = chosen[label]["index"]
            ax.plot(curve["content_ssim"][i], curve["style_distance"][i], "*", ms=15, color=colour, mec="black")
            bx.plot(curve["strength"][i], curve[score][i], "*", ms=15, color=colour, mec="black")
    ax.axvline(floor, color="grey", ls="--", lw=1)
    ax.text(floor, ax.get_ylim()[1], f" SSIM floor {floor}", va="top", fontsize=8, color="grey")
    ax.invert_xaxis()
    ax.set_xlabel("content SSIM to the original (fidelity, ←  less)")
    ax.set_ylabel("style distance to the style set (lower = more style)")
    ax.set_title("strength–fidelity curves (strength 0 at the left end)", fontsize=10)
    ax.legend(fontsize=8)
    bx.set_xlabel("strength t  (fused = (1-t)·x + t·F)")
    bx.set_ylabel(score)
    bx.set_title(f"the criterion ({score}); ★ = best with SSIM ≥ {floor}", fontsize=10)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def tiled_transfer(result, difference, tile_hw, step_hw, name="06_tiled_transfer"):
    """A large image translated tile by tile (tile borders drawn) and |tiled - one pass|."""
    from matplotlib.patches import Rectangle

    h, w = result.shape[:2]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2 * h / max(w, 1) + 0.8))
    ax.imshow(result)
    for y0 in sorted(set(list(range(0, max(h - tile_hw[0], 0), step_hw[0])) + [max(h - tile_hw[0], 0)])):
        for x0 in sorted(set(list(range(0, max(w - tile_hw[1], 0), step_hw[1])) + [max(w - tile_hw[1], 0)])):
            ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), tile_hw[1], tile_hw[0], fill=False, ec="yellow", lw=0.7))
    ax.set_title(f"{w}×{h} translated in {tile_hw[1]}×{tile_hw[0]} tiles", fontsize=10)
    im = bx.imshow(np.abs(difference).max(axis=-1), cmap="magma", vmin=0)
    fig.colorbar(im, ax=bx, fraction=0.046)
    bx.set_title(f"|tiled − one pass|, max {np.abs(difference).max():.1e}", fontsize=10)
    for a in (ax, bx):
        a.axis("off")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def table_rows(results) -> list:
    """Rows (a list of dicts) from a results object as benchmarks save them: a list of dicts,
    ``{"rows": [...]}``, or nested dicts such as ``{"styles": {name: {metric: value}}}``
    (each level's keys become a column: ``group``, ``setting``)."""
    if isinstance(results, dict) and "rows" in results:
        results = results["rows"]
    if isinstance(results, list):
        if not all(isinstance(r, dict) for r in results):
            raise ValueError("a results list must hold one dict per row")
        return results
    if not isinstance(results, dict):
        raise ValueError(f"cannot make table rows from {type(results).__name__}")
    rows = []
    for key, value in results.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            rows += [{"group": key, "setting": k, **v} for k, v in value.items()]
        elif isinstance(value, dict):
            rows.append({"setting": key, **value})
        else:
            rows.append({"setting": key, "value": value})
    return rows


def results_table(rows, columns=None, title=None, name="06_ablation"):
    """Rows (see :func:`table_rows`) drawn as a table figure (numbers to 3 significant digits)."""
    rows = table_rows(rows)
    if not rows:
        raise ValueError("results_table needs at least one row")
    columns = list(columns or dict.fromkeys(k for r in rows for k in r))

    def text(v):
        return f"{v:.3g}" if isinstance(v, float) else json.dumps(v) if isinstance(v, (dict, list)) else str(v)

    cells = [[text(r[c]) if c in r else "" for c in columns] for r in rows]
    fig, ax = plt.subplots(figsize=(min(2.0 * len(columns), 16), 0.35 * len(rows) + 1.0))
    ax.axis("off")
    table = ax.table(cellText=cells, colLabels=columns, loc="center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 07 VR panoramas
def equirect_distortion(panorama, radius_deg: float = 12.0, name="07_equirect_distortion"):
    """Equal circles on the sphere drawn on the panorama: they widen as 1/cos(latitude)
    toward the poles, which is why the top and bottom rows are stretched."""
    from matplotlib.patches import Ellipse

    h, w = panorama.shape[:2]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.imshow(panorama)
    px_per_deg = w / 360.0
    for lat in (-60, -30, 0, 30, 60, 75):
        for lon in range(-150, 180, 60):
            cx, cy = (lon + 180) * px_per_deg - 0.5, (90 - lat) * px_per_deg - 0.5
            width = 2 * radius_deg * px_per_deg / np.cos(np.radians(lat))
            ax.add_patch(Ellipse((cx, cy), width, 2 * radius_deg * px_per_deg, fill=False, ec="white", lw=1.5))
    ax.set_xticks(np.linspace(0, w, 5) - 0.5, ["-180°", "-90°", "0°", "90°", "180°"])
    ax.set_yticks(np.linspace(0, h, 5) - 0.5, ["90°", "45°", "0°", "-45°", "-90°"])
    ax.set_xlabel("longitude (yaw)")
    ax.set_ylabel("latitude (pitch)")
    ax.set_title(f"circles of {2 * radius_deg:.0f}° on the sphere, as the panorama stores them")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def wrap_seam_comparison(results: dict, seam_ratios: dict, half_width: int = 48, name="07_wrap_seam"):
    """The columns around the wrap (the right edge placed left of the left edge) for each method."""
    fig, axes = plt.subplots(1, len(results), figsize=(3.2 * len(results), 3.6), squeeze=False)
    for ax, (label, pano) in zip(axes[0], results.items()):
        w = pano.shape[1]
        rolled = np.roll(pano, w // 2, axis=1)[:, w // 2 - half_width:w // 2 + half_width]
        ax.imshow(rolled, interpolation="nearest")
        ax.axvline(half_width - 0.5, color="yellow", lw=0.8, ls=":")
        ax.set_title(f"{label}\nseam ratio {seam_ratios[label]:.2f}", fontsize=9)
        ax.axis("off")
    fig.suptitle("where the panorama wraps around (dotted line: right edge | left edge)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def cube_cross(faces: dict, ax=None, title=None):
    """The six faces unfolded as a cross: py on top, nx nz px pz in the middle row, ny below."""
    n = faces["px"].shape[0]
    canvas = np.ones((3 * n, 4 * n, 3), dtype=np.float32)
    place = {"py": (0, 1), "nx": (1, 0), "nz": (1, 1), "px": (1, 2), "pz": (1, 3), "ny": (2, 1)}
    for face, (r, c) in place.items():
        canvas[r * n:(r + 1) * n, c * n:(c + 1) * n] = faces[face]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    ax.imshow(canvas, interpolation="nearest")
    for face, (r, c) in place.items():
        ax.text(c * n + 3, r * n + 3, face, color="white", fontsize=8, va="top",
                bbox=dict(fc="black", alpha=0.4, lw=0, pad=1))
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9)
    return ax.figure


def cubemap_seams(cubemaps: dict, seam_ratios: dict, name="07_cubemap_seams"):
    """Skyboxes side by side, each with its cube seam ratio (1 = no visible cube edges)."""
    fig, axes = plt.subplots(1, len(cubemaps), figsize=(5 * len(cubemaps), 3.9), squeeze=False)
    for ax, (label, faces) in zip(axes[0], cubemaps.items()):
        cube_cross(faces, ax, f"{label}: cube seam ratio {seam_ratios[label]:.2f}")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


# ------------------------------------------------------------ 08 VR stereo and motion
# Words for the names the VR code gives its methods (notebook 08's figures show these, not the names).
VR_METHODS = {
    "per_eye": "each eye on its own",
    "warp": "left eye warped to the right",
    "input": "unstylized views",
    "texture": "texture space (stylized once)",
    "screen": "screen space (every frame)",
}


def stereo_comparison(rows: dict, name="08_stereo"):
    """For each method: the two stylized eyes and where they disagree after warping by disparity.

    ``rows[label] = (left, right, error_map, ratio)``."""
    fig, axes = plt.subplots(len(rows), 3, figsize=(10, 3.1 * len(rows)), squeeze=False)
    for (label, (left, right, err, ratio)), ax in zip(rows.items(), axes):
        ax[0].imshow(left)
        ax[1].imshow(right)
        im = ax[2].imshow(err, cmap="magma", vmin=0, vmax=0.3)
        words = VR_METHODS.get(label, label)
        ax[0].set_title(f"{words}: left eye", fontsize=9)
        ax[1].set_title(f"{words}: right eye", fontsize=9)
        ax[2].set_title(f"|left − warped right| (stereo consistency {ratio:.2f})", fontsize=9)
        for a in ax:
            a.axis("off")
        fig.colorbar(im, ax=ax[2], fraction=0.046)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def head_motion_strip(sequences: dict, flicker: dict, every: int = 2, name="08_head_motion"):
    """Frames of a turning head, one row per approach, with its flicker (temporal warping error)."""
    n = len(next(iter(sequences.values())))
    cols = list(range(0, n, every))
    fig, axes = plt.subplots(len(sequences), len(cols), figsize=(1.9 * len(cols), 2.1 * len(sequences)),
                             squeeze=False)
    for (label, frames), ax_row in zip(sequences.items(), axes):
        for ax, t in zip(ax_row, cols):
            ax.imshow(frames[t])
            ax.set_xticks([])
            ax.set_yticks([])
        ax_row[0].set_ylabel(f"{VR_METHODS.get(label, label)}\nflicker {flicker[label]:.4f}", fontsize=9)
    for ax, t in zip(axes[0], cols):
        ax.set_title(f"frame {t}", fontsize=8)
    fig.suptitle("a turning head; flicker = temporal warping error between consecutive frames (0: perfectly stable)",
                 fontsize=10)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def frame_budget_chart(rows, name="08_frame_budget"):
    """Milliseconds to stylize on this CPU against each refresh rate's budget, on a log axis.

    Screen space pays its cost every frame; texture space pays once (stylizing the panorama), then
    nothing per frame: that one-off cost is drawn as its own bar, since 0 has no place on a log axis."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    x = np.arange(len(rows))
    screen = [r["screen_ms_per_frame"] for r in rows]
    ax.bar(x, screen, 0.5, color="#4f81bd", label="screen space: both eyes, every frame")
    ax.hlines([r["budget_ms"] for r in rows], x - 0.35, x + 0.35, color="black", lw=2.5, zorder=3,
              label="frame budget (all the time a frame may take)")
    once = rows[0]["texture_ms_once"]
    ax.bar([len(rows) + 0.3], [once], 0.5, color="#f79646",
           label="texture space: once per world, then 0 ms per frame")
    ax.set_yscale("log")
    ax.set_ylim(1, 10 ** np.ceil(np.log10(max(screen + [once]) * 1.5)))
    ax.set_xticks(list(x) + [len(rows) + 0.3],
                  [f"{r['hz']} Hz" for r in rows] + ["texture space\n(stylize once)"])
    ax.set_ylabel("milliseconds (log scale)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title("Stylizing on this CPU against a headset's frame budget (Quest-class eyes)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, name)
    return fig
