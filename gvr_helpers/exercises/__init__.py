"""Auto-checks for the course's exercises, one module per part of the course.

Every ``check_...`` function takes what the learner wrote (usually a
function), tries it on inputs with known answers, prints ``PASS`` or a hint
that says what was expected and what came back, and returns ``True`` or
``False``. Notebooks call them in nbgrader grade cells as
``assert exercises.check_...(...)``, so nbgrader's autograder scores them too.

- :mod:`.common`: ``report``, ``check_close`` and the helpers every check uses;
- :mod:`.gan`: notebooks 00–04 (pipeline, minimax, generator, discriminator, training);
- :mod:`.style_transfer`: notebooks 05–06 (unpaired style transfer, fusion);
- :mod:`.vr`: notebooks 07–09 (panoramas, stereo and motion, use cases).
"""
from .common import (
    check_close, NOT_DONE, report,
)
from .gan import (
    check_conv_macs, check_conv_output_size, check_disparity_from_depth, check_hinge_d_loss,
    check_hq_fraction, check_nonsaturating_loss, check_optimal_discriminator, check_pipeline_order,
    check_power_iteration, check_receptive_field, check_saturating_losses, check_style_patches,
    check_translator_design, check_transposed_output_size, check_verdicts_per_pixel,
    check_where_d_says_real, confident_ring_discriminator, generator_gradient_ratios,
    measured_patch, measured_verdicts, narrow_generator_discriminator, PATCHGAN_FIELDS,
    PIPELINE_ORDER, TOY_REGIONS, TRANSLATOR_CHOICES, TRANSLATOR_FILTERS, TRANSLATOR_REACH,
)
from .style_transfer import (
    check_best_strength, check_critic_lowest_fusion, check_gain_ratio, check_luminance_only,
    check_recolouring_fools, check_sliced_wasserstein_1d, check_two_band_fusion, CRITIC_FUSIONS,
    measured_fusion_realism, measured_recolouring_distances, RECOLOURING_DISTANCES,
)
from .vr import (
    check_disocclusion, check_fusion_keeps_face, check_min_wrap_pad, check_right_from_left,
    check_row_latitudes, check_screen_space_ms, check_seamless, check_strongest_alpha,
    check_wrap_pad, measured_disocclusion, measured_fusion_ssim, measured_min_wrap_pad,
)

__all__ = [
    "check_close", "NOT_DONE", "report", "check_conv_macs", "check_conv_output_size",
    "check_disparity_from_depth", "check_hinge_d_loss", "check_hq_fraction",
    "check_nonsaturating_loss", "check_optimal_discriminator", "check_pipeline_order",
    "check_power_iteration", "check_receptive_field", "check_saturating_losses",
    "check_style_patches", "check_translator_design", "check_transposed_output_size",
    "check_verdicts_per_pixel", "check_where_d_says_real", "confident_ring_discriminator",
    "generator_gradient_ratios", "measured_patch", "measured_verdicts",
    "narrow_generator_discriminator", "PATCHGAN_FIELDS", "PIPELINE_ORDER", "TOY_REGIONS",
    "TRANSLATOR_CHOICES", "TRANSLATOR_FILTERS", "TRANSLATOR_REACH", "check_best_strength",
    "check_critic_lowest_fusion", "check_gain_ratio", "check_luminance_only",
    "check_recolouring_fools", "check_sliced_wasserstein_1d", "check_two_band_fusion",
    "CRITIC_FUSIONS", "measured_fusion_realism", "measured_recolouring_distances",
    "RECOLOURING_DISTANCES", "check_disocclusion", "check_fusion_keeps_face", "check_min_wrap_pad",
    "check_right_from_left", "check_row_latitudes", "check_screen_space_ms", "check_seamless",
    "check_strongest_alpha", "check_wrap_pad", "measured_disocclusion", "measured_fusion_ssim",
    "measured_min_wrap_pad",
]
