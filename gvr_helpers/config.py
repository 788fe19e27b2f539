"""Profiles, seeds and paths: the few settings every notebook and test shares.

A *profile* scales the work a notebook does. ``fast`` keeps every notebook
under about a minute on a 2-core CPU (tests, CI); ``full`` is what the
README's figures are made with. Notebooks ask the profile for step counts
and image sizes instead of hard-coding them.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROFILE_ENV = "GVR_PROFILE"
CACHE_ENV = "GVR_CACHE"
FIGURES_ENV = "GVR_FIGURES_DIR"
SEED_ENV = "GVR_SEED"


@dataclass(frozen=True)
class Profile:
    """How much work a notebook does. ``scale`` multiplies step counts."""

    name: str
    scale: float
    image_size: int
    description: str

    def steps(self, full_steps: int, minimum: int = 1) -> int:
        """Scale a step count written for the ``full`` profile."""
        return max(minimum, int(round(full_steps * self.scale)))


PROFILES = {
    "fast": Profile("fast", 0.1, 32, "tests and CI: each notebook in about a minute"),
    "full": Profile("full", 1.0, 64, "the README's figures: minutes per notebook"),
}
DEFAULT_PROFILE = "fast"


def get_profile(name: str | None = None) -> Profile:
    """Return the profile named by ``name`` or by ``$GVR_PROFILE`` (default ``fast``)."""
    chosen = name if name is not None else os.environ.get(PROFILE_ENV, DEFAULT_PROFILE)
    chosen = chosen.strip().lower()
    if chosen not in PROFILES:
        valid = ", ".join(sorted(PROFILES))
        raise ValueError(
            f"Unknown profile {chosen!r} (from {PROFILE_ENV if name is None else 'the argument'}); "
            f"valid profiles are: {valid}."
        )
    return PROFILES[chosen]


def seed_offset() -> int:
    """``$GVR_SEED`` (default 0): added to every seed given to :func:`set_seed`, so one
    notebook can be re-run with other random weights without editing it
    (``tools/robustness.py`` does this to check that a claim holds over seeds)."""
    value = os.environ.get(SEED_ENV, "0").strip() or "0"
    try:
        offset = int(value)
    except ValueError:
        raise ValueError(f"{SEED_ENV} must be a non-negative integer, got {value!r}") from None
    if offset < 0:
        raise ValueError(f"{SEED_ENV} must be a non-negative integer, got {value!r}")
    return offset


def set_seed(seed: int = 0) -> int:
    """Make a CPU run repeat exactly: seed Python, NumPy and Keras, and ask
    TensorFlow for deterministic kernels (slower on GPU, free on CPU).

    The seed used is ``seed + $GVR_SEED`` (see :func:`seed_offset`); it is returned."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    import keras
    import tensorflow as tf

    used = int(seed) + seed_offset()
    random.seed(used)
    np.random.seed(used)
    keras.utils.set_random_seed(used)
    tf.config.experimental.enable_op_determinism()
    return used


# ---------------------------------------------------------------- paths
REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def cache_dir() -> Path:
    """Where generated data and downloads are cached (``$GVR_CACHE`` overrides).

    Created on first use; safe to delete at any time.
    """
    path = Path(os.environ.get(CACHE_ENV) or (Path.home() / ".cache" / "gvr-course")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def figures_dir() -> Path | None:
    """The folder ``make figures`` writes to, or ``None`` when figures are only shown."""
    value = os.environ.get(FIGURES_ENV)
    return Path(value) if value else None
