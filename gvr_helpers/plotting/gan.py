"""Figures of notebooks 00–04: the course overview and its data, the minimax math, the
generator, the discriminator and training the two against each other."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .figures import image_grid, save_figure


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
    """Per-step running means and per-epoch means of logged quantities (a ``callbacks.LossHistory``),
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
