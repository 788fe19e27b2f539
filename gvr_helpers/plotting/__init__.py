"""Every figure the notebooks and ``make figures`` draw, one module per part of the course.

Each plotting function returns its matplotlib ``Figure`` and passes it to
:func:`save_figure`, which writes ``figures/<name>.png`` when ``make figures``
runs (``$GVR_FIGURES_DIR`` is set) and does nothing otherwise, so the README's
figures are exactly the notebooks' figures.

- :mod:`.figures`: ``save_figure`` and ``image_grid``, which every figure uses;
- :mod:`.gan`: notebooks 00–04 (overview and data, minimax math, generator, discriminator, training);
- :mod:`.style_transfer`: notebooks 05–06 (unpaired style transfer, fusion and quality, results tables);
- :mod:`.vr`: notebooks 07–08 (panoramas, stereo and head motion, the frame budget).
"""
from .figures import (
    image_grid, save_figure,
)
from .gan import (
    checkerboard_figure, data_content, data_panorama, data_stereo, data_styles, influence_figure, LOGGED,
    logit_map_figure, loss_history, pipeline_diagram, PIPELINE_STEPS, PROBABILITIES,
    receptive_field_figure, ring_samples, saturation_gradients, singular_values_figure, toy_gan_1d,
    upsampling_overlap_figure, variant_bars,
)
from .style_transfer import (
    benchmark_curves, BENCHMARK_METHODS, fusion_methods, laplacian_bands, psnr_curves, results_table,
    strength_fidelity, table_rows, tiled_transfer, translation_rows,
)
from .vr import (
    cube_cross, cubemap_seams, equirect_distortion, frame_budget_chart, head_motion_strip,
    stereo_comparison, VR_METHODS, wrap_seam_comparison,
)

__all__ = [
    "image_grid", "save_figure", "checkerboard_figure", "data_content", "data_panorama", "data_stereo",
    "data_styles", "influence_figure", "LOGGED", "logit_map_figure", "loss_history", "pipeline_diagram",
    "PIPELINE_STEPS", "PROBABILITIES", "receptive_field_figure", "ring_samples", "saturation_gradients",
    "singular_values_figure", "toy_gan_1d", "upsampling_overlap_figure", "variant_bars",
    "benchmark_curves", "BENCHMARK_METHODS", "fusion_methods", "laplacian_bands", "psnr_curves",
    "results_table", "strength_fidelity", "table_rows", "tiled_transfer", "translation_rows",
    "cube_cross", "cubemap_seams", "equirect_distortion", "frame_budget_chart", "head_motion_strip",
    "stereo_comparison", "VR_METHODS", "wrap_seam_comparison",
]
