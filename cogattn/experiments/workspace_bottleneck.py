"""The ``workspace_bottleneck`` experiment: a relational task, workspace vs pooling.

Each sample holds ``n_objects`` objects with ``d_feature`` features and a marker bit;
two objects are marked, and the label says whether their first features have the same
sign (a relation between two objects among distractors). One task trains one model on
``n_train`` samples for ``n_steps`` Adam steps and reports its accuracy on 2000 new
samples:

- ``"pooled"``: no bottleneck; objects encoded, mean- and max-pooled, read out by an
  MLP (a DeepSets baseline);
- ``"workspace"``: objects encoded as specialists that write to a
  :class:`cogattn.workspace.SharedWorkspace` of ``n_slots`` slots with top-``k``
  competition; the MLP reads the slots only. ``k = n_objects`` removes the competition.

Accuracy against the training-set size measures sample efficiency; repetitions give
seeds and error bars. The report states what is found, including no difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.seeding import check_random_state, torch_generator
from cogattn._core.validation import check_int, check_option
from cogattn.sim.params import Param
from cogattn.sim.registry import ReportContent, experiment

__all__ = [
    "MODELS",
    "VARIANTS",
    "WorkspaceBottleneck",
    "relational_task",
    "run_variant",
    "train_and_test",
]

MODELS = ("pooled", "workspace")
#: the grid's models: the pooled baseline, and workspaces named by top_k and n_slots
VARIANTS = ("pooled", *tuple(f"workspace_k{k}_s{s}" for s in (1, 4) for k in (1, 2, 6)))


def relational_task(
    n: int, n_objects: int = 6, d_feature: int = 4, *, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draw samples of the two-marked-objects relation task.

    Parameters
    ----------
    n : int
        Number of samples.
    n_objects : int
        Objects per sample (at least 2).
    d_feature : int
        Features per object.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    x : ndarray of shape (n, n_objects, d_feature + 1), float32
        Features, then the marker bit.
    y : ndarray of shape (n,), float32
        1 when the marked objects' first features have the same sign.
    """
    n = check_int(n, "n", low=1)
    n_objects = check_int(n_objects, "n_objects", low=2)
    d_feature = check_int(d_feature, "d_feature", low=1)
    rng = check_random_state(random_state)
    feats = rng.standard_normal((n, n_objects, d_feature))
    pick = np.argsort(rng.random((n, n_objects)), axis=1)[:, :2]
    marker = np.zeros((n, n_objects, 1))
    np.put_along_axis(marker, pick[..., None], 1.0, axis=1)
    a = np.take_along_axis(feats[..., 0], pick[:, :1], axis=1)[:, 0]
    b = np.take_along_axis(feats[..., 0], pick[:, 1:], axis=1)[:, 0]
    y = (a * b > 0).astype(np.float32)
    return np.concatenate([feats, marker], axis=2).astype(np.float32), y


def train_and_test(
    model: str,
    n_train: int,
    *,
    top_k: int = 2,
    n_slots: int = 2,
    n_objects: int = 6,
    d_feature: int = 4,
    d_hidden: int = 32,
    n_steps: int = 400,
    batch: int = 64,
    lr: float = 3e-3,
    random_state: Any = None,
) -> dict[str, float]:
    """Train one model on the relation task and test it on new samples.

    Parameters
    ----------
    model : {"pooled", "workspace"}
        The architecture.
    n_train : int
        Training samples.
    top_k, n_slots : int
        Writers and slots of the workspace (ignored by ``"pooled"``).
    n_objects, d_feature : int
        Task size.
    d_hidden : int
        Width of the encoders, slots and readout.
    n_steps, batch : int
        Adam steps and batch size.
    lr : float
        Learning rate.
    random_state : int | numpy.random.Generator | None
        Seed of the data, the initial weights and the batches.

    Returns
    -------
    out : dict of str to float
        ``test_accuracy``, ``train_accuracy``, ``final_loss``, ``n_parameters``.
    """
    import torch
    from torch import nn

    from cogattn.workspace.modules.shared_workspace import SharedWorkspace

    check_option(model, MODELS, "model")
    rng = check_random_state(random_state)
    x_tr, y_tr = relational_task(n_train, n_objects, d_feature, random_state=rng)
    x_te, y_te = relational_task(2000, n_objects, d_feature, random_state=rng)
    gen = torch_generator(rng)
    torch.manual_seed(int(rng.integers(0, 2**31 - 1)))
    d_in = d_feature + 1
    encoder = nn.Sequential(nn.Linear(d_in, d_hidden), nn.GELU(),
                            nn.Linear(d_hidden, d_hidden))  # fmt: skip
    if model == "workspace":
        ws = SharedWorkspace(
            d_hidden, n_slots=n_slots, d_slot=d_hidden, top_k=top_k,
            d_attention=d_hidden, device="cpu", random_state=rng,
        )  # fmt: skip
        head_in = n_slots * d_hidden
    else:
        ws = None
        head_in = 2 * d_hidden
    head = nn.Sequential(
        nn.Linear(head_in, d_hidden), nn.GELU(), nn.Linear(d_hidden, 1)
    )
    parts = [encoder, head] + ([ws] if ws is not None else [])
    params = [p for m in parts for p in m.parameters()]

    def logits(x: Any) -> Any:
        h = encoder(x)
        if ws is not None:
            z = ws(h).memory.flatten(1)
        else:
            z = torch.cat([h.mean(1), h.amax(1)], dim=1)
        return head(z)[:, 0]

    opt = torch.optim.Adam(params, lr=lr)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    loss = torch.tensor(float("nan"))
    for _ in range(check_int(n_steps, "n_steps", low=1)):
        idx = torch.randint(0, n_train, (min(batch, n_train),), generator=gen)
        loss = nn.functional.binary_cross_entropy_with_logits(logits(xt[idx]), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc_te = (logits(torch.from_numpy(x_te)) > 0).float() == torch.from_numpy(y_te)
        acc_tr = (logits(xt) > 0).float() == yt
    return {
        "test_accuracy": float(acc_te.float().mean()),
        "train_accuracy": float(acc_tr.float().mean()),
        "final_loss": float(loss.detach()),
        "n_parameters": float(sum(p.numel() for p in params)),
    }


def run_variant(
    variant: str,
    n_train: int,
    *,
    n_objects: int = 6,
    d_feature: int = 4,
    d_hidden: int = 32,
    n_steps: int = 400,
    random_state: Any = None,
) -> dict[str, float]:
    """Run :func:`train_and_test` for one of :data:`VARIANTS`.

    Parameters
    ----------
    variant : str
        ``"pooled"`` or ``"workspace_k<top_k>_s<n_slots>"``.
    n_train : int
        Training samples.
    n_objects, d_feature, d_hidden, n_steps : int
        As for :func:`train_and_test`.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    out : dict of str to float
        :func:`train_and_test`'s numbers, with ``top_k`` and ``n_slots`` (0 for the
        pooled baseline).
    """
    check_option(variant, VARIANTS, "variant")
    if variant == "pooled":
        model, top_k, n_slots = "pooled", 0, 0
    else:
        k, s = variant.split("_")[1:]
        model, top_k, n_slots = "workspace", int(k[1:]), int(s[1:])
    out = train_and_test(
        model, n_train, top_k=max(top_k, 1), n_slots=max(n_slots, 1),
        n_objects=n_objects, d_feature=d_feature, d_hidden=d_hidden,
        n_steps=n_steps, random_state=random_state,
    )  # fmt: skip
    return {**out, "top_k": float(top_k), "n_slots": float(n_slots)}


@experiment("workspace_bottleneck")
class WorkspaceBottleneck:
    """Relational task: shared workspace (top-k writes) against a pooled baseline."""

    @staticmethod
    def params() -> dict[str, Any]:
        """Return the parameters a spec may set (defaults: ``train_and_test``'s)."""
        from cogattn.sim.params import declare_params

        return declare_params(
            run_variant,
            variant=Param(str, choices=VARIANTS),
            n_train=Param(int, low=8, high=10_000_000),
            n_objects=Param(int, low=2, high=64),
            d_feature=Param(int, low=1, high=256),
            d_hidden=Param(int, low=1, high=4096),
            n_steps=Param(int, low=1, high=1_000_000),
        )

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Train and test one configuration with :func:`train_and_test`."""
        import torch

        from cogattn.experiments._params import call_with_params

        torch.set_num_threads(1)
        return call_with_params(run_variant, params, random_state=rng)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Mean and standard deviation of test accuracy per configuration.

        ``measured``: ``best_workspace_minus_pooled`` (at the largest ``n_train``),
        ``min_test_accuracy_largest`` (every configuration at the largest
        ``n_train``), ``pooled_test_accuracy_largest``,
        ``best_workspace_k2plus_largest`` (a relation between two objects needs at
        least two writers), ``competition_gain`` (best ``top_k < n_objects`` minus
        ``top_k = n_objects`` at the smallest ``n_train``).
        """
        table = getattr(results, "table", results).copy()
        table["model"] = np.where(table["variant"] == "pooled", "pooled", "workspace")
        keys = ["model", "top_k", "n_slots", "n_train"]
        summary = (
            table.groupby(keys)["test_accuracy"]
            .agg(["mean", "std", "count"])
            .reset_index()
        )
        largest, smallest = summary["n_train"].max(), summary["n_train"].min()
        big = summary[summary["n_train"] == largest]
        ws_big = big[big["model"] == "workspace"]["mean"]
        pooled_big = big[big["model"] == "pooled"]["mean"]
        measured: dict[str, float] = {
            "min_test_accuracy_largest": float(big["mean"].min()),
        }
        if len(pooled_big):
            measured["pooled_test_accuracy_largest"] = float(pooled_big.max())
        pairs = big[(big["model"] == "workspace") & (big["top_k"] >= 2)]["mean"]
        if len(pairs):
            measured["best_workspace_k2plus_largest"] = float(pairs.max())
        if len(ws_big) and len(pooled_big):
            measured["best_workspace_minus_pooled"] = float(
                ws_big.max() - pooled_big.max()
            )
        small = summary[
            (summary["n_train"] == smallest) & (summary["model"] == "workspace")
        ]
        n_obj = int(table["n_objects"].iloc[0]) if "n_objects" in table else 6
        full = small[small["top_k"] >= n_obj]["mean"]
        sparse = small[small["top_k"] < n_obj]["mean"]
        if len(full) and len(sparse):
            measured["competition_gain"] = float(sparse.max() - full.max())
        text = "; ".join(f"{k} = {v:.3f}" for k, v in measured.items())
        return ReportContent(
            tables={"test_accuracy": summary}, measured=measured, text=text
        )
