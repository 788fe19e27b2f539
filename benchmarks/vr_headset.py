"""VR at headset resolution (issue 17, point 2): a 4096×2048 world and its stylized skybox.

Measures, in one run:

* world_seconds_4096x2048     wall time of world.panorama(0, 2048, 4096) rendered (cache off),
                              with its CPU time (all threads) beside it, and the time to read it
                              back from the cache; the general renderer (world.render_rays on the full
                              grid, what panorama() did before) against the fast one at 2048×1024
                              gives the speed-up (the pixels are the same: tests/test_world_speed.py)
* stereo_world_seconds_4096x2048  world.stereo_panorama (one 4096×2048 panorama per eye)
* panorama_seconds_4096x2048  wall time of vr.stylize_panorama(G, pano, method="circular") with all
                              defaults, G = the shipped translator data/checkpoints/toon_fast.keras
                              (GAN-trained, unpaired), in a fresh process after one warm-up call
* panorama_peak_mb            that process's peak resident memory (getrusage ru_maxrss: TensorFlow's
                              allocations included, which tracemalloc does not see), and the part
                              of it the stylization added (panorama_peak_increase_mb)
* equirect_seam_ratio         metrics.wrap_seam_ratio of the stylized panorama and of the input,
                              with the wrap pair's percentile among all column pairs
                              (vr_fidelity.wrap_pair_percentile) and the yaw-equivariance MSE
* the same stylization the way it ran before issue 17 (square 512-px tiles cross-faded, eager
  Keras calls) as the baseline of the speed-up; --no-baseline skips it

Times are wall-clock seconds on this machine; on a CPU shared with other work they are noisy
(the load average is printed before and after; CPU seconds are printed beside the wall time).

Run: python benchmarks/vr_headset.py [--no-baseline]   (the last line is one JSON object)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TRANSLATOR = "toon_fast"  # a shipped translator (translators.load_translator checks its SHA-256)
H, W = 2048, 4096


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _load():
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


# ------------------------------------------------------------ the stylizing process
def stylize_worker(pano_path: str, mode: str) -> dict:
    """Runs in its own process, so that its peak memory is the stylization's alone."""
    import resource

    from gvr_helpers import geometry, metrics, transfer, translators, vr

    sys.path.insert(0, str(HERE))
    from vr_fidelity import wrap_pair_percentile

    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux

    g = translators.load_translator(TRANSLATOR)
    pano = np.load(pano_path, allow_pickle=False)
    pad = vr.circular_pad(g)
    if mode == "bands":  # today's default
        def run(x):
            return vr.stylize_panorama(g, x, method="circular")
    else:  # before issue 17: the wrapped panorama in square tiles, cross-faded, eager calls
        def run(x):
            w = x.shape[1]
            wrapped = x[:, np.arange(-pad, w + pad) % w]
            return transfer.apply_generator(g, wrapped, tile=512)[:, pad:pad + w]
    run(pano[:256, :512].copy())  # warm-up: TensorFlow's kernels (and the graph) are ready
    before = peak_mb()
    out, wall, cpu = _timed(lambda: run(pano))
    result = {"mode": mode, "seconds": wall, "cpu_seconds": cpu, "peak_mb": peak_mb(),
              "peak_increase_mb": peak_mb() - before, "shape": list(out.shape),
              "pad": pad, "describe": str(geometry.describe(g))}
    if mode == "bands":
        k = 8 * geometry.translator_geometry(g).stride
        rolled = run(np.roll(pano, k, axis=1))
        result.update({
            "equirect_seam_ratio": {"input": metrics.wrap_seam_ratio(pano), "stylized": metrics.wrap_seam_ratio(out)},
            "local_wrap_seam_ratio": {"input": metrics.local_wrap_seam_ratio(pano),
                                      "stylized": metrics.local_wrap_seam_ratio(out)},
            "wrap_pair_percentile": {"input": wrap_pair_percentile(pano), "stylized": wrap_pair_percentile(out)},
            "yaw_equivariance_mse": float(np.mean((rolled.astype(np.float64) - np.roll(out, k, axis=1)) ** 2)),
            "yaw_shift": k,
            "change_vs_input": float(np.mean(np.abs(out - pano))),
        })
    return result


def run_worker(pano_path: Path, mode: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", str(pano_path), mode], capture_output=True,
                          text=True, timeout=1800, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    if proc.returncode != 0:
        raise RuntimeError(f"the {mode} worker failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------ main
def main(baseline: bool = True) -> dict:
    from gvr_helpers import world

    load_start = _load()
    print(f"load average at start: {load_start} (2 cores; other work makes the times noisy)", flush=True)
    built, build_seconds, _ = _timed(lambda: world.make_world(0))

    pano, world_seconds, world_cpu = _timed(lambda: world.panorama(0, H, W, cache=False))
    print(f"world {W}×{H}: {world_seconds:.2f} s wall, {world_cpu:.2f} s CPU "
          f"({world._threads()} threads; world built in {build_seconds:.2f} s)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GVR_CACHE"] = tmp  # a private cache: the benchmark leaves nothing behind
        world.panorama(0, H, W)
        _, cached_seconds, _ = _timed(lambda: world.panorama(0, H, W))
        del os.environ["GVR_CACHE"]
    print(f"world {W}×{H} read back from the cache: {cached_seconds:.3f} s", flush=True)

    pair, stereo_seconds, _ = _timed(lambda: world.stereo_panorama(0, H, W))
    print(f"stereo pair {W}×{H} (one panorama per eye, baseline {pair.baseline} cells): {stereo_seconds:.2f} s; "
          f"disparity up to {float(np.max(pair.disparity_left[:H * 3 // 4])):.1f} px above the lowest quarter",
          flush=True)
    del pair

    # the general renderer (panorama() before issue 17) against the fast one, one size down
    h2, w2 = H // 2, W // 2
    az = 2 * np.pi * (np.arange(w2) + 0.5) / w2 - np.pi
    el = np.pi / 2 - np.pi * (np.arange(h2) + 0.5) / h2
    general, general_seconds, _ = _timed(lambda: world.render_rays(
        built, built.camera, np.broadcast_to(az[None], (h2, w2)), np.broadcast_to(el[:, None], (h2, w2)))[0])
    fast, fast_seconds, _ = _timed(lambda: world.panorama(0, h2, w2, cache=False))
    same = bool(np.array_equal(general, fast))
    print(f"world {w2}×{h2}: general renderer {general_seconds:.2f} s, fast {fast_seconds:.2f} s "
          f"(×{general_seconds / fast_seconds:.1f}), identical pixels: {same}", flush=True)
    del general, fast

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pano.npy"
        np.save(path, pano, allow_pickle=False)
        bands = run_worker(path, "bands")
        print(f"stylize {W}×{H} (circular, defaults; {bands['describe']}, pad {bands['pad']}): "
              f"{bands['seconds']:.2f} s wall, {bands['cpu_seconds']:.2f} s CPU, peak {bands['peak_mb']:.0f} MB "
              f"(+{bands['peak_increase_mb']:.0f} MB for the stylization)", flush=True)
        print(f"seam: wrap ratio {bands['equirect_seam_ratio']}, wrap pair percentile "
              f"{bands['wrap_pair_percentile']}, yaw MSE {bands['yaw_equivariance_mse']:.2e} "
              f"(roll {bands['yaw_shift']})", flush=True)
        tiles = run_worker(path, "tiles") if baseline else None
        if tiles:
            print(f"before issue 17 (512-px tiles, eager): {tiles['seconds']:.2f} s wall, peak {tiles['peak_mb']:.0f} MB "
                  f"(+{tiles['peak_increase_mb']:.0f} MB); speed-up ×{tiles['seconds'] / bands['seconds']:.1f}",
                  flush=True)
    load_end = _load()
    print(f"load average at the end: {load_end}", flush=True)
    seam = bands["equirect_seam_ratio"]
    return {
        "world_seconds_4096x2048": world_seconds,
        "world_cpu_seconds_4096x2048": world_cpu,
        "world_cached_seconds_4096x2048": cached_seconds,
        "stereo_world_seconds_4096x2048": stereo_seconds,
        "world_speedup_vs_general_2048x1024": general_seconds / fast_seconds,
        "world_identical_to_general": same,
        "panorama_seconds_4096x2048": bands["seconds"],
        "panorama_cpu_seconds_4096x2048": bands["cpu_seconds"],
        "panorama_peak_mb": bands["peak_mb"],
        "panorama_peak_increase_mb": bands["peak_increase_mb"],
        "equirect_seam_ratio": seam["stylized"],
        "equirect_seam_ratio_input": seam["input"],
        "local_wrap_seam_ratio": bands["local_wrap_seam_ratio"],
        "wrap_pair_percentile": bands["wrap_pair_percentile"],
        "yaw_equivariance_mse": bands["yaw_equivariance_mse"],
        "baseline_tiles_seconds": tiles["seconds"] if tiles else None,
        "baseline_tiles_peak_mb": tiles["peak_mb"] if tiles else None,
        "panorama_speedup_vs_tiles": tiles["seconds"] / bands["seconds"] if tiles else None,
        "translator": TRANSLATOR,
        "checks": {
            "panorama_at_most_5_s": bands["seconds"] <= 5.0,
            "seam_at_most_1.05x_input": seam["stylized"] <= 1.05 * seam["input"],
            "yaw_mse_at_most_1e-6": bands["yaw_equivariance_mse"] <= 1e-6,
        },
        "load_average": [load_start, load_end],
    }


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        print(json.dumps(stylize_worker(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(main(baseline="--no-baseline" not in sys.argv), default=float))
