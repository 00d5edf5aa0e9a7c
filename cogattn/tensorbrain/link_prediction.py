"""One link-prediction run: load a bundled data set, fit a tensor model, evaluate.

:func:`run_link_prediction` is what one task of the ``kg_link_prediction``
experiment computes: it fits :class:`~cogattn.tensorbrain.KGEmbedding` on the
training split and reports filtered test metrics (both directions, realistic ties,
filtered by train + valid + test) with the process CPU seconds spent.
"""

from __future__ import annotations

import os
import time
from typing import Any

from cogattn.tensorbrain.datasets import load_kg_dataset
from cogattn.tensorbrain.training import KGEmbedding

__all__ = ["run_link_prediction"]


def run_link_prediction(
    dataset: str,
    model: str = "complex",
    *,
    dim: int = 128,
    n_epochs: int = 50,
    batch_size: int = 256,
    loss: str = "ce",
    label_smoothing: float = 0.0,
    regularizer: str = "n3",
    reg_weight: float = 5e-3,
    optimizer: str = "adagrad",
    lr: float = 0.1,
    reciprocal: bool = True,
    init_scale: float = 1e-3,
    split: str = "test",
    data_dir: str | os.PathLike | None = None,
    device: Any = None,
    random_state: Any = None,
    verbose: bool | str | int | None = None,
) -> dict[str, float]:
    """Fit ``model`` on a bundled data set and return its filtered metrics.

    Parameters
    ----------
    dataset : {"nations", "kinships", "umls"}
    model : {"rescal", "distmult", "complex", "tucker"}
    dim, n_epochs, batch_size, loss, label_smoothing, regularizer, reg_weight, \
optimizer, lr, reciprocal, init_scale
        As for :class:`~cogattn.tensorbrain.KGEmbedding`.
    split : {"test", "valid"}
        The split evaluated.
    data_dir : path-like | None
        Data folder holding ``kg/`` (``None``: ``$COGATTN_DATA``).
    device, random_state, verbose
        As for :class:`~cogattn.tensorbrain.KGEmbedding`.

    Returns
    -------
    out : dict of str to float
        ``mrr``, ``mean_rank``, ``hits@1``, ``hits@3``, ``hits@10`` (both
        directions) and their ``tail_`` / ``head_`` versions, ``cpu_s`` (process
        CPU seconds of fitting and evaluation) and ``fit_cpu_s``.
    """
    from cogattn._core.validation import check_option

    check_option(split, ("test", "valid"), "split")
    splits = load_kg_dataset(dataset, data_dir)
    t0 = time.process_time()
    est = KGEmbedding(
        model,
        dim,
        reciprocal=reciprocal,
        loss=loss,
        label_smoothing=label_smoothing,
        regularizer=regularizer,
        reg_weight=reg_weight,
        optimizer=optimizer,
        lr=lr,
        n_epochs=n_epochs,
        batch_size=batch_size,
        init_scale=init_scale,
        device=device,
        random_state=random_state,
        verbose=verbose,
    ).fit(splits.train)
    t1 = time.process_time()
    metrics = est.evaluate(getattr(splits, split), known=splits.all_triples())
    out = {k.replace("@", "_at_"): float(v) for k, v in metrics.items()}
    out["fit_cpu_s"] = t1 - t0
    out["cpu_s"] = time.process_time() - t0
    return out
