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
    coef: np.ndarray, times: np.ndarray, info: Any, comment: str = "TRF"
) -> Any:
    """Wrap a forward TRF of one stimulus feature as an ``mne.EvokedArray``.

    Parameters
    ----------
    coef : ndarray of shape (n_channels, n_lags)
        TRF weights (output units per unit of the stimulus feature).
    times : ndarray of shape (n_lags,)
        Lag of every column, in seconds (evenly spaced at ``info["sfreq"]``).
    info : mne.Info
        Channels of the response, at the TRF's sampling frequency.
    comment : str
        Label of the evoked object.

    Returns
    -------
    evoked : mne.EvokedArray
        ``data`` is ``coef``, ``times`` are the lags.
    """
    import mne

    if coef.shape[0] != len(info["ch_names"]):
        raise ValidationError(
            f"coef has {coef.shape[0]} channels but info has {len(info['ch_names'])}"
        )
    return mne.EvokedArray(
        np.asarray(coef, dtype=np.float64),
        info,
        tmin=float(times[0]),
        comment=comment,
        nave=1,
        verbose=False,
    )
