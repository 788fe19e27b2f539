"""What every figure shares: :func:`save_figure`, which writes ``figures/<name>.png`` during
``make figures`` and does nothing otherwise, and :func:`image_grid`, the grid of images that
most of the course's figures are."""
from __future__ import annotations

import re

import matplotlib.pyplot as plt

from .. import config

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
    from ..data import atomic_write

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
