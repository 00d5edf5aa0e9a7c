"""The ``scanpath_metrics`` experiment: metric anchors and generator human-likeness.

Real gaze comes from the EyeLink recordings bundled with ``eyelinkio`` (1920 x 1080
screen; fixations by I-VT then merged, cut into scanpaths of ``segment_length``
fixations). Model scanpaths come from
:class:`~cogattn.scanpath.generators.SaliencyScanpathGenerator` on the spectral-
residual saliency of a scikit-image picture shown full screen, with the random and
centre-bias baselines drawn with the same fixation-duration distribution. Two tasks:

- ``anchors``: MultiMatch of model x real scanpath pairs by cogattn and by
  multimatch-gaze (largest absolute difference), and I-VT fixations of every
  recording by cogattn and by pymovements on the same speeds (events that differ).
- ``human_likeness``: for the generator and both baselines, the saccade-amplitude
  and fixation-duration distributions against the real ones (Wasserstein distance,
  Kolmogorov-Smirnov statistic), and the MultiMatch similarity of each model's
  scanpaths to the held-out real ones (model agreement, averaged per recording).

The generator is tuned on none of the recordings; each repetition draws new model
scanpaths from the task's generator.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.validation import check_int, check_option
from cogattn.experiments._params import call_with_params
from cogattn.sim.params import Param, declare_params
from cogattn.sim.registry import ReportContent, experiment

__all__ = ["IMAGES", "ScanpathMetricsExperiment", "real_scanpaths", "run_point"]

#: scikit-image pictures the generator may look at
IMAGES = ("astronaut", "coffee", "chelsea", "rocket")

MODELS = ("generator", "random", "centre_bias")


def real_scanpaths(segment_length: int = 10) -> tuple[list[Any], list[Any]]:
    """Scanpaths of the bundled EyeLink recordings (monocular 1000 Hz files).

    Parameters
    ----------
    segment_length : int
        Fixations per scanpath.

    Returns
    -------
    scanpaths : list of Scanpath
        Observer label: the file name.
    recordings : list of EyelinkRecording
    """
    from cogattn.datasets.eyelink import bundled_eyelink_recordings, read_eyelink
    from cogattn.scanpath.detection import scanpaths_from_recording

    recs = [
        read_eyelink(p)
        for p in bundled_eyelink_recordings()
        if "binocular" not in p.name
    ]
    paths = []
    for rec in recs:
        paths.extend(scanpaths_from_recording(rec, segment_length=segment_length))
    return paths, recs


def _image_saliency(name: str, screen: Any) -> np.ndarray:
    from scipy.ndimage import zoom

    try:
        import skimage.data
    except ImportError as err:
        raise ImportError(
            "the scanpath_metrics experiment shows scikit-image's sample pictures: "
            "pip install scikit-image"
        ) from err

    from cogattn.scanpath.generators import spectral_residual_saliency

    img = np.asarray(getattr(skimage.data, name)(), dtype=np.float64)
    if img.ndim == 3:
        img = img.mean(axis=2)
    h, w = screen.height_px, screen.width_px
    img = zoom(img, (h / img.shape[0], w / img.shape[1]), order=1)
    return spectral_residual_saliency(img)


def _models(screen, sal, n_scanpaths, n_fixations, rng):
    from cogattn.scanpath.generators import (
        SaliencyScanpathGenerator,
        centre_bias_scanpaths,
        random_scanpaths,
    )

    gen = SaliencyScanpathGenerator(n_fixations=n_fixations)
    return {
        "generator": gen.generate(sal, screen, n_scanpaths, random_state=rng),
        "random": random_scanpaths(screen, n_scanpaths, n_fixations, random_state=rng),
        "centre_bias": centre_bias_scanpaths(
            screen, n_scanpaths, n_fixations, random_state=rng
        ),
    }


def _anchor_multimatch(a, b) -> tuple[float, int]:
    import warnings

    import multimatch_gaze as mg

    from cogattn.scanpath.multimatch_similarity import multimatch

    ours = multimatch(a, b)
    diff = 0.0
    n = 0
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        rx = np.rec.fromarrays([x.x, x.y, x.duration], names="start_x,start_y,duration")
        ry = np.rec.fromarrays([y.x, y.y, y.duration], names="start_x,start_y,duration")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = np.asarray(
                mg.docomparison(rx, ry, screensize=list(x.screen.size)), float
            )
        diff = max(diff, float(np.abs(ref - ours[k]).max()))
        n += 1
    return diff, n


def _anchor_ivt(recs) -> tuple[int, int]:
    import pymovements as pm

    from cogattn.scanpath.detection import gaze_speed, ivt

    mismatches = 0
    events = 0
    for rec in recs:
        ours = ivt(rec.x, rec.y, rec.sfreq, rec.screen)
        xd, yd = rec.screen.to_degrees(rec.x, rec.y)
        speed = gaze_speed(xd, yd, rec.sfreq)
        vel = np.stack([speed, np.zeros_like(speed)], axis=1)
        ref = pm.events.ivt(vel, minimum_duration=60, velocity_threshold=30.0).frame
        on = ref["onset"].to_numpy()
        off = ref["offset"].to_numpy()
        events += len(on)
        if len(on) != len(ours):
            mismatches += abs(len(on) - len(ours)) + min(len(on), len(ours))
            continue
        mismatches += int(((on != ours.start) | (off != ours.stop - 1)).sum())
    return mismatches, events


def run_point(
    *,
    task: str,
    rng: np.random.Generator,
    image: str = "astronaut",
    n_scanpaths: int = 20,
    segment_length: int = 10,
    n_anchor_pairs: int = 100,
) -> dict[str, Any]:
    """Run one task of the experiment.

    Parameters
    ----------
    task : {"anchors", "human_likeness"}
        What to compute (see the module docstring).
    rng : numpy.random.Generator
        Seeds the model scanpaths.
    image : str
        One of :data:`IMAGES`.
    n_scanpaths : int
        Scanpaths per model.
    segment_length : int
        Fixations per scanpath (real and model).
    n_anchor_pairs : int
        Model x real pairs compared with multimatch-gaze.

    Returns
    -------
    out : dict
        ``anchors``: ``multimatch_max_abs_diff``, ``multimatch_pairs``,
        ``ivt_mismatches``, ``ivt_events``. ``human_likeness``: per model
        ``{model}_amplitude_wasserstein_deg``, ``{model}_amplitude_ks``,
        ``{model}_duration_wasserstein_s``, ``{model}_mm_{dimension}``, the medians,
        and the arrays ``amplitudes_{model}`` and ``amplitudes_real``.
    """
    from cogattn.scanpath.consistency import model_agreement
    from cogattn.scanpath.generators import human_likeness
    from cogattn.scanpath.multimatch_similarity import MULTIMATCH_DIMENSIONS, multimatch

    check_option(task, ("anchors", "human_likeness"), "task")
    check_option(image, IMAGES, "image")
    n_scanpaths = check_int(n_scanpaths, "n_scanpaths", low=2)
    segment_length = check_int(segment_length, "segment_length", low=3)
    n_pairs = check_int(n_anchor_pairs, "n_anchor_pairs", low=1)
    real, recs = real_scanpaths(segment_length)
    screen = real[0].screen
    sal = _image_saliency(image, screen)
    models = _models(screen, sal, n_scanpaths, segment_length, rng)
    if task == "anchors":
        gen = models["generator"]
        idx = rng.integers(0, [len(gen), len(real)], size=(n_pairs, 2))
        diff, n = _anchor_multimatch(
            [gen[i] for i in idx[:, 0]], [real[j] for j in idx[:, 1]]
        )
        mism, events = _anchor_ivt(recs)
        return {
            "multimatch_max_abs_diff": diff,
            "multimatch_pairs": float(n),
            "ivt_mismatches": float(mism),
            "ivt_events": float(events),
        }
    out: dict[str, Any] = {
        "amplitudes_real": np.concatenate([p.saccade_amplitudes() for p in real])
    }
    for name, paths in models.items():
        stats = human_likeness(paths, real)
        for key in (
            "amplitude_wasserstein_deg",
            "amplitude_ks",
            "duration_wasserstein_s",
            "amplitude_median_deg",
        ):
            out[f"{name}_{key}"] = stats[key]
        agree = model_agreement(paths, real, multimatch)
        for d, v in zip(MULTIMATCH_DIMENSIONS, agree.mean, strict=True):
            out[f"{name}_mm_{d}"] = float(v)
        out[f"amplitudes_{name}"] = np.concatenate(
            [p.saccade_amplitudes() for p in paths]
        )
    out["real_amplitude_median_deg"] = float(np.median(out["amplitudes_real"]))
    return out


@experiment("scanpath_metrics")
class ScanpathMetricsExperiment:
    """Scanpath metrics against their anchors; generator vs baselines on real gaze."""

    params = declare_params(
        run_point,
        task=Param(str, choices=("anchors", "human_likeness")),
        image=Param(str, choices=IMAGES),
        n_scanpaths=Param(int, low=2, high=10_000),
        segment_length=Param(int, low=3, high=1000),
        n_anchor_pairs=Param(int, low=1, high=100_000),
    )

    @staticmethod
    def trial(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
        """Run one task: the spec's parameters go to :func:`run_point`."""
        return call_with_params(run_point, params, rng=rng)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Tables, the amplitude figure and the numbers the spec checks.

        Parameters
        ----------
        results : Results
            One row per task with ``task``, ``repetition`` and the outputs of
            :func:`run_point`.

        Returns
        -------
        content : ReportContent
        """
        import pandas as pd

        table = results.table
        measured: dict[str, float] = {}
        tables = {}
        anchors = table[table["task"] == "anchors"]
        if len(anchors):
            measured["multimatch_max_abs_diff"] = float(
                anchors["multimatch_max_abs_diff"].max()
            )
            measured["ivt_mismatches"] = float(anchors["ivt_mismatches"].sum())
            tables["anchors"] = anchors[
                [
                    "repetition",
                    "multimatch_max_abs_diff",
                    "multimatch_pairs",
                    "ivt_mismatches",
                    "ivt_events",
                ]
            ].reset_index(drop=True)
        hl = table[table["task"] == "human_likeness"]
        figures = {}
        if len(hl):
            rows = []
            for m in MODELS:
                rows.append(
                    {
                        "model": m,
                        "amplitude_wasserstein_deg": hl[
                            f"{m}_amplitude_wasserstein_deg"
                        ].mean(),
                        "amplitude_ks": hl[f"{m}_amplitude_ks"].mean(),
                        "duration_wasserstein_s": hl[
                            f"{m}_duration_wasserstein_s"
                        ].mean(),
                        "amplitude_median_deg": hl[f"{m}_amplitude_median_deg"].mean(),
                        "multimatch_vector": hl[f"{m}_mm_vector"].mean(),
                        "multimatch_length": hl[f"{m}_mm_length"].mean(),
                        "multimatch_position": hl[f"{m}_mm_position"].mean(),
                    }
                )
            tables["human_likeness"] = pd.DataFrame(rows)
            gw = hl["generator_amplitude_wasserstein_deg"]
            better = (gw < hl["random_amplitude_wasserstein_deg"]) & (
                gw < hl["centre_bias_amplitude_wasserstein_deg"]
            )
            measured["fraction_seeds_generator_closer_amplitudes"] = float(
                better.mean()
            )
            gl = hl["generator_mm_length"]
            mm_better = (gl > hl["random_mm_length"]) & (
                gl > hl["centre_bias_mm_length"]
            )
            measured["fraction_seeds_generator_higher_mm_length"] = float(
                mm_better.mean()
            )
            measured["generator_amplitude_wasserstein_deg"] = float(gw.mean())
            measured["real_amplitude_median_deg"] = float(
                hl["real_amplitude_median_deg"].mean()
            )
            if hasattr(results, "iter_arrays"):
                from cogattn.viz.scanpath import plot_distributions

                groups = {}
                for name in ("real", *MODELS):
                    arrs = [a for _, a in results.iter_arrays(f"amplitudes_{name}")]
                    if arrs:
                        groups[name] = np.concatenate(arrs) + 1e-3
                if groups:
                    figures["saccade_amplitudes"] = plot_distributions(
                        groups, xlabel="saccade amplitude (deg)", log=True
                    )
        text = (
            "MultiMatch and I-VT against multimatch-gaze and pymovements; the "
            "saliency generator and two baselines against the real EyeLink "
            "recordings (saccade amplitudes, fixation durations, MultiMatch "
            "agreement per recording)."
        )
        return ReportContent(
            tables=tables, figures=figures, measured=measured, text=text
        )
