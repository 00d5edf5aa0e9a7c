"""MNE-Python objects in and out: ``Raw`` / ``Epochs`` to trials, TRFs to ``Evoked``.

MNE is imported only when one of these functions runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError

__all__ = ["is_mne_instance", "mne_to_trials", "trf_to_evoked"]


def is_mne_instance(obj: Any) -> bool:
    """Whether ``obj`` is an ``mne.io.Raw`` or ``mne.Epochs`` (without importing MNE).

    Parameters
    ----------
    obj : object
        Anything.

    Returns
    -------
    bool
    """
    module = type(obj).__module__
    if not module.startswith("mne"):
        return False
    import mne

    return isinstance(obj, (mne.io.BaseRaw, mne.BaseEpochs))


def mne_to_trials(inst: Any, picks: Any = None) -> tuple[list[np.ndarray], Any]:
    """Convert ``Raw`` (one trial) or ``Epochs`` (one trial per epoch) to arrays.

    Parameters
    ----------
    inst : mne.io.Raw | mne.Epochs
        The recording.
    picks : str | list | slice | None
        Channels, as MNE's ``picks`` (``None``: all data channels).

    Returns
    -------
    trials : list of ndarray of shape (n_times, n_channels)
        Data in MNE's units (volts for EEG).
    info : mne.Info
        Measurement info restricted to the picked channels.
    """
    import mne

    if not isinstance(inst, (mne.io.BaseRaw, mne.BaseEpochs)):
        raise ValidationError(
            f"expected mne.io.Raw or mne.Epochs, got {type(inst).__name__}"
        )
    try:
        picked = inst.copy().pick("data" if picks is None else picks)
    except (ValueError, TypeError) as err:
        raise ValidationError(f"invalid picks {picks!r}: {err}") from None
    info = picked.info
    data = picked.get_data()
    if isinstance(inst, mne.io.BaseRaw):
        trials = [np.ascontiguousarray(data.T)]
    else:
        trials = [np.ascontiguousarray(ep.T) for ep in data]
    return trials, info


def trf_to_evoked(
    coef: Any,
    times: Any = None,
    info: Any = None,
    comment: str | None = None,
    *,
    feature: int = 0,
) -> Any:
    """Wrap a forward TRF of one stimulus feature as an ``mne.EvokedArray``.

    Parameters
    ----------
    coef : ndarray of shape (n_channels, n_lags) | TRF
        TRF weights (output units per unit of the stimulus feature), or a fitted
        forward :class:`~cogattn.encoders.trf.TRF`, whose ``coef_[:, feature]``,
        ``times_`` and ``info_`` are then used.
    times : ndarray of shape (n_lags,) | None
        Lag of every column, in seconds (evenly spaced at ``info["sfreq"]``);
        ``None``: the model's ``times_`` (needed with a coef array).
    info : mne.Info | None
        Channels of the response, at the TRF's sampling frequency; ``None``: the
        model's ``info_`` (set when it was fitted on an MNE response; needed with a
        coef array).
    comment : str | None
        Label of the evoked object (``None``: ``"TRF {feature}"`` for a model, else
        ``"TRF"``).
    feature : int
        Stimulus feature of a model (ignored with a coef array).

    Returns
    -------
    evoked : mne.EvokedArray
        ``data`` is ``coef``, ``times`` are the lags.
    """
    import mne

    if hasattr(coef, "get_params") and hasattr(coef, "direction"):  # a TRF
        coef, times, info, comment = _from_model(coef, times, info, comment, feature)
    else:
        comment = "TRF" if comment is None else comment
        missing = [n for n, v in (("times", times), ("info", info)) if v is None]
        if missing:
            raise ValidationError(
                f"trf_to_evoked needs {' and '.join(missing)} with a coef array; pass "
                "them, or pass the fitted TRF itself: trf_to_evoked(model)"
            )
    coef = np.asarray(coef, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    if coef.ndim != 2:
        raise ValidationError(
            f"coef must have shape (n_channels, n_lags), got {coef.shape}"
        )
    if coef.shape[0] != len(info["ch_names"]):
        raise ValidationError(
            f"coef has {coef.shape[0]} channels but info has {len(info['ch_names'])}"
        )
    if times.shape != (coef.shape[1],):
        raise ValidationError(
            f"times must have one entry per lag ({coef.shape[1]}), got shape "
            f"{times.shape}"
        )
    return mne.EvokedArray(
        coef, info, tmin=float(times[0]), comment=comment, nave=1, verbose=False
    )


def _from_model(
    model: Any, times: Any, info: Any, comment: str | None, feature: int
) -> tuple[np.ndarray, Any, Any, str]:
    """Coefficients, lags, channels and label of one feature of a fitted TRF."""
    from cogattn._core.validation import check_int

    if not hasattr(model, "coef_"):
        raise ValidationError("this TRF is not fitted yet; call fit() first")
    if model.direction != "forward":
        raise ValidationError(
            "to_evoked needs a forward model (channels x lags); this TRF has "
            "direction='backward' (see patterns_)"
        )
    feature = check_int(feature, "feature", low=0, high=model.n_features_in_ - 1)
    info = getattr(model, "info_", None) if info is None else info
    if info is None:
        raise ValidationError(
            "no channel info: fit with an mne.io.Raw / mne.Epochs response or "
            "pass info=mne.create_info(...)"
        )
    times = model.times_ if times is None else times
    comment = f"TRF {feature}" if comment is None else comment
    return model.coef_[:, feature, :], times, info, comment
