"""Running one searcher over every display of a search-asymmetry paradigm.

:func:`run_paradigm` renders both conditions and every set size of a paradigm
(``n_trials`` displays each, the easy and hard displays of a set size sharing their
layouts), runs the searcher on them, converts fixations to reaction times (eccNET's
``RT = 252.359 n + 376.271`` ms, a trial not found counting ``set_size`` fixations)
and fits the search slopes and the asymmetry index with its bootstrap interval. The
``search_asymmetry`` experiment (:mod:`cogattn.experiments.search_asymmetry`) runs it
once per (paradigm, model variant).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from cogattn._core.progress import progress_bar
from cogattn._core.validation import check_int, check_option

__all__ = ["run_paradigm"]


def _cell_seed(stimulus_seed: int, paradigm: str, set_size: int) -> int:
    # no condition: the easy and hard displays of a set size share their layouts
    words = [stimulus_seed, *paradigm.encode(), set_size]
    return int(np.random.SeedSequence(words).generate_state(1)[0])


def run_paradigm(
    paradigm: str,
    variant: str = "eccnet",
    *,
    n_trials: int = 30,
    stimulus_seed: int = 0,
    random_state: Any = None,
    px_per_degree: float = 30.0,
    model: Any = None,
    cue: str = "display",
    orientations: str = "published",
    verbose: bool | str | int | None = None,
    **model_kwargs: Any,
) -> dict[str, Any]:
    """Run one model variant on both conditions and all set sizes of a paradigm.

    Parameters
    ----------
    paradigm : str
        One of :data:`cogattn.search.displays.PARADIGMS`.
    variant : str
        One of :data:`cogattn.search.variants.VARIANTS` (ignored when ``model`` is
        given).
    n_trials : int
        Displays per condition and set size.
    stimulus_seed : int
        Seed of the displays (the same for every variant).
    random_state : int | numpy.random.Generator | None
        Seed of the model's own randomness (the ``chance`` variant).
    px_per_degree : float
        Pixels per degree of visual angle of the displays.
    model : object | None
        A ready searcher (with ``search``); built from ``variant`` when None.
    cue : {"display", "upright"}
        The target image given to the searcher: the target as drawn in each
        display (``trials.targets``, eccNET's protocol) or its upright drawing
        (``trials.target``; differs only where items are turned: intersection and
        T vs L).
    orientations : {"published", "rotations"}
        The four drawings of the turned items of intersection and T vs L: those of
        the published eccNET stimuli or the four quarter turns (see
        :mod:`cogattn.search.paradigms`).
    verbose : bool | str | int | None
        Progress bar over the (condition, set size) cells (``False``: silent;
        ``None``: shown on a terminal when the log level allows it); the
        searcher's own bars are silenced.
    **model_kwargs
        Passed to :func:`cogattn.search.variants.make_search_model`.

    Returns
    -------
    out : dict
        Scalars ``slope_easy``, ``slope_hard`` (ms/item), ``ai``, its 95 %
        bootstrap interval ``ai_low``, ``ai_high`` and ``p_reversed`` (see
        :func:`~cogattn.search.asymmetry_bootstrap.asymmetry_index_ci`), ``found_rate``,
        ``fix_<condition>_<set size>`` (mean fixations) and
        ``found_<condition>_<set size>``, and per-trial arrays ``n_fixations``,
        ``found``, ``set_size``, ``hard`` (1 for the hard condition), ``rt`` (ms).
    """
    from cogattn.search.analysis import (
        asymmetry_index,
        fixations_to_rt,
        search_slopes,
    )
    from cogattn.search.asymmetry_bootstrap import asymmetry_index_ci
    from cogattn.search.displays import make_trials
    from cogattn.search.paradigms import ORIENTATIONS, PARADIGMS, get_spec
    from cogattn.search.variants import make_search_model

    check_option(paradigm, PARADIGMS, "paradigm")
    check_option(cue, ("display", "upright"), "cue")
    check_option(orientations, ORIENTATIONS, "orientations")
    n_trials = check_int(n_trials, "n_trials", low=1)
    stimulus_seed = check_int(stimulus_seed, "stimulus_seed", low=0)
    if model is None:
        model = make_search_model(variant, random_state=random_state, **model_kwargs)
    out: dict[str, Any] = {}
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("n_fixations", "found", "set_size", "hard")
    }
    # searchers of cogattn take verbose; a user's own model may not
    quiet = (
        {"verbose": False}
        if "verbose" in inspect.signature(model.search).parameters
        else {}
    )
    cells = [
        (condition, set_size)
        for condition in ("easy", "hard")
        for set_size in get_spec(paradigm).set_sizes
    ]
    # a handful of cells, each one batch
    for condition, set_size in progress_bar(
        cells, desc=paradigm, verbose=verbose, unit="cell"
    ):
        trials = make_trials(
            paradigm,
            condition,
            set_size,
            n_trials,
            random_state=_cell_seed(stimulus_seed, paradigm, set_size),
            px_per_degree=px_per_degree,
            orientations=orientations,
        )
        target = trials.targets if cue == "display" else trials.target
        res = model.search(
            trials.images, target, trials.target_masks, trials.item_boxes, **quiet
        )
        out[f"fix_{condition}_{set_size}"] = float(res.n_fixations.mean())
        out[f"found_{condition}_{set_size}"] = float(res.found.mean())
        cols["n_fixations"].append(res.n_fixations.astype(np.int64))
        cols["found"].append(res.found.astype(bool))
        cols["set_size"].append(np.full(n_trials, set_size, np.int64))
        cols["hard"].append(np.full(n_trials, condition == "hard", np.int64))
    arrays = {k: np.concatenate(v) for k, v in cols.items()}
    rt = np.asarray(
        fixations_to_rt(arrays["n_fixations"], arrays["found"], arrays["set_size"])
    )
    labels = np.where(arrays["hard"] == 1, "hard", "easy")
    slopes = search_slopes(rt, arrays["set_size"], labels)
    out["slope_easy"] = float(slopes["easy"])
    out["slope_hard"] = float(slopes["hard"])
    out["ai"] = float(asymmetry_index(slopes["easy"], slopes["hard"]))
    ci = asymmetry_index_ci(
        rt,
        arrays["set_size"],
        arrays["hard"],
        random_state=stimulus_seed,
        paired=True,
    )
    out.update({k: ci[k] for k in ("ai_low", "ai_high", "p_reversed")})
    out["found_rate"] = float(arrays["found"].mean())
    out.update(arrays)
    out["rt"] = rt
    return out
