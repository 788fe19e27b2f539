"""Figures say what they show in words a learner reads (issue 18): labels and legends are not variable
names, probabilities are not called losses, and a log axis has no 0."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from gvr_helpers import plotting, vr  # noqa: E402


class History:
    def series(self, key, per="step"):
        return np.linspace(0.2, 0.8, 50)


def _legend(fig):
    legends = [lg for ax in fig.axes for lg in ([ax.get_legend()] if ax.get_legend() else [])] + fig.legends
    return [t.get_text() for lg in legends for t in lg.get_texts()]


def test_probabilities_are_not_labelled_loss():
    fig = plotting.loss_history(History(), keys=("d_real", "d_fake"))
    ax = fig.axes[0]
    assert "probability" in ax.get_ylabel() and "loss" not in ax.get_ylabel()
    assert ax.get_ylim() == (0.0, 1.0)
    labels = _legend(fig)
    assert labels and not any(label in ("d_real", "d_fake") for label in labels), labels


def test_losses_are_labelled_in_words():
    fig = plotting.loss_history(History(), keys=("d_loss", "g_loss"))
    assert "loss" in fig.axes[0].get_ylabel()
    assert _legend(fig) == ["discriminator loss", "generator loss"]


def test_frame_budget_has_no_zero_on_its_log_axis():
    fig = plotting.frame_budget_chart(vr.frame_budget(3000.0, 2e9))
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    low, high = ax.get_ylim()
    assert low > 0 and all(t > 0 for t in ax.get_yticks() if low <= t <= high)
    assert any("once" in t.get_text() for t in ax.get_xticklabels())
    assert all("_" not in label for label in _legend(fig))


def test_toy_gan_legend_and_variant_axes_in_words():
    grid = np.linspace(-2, 5, 50)
    frame = np.stack([np.full(50, 0.5), np.exp(-grid ** 2)])
    fig = plotting.toy_gan_1d(grid, np.exp(-grid ** 2), [(100, frame)], d_star=np.full(50, 0.5))
    labels = _legend(fig)
    assert any("data density" in t for t in labels) and any("optimal discriminator" in t for t in labels), labels
    fig = plotting.variant_bars({"a": {"modes_covered": [8], "hq_fraction": [0.9]}})
    assert [ax.get_xlabel() for ax in fig.axes] == ["modes covered (of 8)", "high-quality fraction"]


def test_vr_figures_name_methods_in_words():
    img = np.zeros((8, 8, 3))
    fig = plotting.stereo_comparison({"per_eye": (img, img, img[..., 0], 1.5), "warp": (img, img, img[..., 0], 1.0)})
    titles = [ax.get_title() for ax in fig.axes]
    assert not any(t.startswith(("per_eye", "warp")) for t in titles), titles
    assert any("each eye on its own" in t for t in titles)
    frames = [img] * 4
    fig = plotting.head_motion_strip({"input": frames, "texture": frames, "screen": frames},
                                     {"input": 0.1, "texture": 0.1, "screen": 0.2})
    ylabels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert any("texture space" in y for y in ylabels) and not any(y.startswith("texture\n") for y in ylabels)
