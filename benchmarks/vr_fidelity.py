"""How well the VR methods keep a stylized world seamless and consistent, for every shipped
GAN-trained translator (notebooks 07–09).

The translators are the ones `make checkpoints` trained *unpaired* (`translators.shipped_translators`:
every entry whose recipe is not the paired oracle), loaded in safe mode. All methods run with their
default arguments (padding derived from the generator). For each translator, in one run:

* equirect_seam_ratio       wrap seam (metrics.wrap_seam_ratio) of input / naive / circular / cubemap,
                            at the panorama's own wrap and averaged over 16 yaw positions
* yaw_equivariance_mse      MSE(stylize(roll(x, k)), roll(stylize(x), k)), k = 4 × total stride
* cube_seam_ratio           across-edge vs inside difference of a skybox: independent faces vs overlapped
* stereo_consistency_ratio  stylized pair's disparity-warp error / the input pair's, per eye vs warp,
                            on the Middlebury pair and on the world's omnidirectional stereo panorama
* head_motion_flicker       temporal warping error of a head turn: input, texture space, screen space
* panorama_seconds_4096x2048  wall time to stylize a 4096×2048 panorama (circular, row bands; best of 2)
* frame_budget              screen-space ms per frame at 72/90/120 Hz for a Quest-class eye
and, once: world_seconds_4096x2048 and the process's peak resident memory.

Run: GVR_PROFILE=fast python benchmarks/vr_fidelity.py   (the last line is one JSON object)
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from gvr_helpers import config, data, geometry, metrics, sphere, translators, vr, world  # noqa: E402


def wrap_pair_percentile(image) -> float:
    """Fraction of interior column pairs (j, j+1) whose mean |difference| is below the wrap pair's
    (0.5 = a typical pair; near 1 = a seam)."""
    diffs = np.abs(np.diff(image, axis=1)).mean(axis=(0, 2))
    return float(np.mean(diffs < np.abs(image[:, -1] - image[:, 0]).mean()))


def gan_translators() -> list[str]:
    return sorted(name for name, entry in translators.shipped_translators().items()
                  if "oracle" not in name and "paired" not in entry.get("recipe", "").split("(")[0])


def measure(name: str, generator, pano, profile) -> dict:
    info = geometry.describe(generator)
    k = 4 * info.total_stride
    methods = {"naive": lambda x: vr.stylize_panorama(generator, x, method="naive"),
               "circular": lambda x: vr.stylize_panorama(generator, x, method="circular"),
               "cubemap": lambda x: vr.stylize_panorama(generator, x, method="cubemap")}
    seam = {"input": metrics.wrap_seam_ratio(pano)}
    seam.update({m: metrics.wrap_seam_ratio(fn(pano)) for m, fn in methods.items()})
    offsets = [(i * pano.shape[1] // 16) // k * k for i in range(16)]   # the seam at 16 longitudes

    def over_yaw(fn):
        return float(np.mean([metrics.wrap_seam_ratio(fn(np.roll(pano, o, axis=1))) for o in offsets]))

    seam_avg = {"input": over_yaw(lambda x: x)}
    seam_avg.update({m: over_yaw(fn) for m, fn in methods.items()})
    equivariance = {m: metrics.yaw_equivariance_mse(fn, pano, k) for m, fn in methods.items()}

    size = pano.shape[0] // 2
    cube = {"input": metrics.cube_seam_ratio(sphere.render_faces(pano, size)),
            "independent_faces": metrics.cube_seam_ratio(vr.stylize_cubemap(generator, pano, size, pad=0)),
            "cubemap": metrics.cube_seam_ratio(vr.stylize_cubemap(generator, pano, size, pad=size // 4))}

    stereo = {}
    left, right, disparity = data.bundled_stereo()
    for method in ("per_eye", "warp"):
        sl, sr, _ = vr.stylize_stereo(generator, left, right, disparity, method=method)
        stereo.setdefault("middlebury", {})[method] = vr.stereo_consistency_ratio(sl, sr, left, right, disparity)
    ods = world.stereo_panorama(seed=3, height=pano.shape[0] // 2, width=pano.shape[1] // 2)
    for method in ("per_eye", "warp"):
        sl, sr, _ = vr.stylize_stereo_panorama(generator, ods.left, ods.right, ods.disparity_left,
                                               ods.disparity_right, method=method)
        stereo.setdefault("omnidirectional", {})[method] = vr.stereo_consistency_ratio(
            sl, sr, ods.left, ods.right, ods.disparity_left)

    motion = vr.head_motion(generator, pano, yaws=np.arange(profile.steps(48, minimum=12)) * 3.0, pitch=5.0,
                            fov=90, hw=(96, 96))
    flicker = {"input": motion["flicker_input"], "texture_space": motion["flicker_texture"],
               "screen_space": motion["flicker_screen"]}

    big = world.panorama(seed=0, height=2048, width=4096)
    speed = vr.measure_macs_per_second(generator, big, info.macs_per_output_pixel, repeats=2)  # best of 2: warm
    budget = vr.frame_budget(info.macs_per_output_pixel, speed["macs_per_second"])
    row = {"generator": {"params": info.params, "macs_per_pixel": info.macs_per_output_pixel,
                         "receptive_field": info.receptive_field, "total_stride": info.total_stride,
                         "circular_pad": vr.circular_pad(generator)},
           "equirect_seam_ratio": seam, "equirect_seam_ratio_over_16_yaws": seam_avg,
           "yaw_equivariance_mse": equivariance, "yaw_shift": k, "cube_seam_ratio": cube,
           "stereo_consistency_ratio": stereo, "head_motion_flicker": flicker,
           "panorama_seconds_4096x2048": speed["seconds"],
           "frame_budget": [{key: r[key] for key in ("hz", "budget_ms", "screen_ms_per_frame", "screen_fits",
                                                     "texture_ms_once")} for r in budget]}
    row["checks"] = {
        "circular_seam_over_yaw_at_most_1.05x_input": seam_avg["circular"] <= 1.05 * seam_avg["input"],
        "circular_yaw_mse_at_most_1e-6": equivariance["circular"] <= 1e-6,
        "cubemap_cube_seam_at_most_1.2": cube["cubemap"] <= 1.2,
        "stereo_warp_ratio_at_most_2": all(v["warp"] <= 2 for v in stereo.values()),
        "panorama_4096x2048_at_most_5_s": speed["seconds"] <= 5.0,
    }
    print(name, json.dumps(row, default=float), flush=True)
    return row


def main() -> dict:
    profile = config.get_profile()
    config.set_seed(0)
    start = time.perf_counter()
    t = time.perf_counter()
    world.panorama(seed=0, height=2048, width=4096, cache=False)
    world_seconds = time.perf_counter() - t
    h = 8 * profile.image_size  # 256 (fast) or 512 (full) rows
    pano = world.panorama(seed=0, height=h, width=2 * h)
    results = {name: measure(name, translators.load_translator(name), pano, profile) for name in gan_translators()}
    return {"profile": profile.name, "panorama": list(pano.shape[:2]), "translators": results,
            "world_seconds_4096x2048": world_seconds,
            "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "seconds_total": time.perf_counter() - start}


if __name__ == "__main__":
    print(json.dumps(main(), default=float))
