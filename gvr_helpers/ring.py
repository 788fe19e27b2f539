"""The toy 2-D ring of Gaussians that notebook 04 trains on: data, mode coverage, the runs.

Eight Gaussians on a circle are the classic picture of mode collapse: a GAN that covers all
eight learnt the distribution, one that covers a few collapsed. :func:`train_ring` trains one
small MLP GAN on it with :func:`gvr_helpers.train.train_gans`; :func:`compare_ring_variants`
measures the failures and fixes of :data:`RING_VARIANTS` on the same seeds.
"""
from __future__ import annotations

import time

import keras
import numpy as np

from . import config, models
from .callbacks import Snapshots
from .train import GAN, jitter, train_gans


# ============================================================ data and mode coverage
# The ring train_ring trains on; the functions below take any ring.
RING = {"n_modes": 8, "radius": 2.0, "std": 0.05}


def ring_centers(n_modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The centres of ``n_modes`` Gaussians evenly spaced on a circle (the toy of notebook 04)."""
    if n_modes < 1 or radius <= 0:
        raise ValueError(f"need n_modes >= 1 and radius > 0, got {n_modes} and {radius}")
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def sample_ring(n: int, n_modes: int = 8, radius: float = 2.0, std: float = 0.05, seed: int = 0) -> np.ndarray:
    """``n`` points (float32, n×2) from the ring of Gaussians, each mode equally likely."""
    rng = np.random.default_rng(seed)
    centers = ring_centers(n_modes, radius)
    points = centers[rng.integers(0, n_modes, n)] + std * rng.standard_normal((n, 2))
    return points.astype(np.float32)


def mode_coverage(samples, centers, std: float, threshold: float = 3.0, min_fraction: float = 0.01) -> dict:
    """How well point samples cover Gaussian modes (Srivastava et al., VEEGAN, 2017).

    A sample is *high quality* when it lies within ``threshold`` standard deviations of its
    nearest centre; a mode is *covered* when at least ``min_fraction`` of all samples are
    high-quality samples of that mode (2500 samples: 25 of them). Returns ``modes_covered``,
    ``hq_fraction`` and ``counts`` (high-quality samples per mode).
    """
    x = np.asarray(samples, dtype=np.float64)
    c = np.asarray(centers, dtype=np.float64)
    if x.ndim != 2 or c.ndim != 2 or x.shape[1] != c.shape[1] or len(x) == 0:
        raise ValueError(f"samples (n×d) and centers (k×d) must agree, got {x.shape} and {c.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("samples contain NaN or infinite values (did training diverge?)")
    dist = np.linalg.norm(x[:, None, :] - c[None, :, :], axis=2)
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(x)), nearest] <= threshold * std
    counts = np.bincount(nearest[good], minlength=len(c))
    return {"modes_covered": int(np.sum(counts >= max(1.0, min_fraction * len(x)))),
            "hq_fraction": float(good.mean()), "counts": counts}


# ============================================================ the runs
# Each variant is a set of options for train_ring; they share seeds, steps and models.
# "overpowering D" = the discriminator learns 5x faster and takes 3 steps per generator step.
STRONG_D = {"d_learning_rate": 1e-3, "d_steps": 3}
RING_VARIANTS = {
    "saturating (minimax)": {"loss": "minimax"},
    "saturating, overpowering D": {"loss": "minimax", **STRONG_D},
    "non-saturating, overpowering D": {"loss": "nonsaturating", **STRONG_D},
    "least squares, overpowering D": {"loss": "least_squares", **STRONG_D},
    "hinge, overpowering D": {"loss": "hinge", **STRONG_D},
    "non-saturating + R1, overpowering D": {"loss": "nonsaturating", "r1_weight": 1.0, **STRONG_D},
    "non-saturating + instance noise, overpowering D": {"loss": "nonsaturating", "instance_noise": 0.1, **STRONG_D},
    "non-saturating + spectral norm, overpowering D": {"loss": "nonsaturating", "spectral_norm": True, **STRONG_D},
    "recommended: non-saturating + R1, TTUR": {"loss": "nonsaturating", "r1_weight": 0.1,
                                              "g_learning_rate": 2e-4, "d_learning_rate": 4e-4},
}
RECOMMENDED = "recommended: non-saturating + R1, TTUR"


def _spectral_normalized(model: keras.Model) -> keras.Model:
    """A copy of a Dense-layer model with every Dense layer wrapped in keras' SpectralNormalization."""
    def clone(layer):
        fresh = layer.__class__.from_config(layer.get_config())
        return keras.layers.SpectralNormalization(fresh) if isinstance(layer, keras.layers.Dense) else fresh
    return keras.models.clone_model(model, clone_function=clone)


def train_ring(seed: int = 0, steps: int = 2000, batch_size: int = 256, hidden: int = 128, depth: int = 3,
               loss: str = "nonsaturating", r1_weight: float = 0.0, g_learning_rate: float = 2e-4,
               d_learning_rate: float = 2e-4, d_steps: int = 1, instance_noise: float = 0.0,
               spectral_norm: bool = False, n_eval: int = 2500, callbacks=(), snapshot_every: int = 0) -> dict:
    """Train one MLP GAN on the 8-Gaussian ring and measure it (modes covered of 8, high-quality
    fraction, seconds). ``snapshot_every`` > 0 also returns samples every that many steps."""
    config.set_seed(seed)
    data = sample_ring(20000, RING["n_modes"], RING["radius"], RING["std"], seed=seed)
    g = models.build_generator("mlp", noise_dim=2, data_dim=2, hidden=hidden, depth=depth)
    d = models.build_discriminator("mlp", data_dim=2, hidden=hidden, depth=depth)
    if spectral_norm:
        d = _spectral_normalized(d)
    gan = GAN(g, d)
    gan.compile(loss=loss, r1_weight=r1_weight, g_learning_rate=g_learning_rate, d_learning_rate=d_learning_rate,
                d_steps=d_steps, augment=jitter(instance_noise) if instance_noise else None)
    every = snapshot_every if snapshot_every > 0 else steps
    snaps = Snapshots(lambda m: m.sample(1000, seed=seed + 1), every=1)
    start = time.perf_counter()
    history = train_gans(gan, data, epochs=max(1, steps // every), batch_size=batch_size, steps_per_epoch=every,
                         progress=False, seed=seed, callbacks=[snaps, *callbacks])
    seconds = time.perf_counter() - start
    samples = gan.sample(n_eval, seed=seed + 1000)
    cov = mode_coverage(samples, ring_centers(RING["n_modes"], RING["radius"]), RING["std"])
    return {"modes_covered": cov["modes_covered"], "hq_fraction": cov["hq_fraction"], "seconds": seconds,
            "samples": samples, "frames": [(e * every, f) for e, f in snaps.frames], "history": history, "gan": gan}


def compare_ring_variants(names, seeds=(0, 1, 2), steps: int = 2000, done: dict | None = None) -> dict:
    """Run each named variant of :data:`RING_VARIANTS` on the same seeds and steps.

    Returns ``{name: {"modes_covered": [...], "hq_fraction": [...], "seconds": [...]}}`` with one
    value per seed. ``done`` maps ``(name, seed)`` to a finished :func:`train_ring` result to reuse.
    """
    unknown = [n for n in names if n not in RING_VARIANTS]
    if unknown:
        raise ValueError(f"unknown ring variants {unknown}; choose from: {', '.join(RING_VARIANTS)}")
    done = done or {}
    table = {}
    for name in names:
        runs = [done.get((name, s)) or train_ring(seed=s, steps=steps, **RING_VARIANTS[name]) for s in seeds]
        table[name] = {key: [r[key] for r in runs] for key in ("modes_covered", "hq_fraction", "seconds")}
    return table
