"""Sites where a multimodal model predicts responses better than unimodal models.

The analysis of vision-language integration sites in SEEG (Subramaniam et al. 2024,
ICLR, "Revealing vision-language integration in the brain with multimodal
networks"), on any recording with events:

1. :func:`event_windows`: the mean response of every channel (site) in a window
   after each event (e.g. high-gamma power 0-0.5 s after a movie cut);
2. :func:`cross_validated_predictions`: for each feature set (vision, language,
   their concatenation, a multimodal model), out-of-fold ridge predictions of every
   site (:class:`~cogattn.encoders.ridge.RidgeCV` chooses a penalty per site on the
   training folds only);
3. :func:`integration_sites`: per-site Pearson r of each set; paired differences
   ``r(multimodal) - r(other)`` bootstrapped over events with one set of resample
   indices shared by every comparison
   (:func:`~cogattn.encoders.stats.bootstrap_indices`);
   one-sided bootstrap p-values ``(1 + #{diff* <= 0}) / (1 + B)``;
   Benjamini-Hochberg FDR across sites for each comparison
   (:func:`~cogattn.encoders.stats.fdr_bh`). Decision rule: a site is an
   integration site when the multimodal model beats **every** unimodal model
   **and** the linear concatenation, each at FDR ``q``; it must also be predicted
   at all (``r(multimodal) > 0`` at FDR ``q``, the same bootstrap).

Requiring several rejections at one site (an intersection-union test) keeps the
rate of false integration sites at most ``q`` when each family is controlled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import (
    check_array,
    check_int,
    check_option,
    check_positive,
    is_tensor,
)
from cogattn.encoders.ridge import DEFAULT_ALPHAS, RidgeCV
from cogattn.encoders.scores import pearson_per_target
from cogattn.encoders.stats import bootstrap_indices, bootstrap_scores, fdr_bh

__all__ = [
    "SITE_KINDS",
    "cross_validated_predictions",
    "event_windows",
    "integration_sites",
    "simulate_integration_data",
]


def _np(x: Any) -> Any:
    return x.detach().cpu().numpy() if is_tensor(x) else x


def event_windows(
    data: Any,
    sfreq: float,
    onsets: Any,
    tmin: float = 0.0,
    tmax: float = 0.5,
    baseline: tuple[float, float] | None = None,
    average: bool = True,
) -> np.ndarray:
    """Cut event-aligned windows from a continuous recording.

    Parameters
    ----------
    data : array-like of shape (n_times, n_channels)
        Continuous signal (e.g. high-gamma envelope of each SEEG contact).
    sfreq : float
        Sampling frequency in Hz.
    onsets : array-like of shape (n_events,)
        Event onsets in seconds from the first sample.
    tmin, tmax : float
        Window around each onset, in seconds (``tmin < tmax``).
    baseline : tuple of float | None
        ``(start, stop)`` in seconds relative to the onset: its mean is subtracted
        from each window per channel.
    average : bool
        Return the window means (n_events, n_channels) instead of the windows.

    Returns
    -------
    windows : ndarray of shape (n_events, n_channels) or (n_events, n_channels,
        n_window_samples)
    """
    x = np.asarray(check_array(_np(data), "data", ndim=2, finite=False), dtype=float)
    if not np.isfinite(x).all():
        cols = np.flatnonzero((~np.isfinite(x)).any(axis=0))
        raise ValidationError(
            f"data has NaN or infinite values in {cols.size} channel(s) (first: "
            f"{cols[:5].tolist()}); drop or interpolate those channels first"
        )
    sfreq = check_positive(sfreq, "sfreq")
    on = np.asarray(check_array(_np(onsets), "onsets", ndim=1), dtype=float)
    if tmax <= tmin:
        raise ValidationError(f"tmax must be greater than tmin, got {tmin}, {tmax}")
    start = round(tmin * sfreq)
    stop = round(tmax * sfreq)
    stop = max(stop, start + 1)
    idx = np.round(on * sfreq).astype(int)
    lo, hi = idx + start, idx + stop
    if baseline is not None:
        b0, b1 = (round(b * sfreq) for b in baseline)
        lo = np.minimum(lo, idx + b0)
        hi = np.maximum(hi, idx + max(b1, b0 + 1))
    bad = np.flatnonzero((lo < 0) | (hi > x.shape[0]))
    if bad.size:
        raise ValidationError(
            f"{bad.size} event window(s) fall outside the recording of "
            f"{x.shape[0] / sfreq:.2f} s (first: event {bad[0]} at {on[bad[0]]:.3f} s)"
        )
    win = x[(idx[:, None] + np.arange(start, stop)[None, :])]  # (n_ev, n_win, n_ch)
    if baseline is not None:
        base = x[(idx[:, None] + np.arange(b0, max(b1, b0 + 1))[None, :])]
        win = win - base.mean(axis=1, keepdims=True)
    win = win.transpose(0, 2, 1)
    return win.mean(axis=2) if average else win


def _folds(n: int, n_folds: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    order = np.arange(n) if rng is None else rng.permutation(n)
    return [np.sort(f) for f in np.array_split(order, n_folds)]


def cross_validated_predictions(
    features: Any,
    responses: Any,
    n_folds: int = 5,
    alphas: Any = DEFAULT_ALPHAS,
    shuffle: bool = True,
    random_state: Any = None,
) -> np.ndarray:
    """Out-of-fold ridge predictions of every site from one feature set.

    Parameters
    ----------
    features : array-like of shape (n_events, n_features)
    responses : array-like of shape (n_events, n_sites)
    n_folds : int
        Outer folds; each site's penalty is chosen by inner cross-validation on
        the training folds (:class:`RidgeCV`, R^2).
    alphas : array-like
        Candidate penalties.
    shuffle : bool
        Shuffle events into folds (events are exchangeable); else contiguous.
    random_state : int | numpy.random.Generator | None
        Fold assignment when shuffling.

    Returns
    -------
    predictions : ndarray of shape (n_events, n_sites)
    """
    x = np.asarray(check_array(_np(features), "features", ndim=2), dtype=float)
    y = np.asarray(check_array(_np(responses), "responses", ndim=2), dtype=float)
    if x.shape[0] != y.shape[0]:
        raise ValidationError(
            f"features and responses must have one row per event, got {x.shape[0]} "
            f"and {y.shape[0]}"
        )
    n_folds = check_int(n_folds, "n_folds", low=2, high=x.shape[0] // 2)
    rng = check_random_state(random_state) if shuffle else None
    pred = np.empty_like(y)
    for test in _folds(x.shape[0], n_folds, rng):
        train = np.setdiff1d(np.arange(x.shape[0]), test)
        model = RidgeCV(alphas=alphas, cv=5).fit(x[train], y[train])
        pred[test] = np.asarray(model.predict(x[test]))
    return pred


def integration_sites(
    responses: Any,
    feature_sets: Mapping[str, Any],
    multimodal: str = "multimodal",
    unimodal: Sequence[str] = ("vision", "language"),
    concatenation: str | None = "concatenation",
    q: float = 0.05,
    n_boot: int = 1000,
    n_folds: int = 5,
    alphas: Any = DEFAULT_ALPHAS,
    predictions: Mapping[str, Any] | None = None,
    random_state: Any = None,
) -> dict[str, Any]:
    """Per-site comparison of a multimodal model against unimodal ones.

    Parameters
    ----------
    responses : array-like of shape (n_events, n_sites)
        Event-window responses (see :func:`event_windows`).
    feature_sets : mapping of name -> array-like of shape (n_events, n_features)
        Must hold ``multimodal`` and every name in ``unimodal``; when
        ``concatenation`` is not among them it is built from the unimodal sets
        (each z-scored, then stacked).
    multimodal : str
        Name of the multimodal feature set.
    unimodal : sequence of str
        Names of the unimodal sets (at least one).
    concatenation : str | None
        Name of the linear-concatenation baseline; ``None`` leaves it out of the rule.
    q : float
        FDR level of every family of tests.
    n_boot : int
        Bootstrap resamples of the events, shared by all comparisons.
    n_folds : int
        Outer cross-validation folds.
    alphas : array-like
        Ridge penalties.
    predictions : mapping of name -> array-like of shape (n_events, n_sites) | None
        Out-of-fold predictions already computed (skips the ridge fits).
    random_state : int | numpy.random.Generator | None
        Fold assignment and bootstrap resamples.

    Returns
    -------
    result : dict
        ``"r"``: dict name -> (n_sites,) out-of-fold Pearson r; ``"diff"``,
        ``"p"``, ``"p_fdr"``, ``"reject"``: dicts keyed by the compared set (and
        ``"zero"`` for ``r(multimodal) > 0``), each (n_sites,); ``"is_site"``:
        (n_sites,) bool, the decision rule; ``"indices"``: the shared bootstrap
        indices (n_boot, n_events).
    """
    y = np.asarray(check_array(_np(responses), "responses", ndim=2, finite=False))
    if not np.isfinite(y).all():
        cols = np.flatnonzero((~np.isfinite(y)).any(axis=0))
        raise ValidationError(
            f"responses has NaN or infinite values at {cols.size} site(s) (first: "
            f"{cols[:5].tolist()}); drop those sites first"
        )
    y = y.astype(float)
    n = y.shape[0]
    if n < 20:
        raise ValidationError(f"integration_sites needs at least 20 events, got {n}")
    if not unimodal:
        raise ValidationError("unimodal must name at least one feature set")
    q = check_positive(q, "q")
    if q >= 1:
        raise ValidationError(f"q must be in (0, 1), got {q}")
    rng = check_random_state(random_state)
    sets = dict(feature_sets)
    needed = [multimodal, *unimodal]
    missing = [
        k for k in needed if k not in sets and (predictions or {}).get(k) is None
    ]
    if missing:
        raise ValidationError(f"feature_sets lacks {missing}; it has {sorted(sets)}")
    have_concat = predictions is not None and concatenation in predictions
    if concatenation is not None and concatenation not in sets and not have_concat:
        blocks = []
        for k in unimodal:
            f = np.asarray(check_array(_np(sets[k]), k, ndim=2), dtype=float)
            sd = f.std(axis=0)
            blocks.append((f - f.mean(axis=0)) / np.where(sd > 0, sd, 1.0))
        sets[concatenation] = np.hstack(blocks)
    names = [multimodal, *unimodal] + ([concatenation] if concatenation else [])
    fold_seed = int(rng.integers(0, 2**31 - 1))
    preds = {}
    for k in names:
        given = None if predictions is None else predictions.get(k)
        if given is not None:
            p = np.asarray(check_array(_np(given), f"predictions[{k!r}]", ndim=2))
            if p.shape != y.shape:
                raise ValidationError(
                    f"predictions[{k!r}] must have shape {y.shape}, got {p.shape}"
                )
            preds[k] = p.astype(float)
        else:
            f = sets[k]
            if np.shape(f)[0] != n:
                raise ValidationError(
                    f"feature set {k!r} has {np.shape(f)[0]} rows; responses have "
                    f"{n} events"
                )
            preds[k] = cross_validated_predictions(
                f, y, n_folds, alphas, True, fold_seed
            )
    r = {k: pearson_per_target(y, preds[k]) for k in names}
    idx = bootstrap_indices(n, check_int(n_boot, "n_boot", low=100), 1, rng)
    boot = {k: bootstrap_scores(y, preds[k], idx) for k in names}
    diff, pvals, p_fdr, reject = {}, {}, {}, {}
    others = [k for k in names if k != multimodal]
    for k in [*others, "zero"]:
        if k == "zero":
            d, bd = r[multimodal], boot[multimodal]
        else:
            d, bd = r[multimodal] - r[k], boot[multimodal] - boot[k]
        p = (1.0 + (bd <= 0).sum(axis=0)) / (1.0 + idx.shape[0])
        rej, adj = fdr_bh(p, alpha=q)
        diff[k], pvals[k], p_fdr[k], reject[k] = d, p, adj, rej
    is_site = np.logical_and.reduce([reject[k] for k in [*others, "zero"]])
    return {
        "r": r,
        "diff": diff,
        "p": pvals,
        "p_fdr": p_fdr,
        "reject": reject,
        "is_site": is_site,
        "indices": idx,
    }


#: Kinds of planted sites in :func:`simulate_integration_data`.
SITE_KINDS = ("none", "vision", "language", "additive", "integration")


def simulate_integration_data(
    n_events: int = 400,
    n_sites: int = 100,
    fractions: Sequence[float] = (0.3, 0.15, 0.15, 0.2, 0.2),
    n_latent: int = 6,
    n_features: int = 24,
    snr: float = 0.5,
    multimodal_model: str = "interaction",
    random_state: Any = None,
) -> dict[str, Any]:
    """Simulate SEEG event responses with planted vision-language integration sites.

    Latent vision ``v`` and language ``l`` variables (n_events x n_latent) drive
    noisy feature sets: ``vision = v A + e``, ``language = l B + e`` and a
    multimodal model ``[vision, language, (v_k l_k)_k C + e]`` whose extra block
    encodes the products of matched latents (a cross-modal interaction no linear
    map of the concatenation can express). Sites respond to nothing, to ``v``,
    to ``l``, to ``v`` and ``l`` additively, or to their products (integration
    sites, plus a weaker additive part), with Gaussian noise scaled so that the
    signal-to-noise variance ratio is ``snr``.

    Parameters
    ----------
    n_events, n_sites : int
    fractions : sequence of 5 float
        Share of sites of each kind in :data:`SITE_KINDS`, summing to 1.
    n_latent, n_features : int
        Latent dimensions per modality and features per set block.
    snr : float
        Signal-to-noise variance ratio of the responsive sites.
    multimodal_model : {"interaction", "null"}
        ``"null"`` replaces the multimodal model's interaction block by features of
        unrelated latents: the model then has no advantage anywhere, so every
        declared integration site is a false positive.
    random_state : int | numpy.random.Generator | None

    Returns
    -------
    data : dict
        ``"responses"`` (n_events, n_sites); ``"feature_sets"`` (``"vision"``,
        ``"language"``, ``"multimodal"``); ``"kind"`` (n_sites,) str;
        ``"planted"`` (n_sites,) bool, the integration sites.
    """
    rng = check_random_state(random_state)
    n_events = check_int(n_events, "n_events", low=20)
    n_sites = check_int(n_sites, "n_sites", low=1)
    frac = np.asarray(fractions, dtype=float)
    if (
        frac.shape != (len(SITE_KINDS),)
        or np.any(frac < 0)
        or abs(frac.sum() - 1) > 1e-9
    ):
        raise ValidationError(
            f"fractions must be {len(SITE_KINDS)} non-negative shares summing to 1 "
            f"(for {SITE_KINDS}), got {list(fractions)}"
        )
    snr = check_positive(snr, "snr")
    model = check_option(multimodal_model, ("interaction", "null"), "multimodal_model")
    k, p = (
        check_int(n_latent, "n_latent", low=1),
        check_int(n_features, "n_features", low=1),
    )
    v = rng.standard_normal((n_events, k))
    lang = rng.standard_normal((n_events, k))
    inter = v * lang

    def block(z: np.ndarray) -> np.ndarray:
        f = z @ rng.standard_normal((z.shape[1], p)) / np.sqrt(z.shape[1])
        return f + 0.3 * rng.standard_normal(f.shape)

    vision, language = block(v), block(lang)
    extra = inter if model == "interaction" else rng.standard_normal(inter.shape)
    multimodal = np.hstack([vision, language, block(extra)])
    counts = np.floor(frac * n_sites).astype(int)
    counts[0] += n_sites - counts.sum()
    kind = np.repeat(np.array(SITE_KINDS), counts)
    rng.shuffle(kind)
    y = np.empty((n_events, n_sites))
    for j, kd in enumerate(kind):
        wv, wl, wi = (rng.standard_normal(k) for _ in range(3))
        if kd == "none":
            signal = np.zeros(n_events)
        elif kd == "vision":
            signal = v @ wv
        elif kd == "language":
            signal = lang @ wl
        elif kd == "additive":
            signal = v @ wv + lang @ wl
        else:
            signal = inter @ wi + 0.5 * (v @ wv + lang @ wl)
        sd = signal.std()
        noise = rng.standard_normal(n_events)
        y[:, j] = noise if sd == 0 else signal / sd * np.sqrt(snr) + noise
    return {
        "responses": y,
        "feature_sets": {
            "vision": vision,
            "language": language,
            "multimodal": multimodal,
        },
        "kind": kind,
        "planted": kind == "integration",
    }
