"""Figures of notebooks 07–08: panoramas (equirectangular distortion, the wrap seam, cube maps)
and stereo and head motion (the two eyes, flicker, the frame budget)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .figures import save_figure


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
