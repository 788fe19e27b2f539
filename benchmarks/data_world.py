"""Offline data at a glance: how many content photos, how visible each style is, how seamless
the panorama, how exact the stereo pair, how fast the renderer.

    GVR_PROFILE=fast python benchmarks/data_world.py

Last line: one JSON object with n_content_images, styles (identity PSNR in dB
on the test split: lower = more visible), baselines (PSNR in dB of the two
classic colour baselines against each style's ground truth; domain B = 16 styled
training tiles), panorama_wrap_ratio (≈ 1 when seamless; it also reflects how busy
the view behind the viewer is, so panorama_wrap_ratio_local compares the seam
with its neighbouring columns instead), stereo_warp_psnr_db (right view warped by the exact
disparity vs the left, over pixels both eyes see) and render_seconds_512x1024.
"""
from __future__ import annotations

import json
import time

import numpy as np

from gvr_helpers import config, data, metrics, styles, unpaired_data, world, world_views


def main() -> dict:
    profile = config.get_profile()
    size = 256 if profile.name == "fast" else 512
    photos = data.content_images(size=size)
    test = data.held_out_tiles(photos, crop=64)

    style_psnr, baseline_psnr = {}, {}
    for name in styles.STYLES:
        style_psnr[name] = round(styles.identity_psnr(name, test), 2)
        split = unpaired_data.course_style_data(name, crop=64, n_crops=16, size=size)
        baseline_psnr[name] = {
            b: round(float(np.mean([metrics.psnr(fn(x, split.b), y)
                                    for x, y in zip(split.test_x, split.test_y)])), 2)
            for b, fn in styles.BASELINES.items()
        }

    start = time.perf_counter()
    world.make_world(0)
    build = time.perf_counter() - start
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        pano = world.panorama(0, 512, 1024)
        timings.append(time.perf_counter() - start)
    pair = world_views.stereo_pair(0, yaw=20, size=(192, 256))

    result = {
        "profile": profile.name,
        "n_content_images": len(photos),
        "n_test_tiles": int(len(test)),
        "styles": style_psnr,
        "baselines": baseline_psnr,
        "panorama_wrap_ratio": round(metrics.wrap_seam_ratio(pano), 3),
        "panorama_wrap_ratio_local": round(metrics.local_wrap_seam_ratio(pano), 3),
        "stereo_warp_psnr_db": round(metrics.stereo_warp_psnr(pair.left, pair.right, pair.disparity_left), 2),
        "world_build_seconds": round(build, 3),
        "render_seconds_512x1024": round(min(timings), 3),
    }
    for name, value in style_psnr.items():
        print(f"style {name:10s} identity PSNR {value:6.2f} dB   baselines vs ground truth: {baseline_psnr[name]}")
    print(f"panorama 512×1024 rendered in {result['render_seconds_512x1024']} s (world built in {build:.2f} s), "
          f"wrap ratio {result['panorama_wrap_ratio']} (vs its 8 neighbours each side: "
          f"{result['panorama_wrap_ratio_local']}); stereo warp PSNR {result['stereo_warp_psnr_db']} dB")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
