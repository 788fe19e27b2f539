"""Every figure the notebooks and ``make figures`` draw.

Each plotting function returns its matplotlib ``Figure`` and passes it to
:func:`save_figure`, which writes ``figures/<name>.png`` when ``make figures``
runs (``$GVR_FIGURES_DIR`` is set) and does nothing otherwise, so the README's
figures are exactly the notebooks' figures.
"""
from __future__ import annotations

import os
import re
import tempfile

import matplotlib.pyplot as plt

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
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"{name}.png"
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".png.tmp")
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
        os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return final


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
    ("1  Prepare", "source set A (content)\ntarget set B (style)"),
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


# ------------------------------------------------------------ 01 minimax math, 04 minimax training
import numpy as np  # noqa: E402  (kept in this section so merges of the shared file stay trivial)


def loss_history(history, keys=("d_loss", "g_loss"), name="04_loss_history", title=None):
    """Per-step running means and per-epoch means of logged losses (a ``train.LossHistory``)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    for key in keys:
        steps = history.series(key, per="step")
        if steps.size:
            ax.plot(np.arange(1, steps.size + 1), steps, label=key, lw=1.2)
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (running mean within each epoch)")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    save_figure(fig, name)
    return fig


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
        ax.fill_between(grid, p_data, color="#9fc5e8", alpha=0.7, label=r"$p_{data}$")
        ax.plot(grid, frame[1], color="#cc0000", lw=1.6, label=r"$p_g$")
        ax.plot(grid, frame[0], color="k", lw=1.4, label=r"$D(x)$")
        if d_star is not None and i == len(frames) - 1:
            ax.plot(grid, d_star, color="#38761d", lw=1.4, ls="--", label=r"$D^*$")
        ax.set_title(step if isinstance(step, str) else f"step {step}", fontsize=9)
        ax.set_xlabel("x")
        ax.set_ylim(0, 1.05)
    axes[0, -1].legend(fontsize=7, loc="upper right")
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
        ax.set_xlabel(key.replace("_", " ") + (f" (of {n_modes})" if key == "modes_covered" else ""))
    axes[0].set_yticks(range(len(names)))
    axes[0].set_yticklabels(names, fontsize=8)
    axes[0].invert_yaxis()
    fig.tight_layout()
    save_figure(fig, name)
    return fig
