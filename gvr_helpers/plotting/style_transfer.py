"""Figures of notebooks 05–06: unpaired style transfer (learning curves, benchmark curves,
translations) and fusion (methods, pyramid bands, strength against fidelity, tiled transfer,
results tables)."""
from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np

from .figures import image_grid, save_figure


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
