"""The ``sparse_factors`` experiment: a sparse factor read through a bottleneck.

The consciousness prior (Bengio 2017) says that high-level variables are joined by a
sparse factor graph: each factor touches only a few variables, so a conscious state
of a few selected elements should suffice, and should generalise better than a
readout of everything. This experiment puts that claim to a small test.

Each sample is an unconscious state of ``n_elements`` elements, each with
``d_feature`` features and a cue bit. ``arity`` elements are cued; the label is one
factor of those elements only, the parity of the signs of their first features
(``factor="parity"``: ``prod_i sign(x_i0) > 0``, every cued element matters jointly)
or the sign of their sum (``factor="sum"``: ``sum_i x_i0 > 0``); the other elements
are distractors. One task trains one
model on ``n_train`` samples for ``n_steps`` Adam steps and reports its accuracy on
2000 new samples drawn like the training set (in distribution) and on 2000 samples
whose distractors come from a shifted, wider distribution (out of distribution,
``ood_shift`` and ``ood_scale``); the bottlenecks are also tested on samples with
twice as many elements (the dense readout cannot take them):

- ``"dense"``: no bottleneck; elements encoded by a shared MLP, concatenated and
  read out by an MLP (a dense readout over every element);
- ``"bottleneck_k<k>"``: the same encoder, a
  :class:`cogattn.workspace.ConsciousnessBottleneck` that selects ``k`` elements
  (Gumbel noise in training), and the same readout over the ``k`` conscious
  elements only. ``"bottleneck_kall"`` selects every element: no bottleneck, but
  the elements reach the readout sorted by attention.

Accuracy against ``n_train`` measures sample efficiency; repetitions give seeds and
95% intervals. The report states what is found, whichever way it goes.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from cogattn._core.seeding import check_random_state, torch_generator
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.sim.params import Param
from cogattn.sim.registry import ReportContent, experiment

__all__ = [
    "FACTORS",
    "VARIANTS",
    "SparseFactors",
    "run_variant",
    "sparse_factor_task",
    "summarise",
    "train_and_test",
]

#: the factors the label can be
FACTORS = ("parity", "sum")
#: the dense readout, and bottlenecks named by the size of their conscious state
VARIANTS = ("dense", *(f"bottleneck_k{k}" for k in ("1", "2", "3", "4", "8", "all")))


def sparse_factor_task(
    n: int,
    n_elements: int = 16,
    d_feature: int = 4,
    arity: int = 2,
    factor: str = "parity",
    *,
    distractor_shift: float = 0.0,
    distractor_scale: float = 1.0,
    random_state: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw samples whose label is one sparse factor of a few cued elements.

    Parameters
    ----------
    n : int
        Number of samples.
    n_elements : int
        Elements per sample (at least ``arity``).
    d_feature : int
        Features per element.
    arity : int
        Number of cued elements the factor depends on.
    factor : {"parity", "sum"}
        The factor: ``"parity"`` is 1 when the product of the signs of the cued
        elements' first features is positive (every cued element matters jointly);
        ``"sum"`` is 1 when the sum of those features is positive (a threshold of a
        sum, which a readout can build one element at a time).
    distractor_shift : float
        Added to every feature of the elements that are not cued.
    distractor_scale : float
        Standard deviation of those features (the cued ones have 1).
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    x : ndarray of shape (n, n_elements, d_feature + 1), float32
        Features, then the cue bit.
    y : ndarray of shape (n,), float32
        The factor's value, 0 or 1.
    """
    n = check_int(n, "n", low=1)
    arity = check_int(arity, "arity", low=1)
    n_elements = check_int(n_elements, "n_elements", low=arity)
    d_feature = check_int(d_feature, "d_feature", low=1)
    distractor_scale = check_positive(distractor_scale, "distractor_scale")
    distractor_shift = float(distractor_shift)
    check_option(factor, FACTORS, "factor")
    rng = check_random_state(random_state)
    feats = rng.standard_normal((n, n_elements, d_feature))
    pick = np.argsort(rng.random((n, n_elements)), axis=1)[:, :arity]
    cue = np.zeros((n, n_elements, 1))
    np.put_along_axis(cue, pick[..., None], 1.0, axis=1)
    feats = np.where(
        cue > 0, feats, distractor_shift + distractor_scale * feats
    )  # fmt: skip
    first = np.take_along_axis(feats[..., 0], pick, axis=1)
    if factor == "parity":
        y = (np.sign(first).prod(axis=1) > 0).astype(np.float32)
    else:
        y = (first.sum(axis=1) > 0).astype(np.float32)
    return np.concatenate([feats, cue], axis=2).astype(np.float32), y


def train_and_test(
    top_k: int | None,
    n_train: int,
    *,
    n_elements: int = 16,
    d_feature: int = 4,
    arity: int = 2,
    factor: str = "parity",
    d_hidden: int = 32,
    n_steps: int = 400,
    batch: int = 64,
    lr: float = 3e-3,
    noise: float = 0.5,
    ood_shift: float = 1.0,
    ood_scale: float = 2.0,
    random_state: Any = None,
) -> dict[str, float]:
    """Train one model on the sparse-factor task; test it in and out of distribution.

    Parameters
    ----------
    top_k : int | None
        Size of the conscious state; ``None`` is the dense readout.
    n_train : int
        Training samples.
    n_elements, d_feature, arity : int
        Task size (see :func:`sparse_factor_task`).
    factor : {"parity", "sum"}
        The label's factor (see :func:`sparse_factor_task`).
    d_hidden : int
        Width of the element encoder and of the readout.
    n_steps, batch : int
        Adam steps and batch size.
    lr : float
        Learning rate.
    noise : float
        Scale of the bottleneck's Gumbel selection noise in training.
    ood_shift, ood_scale : float
        Distractor shift and scale of the out-of-distribution test set.
    random_state : int | numpy.random.Generator | None
        Seed of the data, the initial weights, the batches and the noise.

    Returns
    -------
    out : dict of str to float
        ``test_accuracy``, ``ood_accuracy``, ``more_accuracy`` (the trained
        selection and readout on samples with ``2 * n_elements`` elements, drawn
        like the training set; NaN for the dense readout, whose input size is
        fixed), ``train_accuracy``, ``final_loss``,
        ``n_parameters`` (those the readout uses; the verifier is not trained) and
        ``cue_recall`` (fraction of cued elements in the conscious state on the
        in-distribution test set; 1 for the dense readout).
    """
    import torch
    from torch import nn

    from cogattn.workspace.modules.consciousness import ConsciousnessBottleneck

    n_train = check_int(n_train, "n_train", low=1)
    n_elements = check_int(n_elements, "n_elements", low=1)
    d_hidden = check_int(d_hidden, "d_hidden", low=1)
    rng = check_random_state(random_state)
    task = {"n_elements": n_elements, "d_feature": d_feature, "arity": arity,
            "factor": factor}  # fmt: skip
    x_tr, y_tr = sparse_factor_task(n_train, **task, random_state=rng)
    x_te, y_te = sparse_factor_task(2000, **task, random_state=rng)
    x_ood, y_ood = sparse_factor_task(
        2000, **task, distractor_shift=ood_shift, distractor_scale=ood_scale,
        random_state=rng,
    )  # fmt: skip
    gen = torch_generator(rng)
    torch.manual_seed(int(rng.integers(0, 2**31 - 1)))
    encoder = nn.Sequential(nn.Linear(d_feature + 1, d_hidden), nn.GELU(),
                            nn.Linear(d_hidden, d_hidden))  # fmt: skip
    if top_k is None:
        bottleneck = None
        n_read = n_elements
    else:
        bottleneck = ConsciousnessBottleneck(
            n_elements, d_hidden, top_k=top_k, d_attention=d_hidden, d_hidden=1,
            noise=noise, device="cpu", random_state=rng,
        )  # fmt: skip
        n_read = bottleneck.top_k
    head = nn.Sequential(
        nn.Linear(n_read * d_hidden, d_hidden), nn.GELU(), nn.Linear(d_hidden, 1)
    )
    params = [*encoder.parameters(), *head.parameters()]
    if bottleneck is not None:  # the selection only: the verifier is not trained
        params += [bottleneck.first_query, *bottleneck.w_key.parameters()]

    def forward(x: Any, select: Any = None) -> tuple[Any, Any]:
        h = encoder(x)
        if bottleneck is None:
            return head(h.flatten(1))[:, 0], None
        step = (select or bottleneck)(h)
        return head(step.conscious.flatten(1))[:, 0], step.indices

    opt = torch.optim.Adam(params, lr=lr)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    loss = torch.tensor(float("nan"))
    if bottleneck is not None:
        bottleneck.train()
    for _ in range(check_int(n_steps, "n_steps", low=1)):
        idx = torch.randint(0, n_train, (min(batch, n_train),), generator=gen)
        out, _ = forward(xt[idx])
        loss = nn.functional.binary_cross_entropy_with_logits(out, yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    if bottleneck is not None:
        bottleneck.eval()

    def accuracy(
        x: np.ndarray, y: np.ndarray, select: Any = None
    ) -> tuple[float, float]:
        xx = torch.from_numpy(x)
        out, picked = forward(xx, select)
        acc = float(((out > 0).float() == torch.from_numpy(y)).float().mean())
        if picked is None:
            return acc, 1.0
        cued = torch.gather(xx[..., -1], 1, picked).sum(1)
        return acc, float(cued.mean()) / float(x[0, :, -1].sum())

    with torch.no_grad():
        acc_te, recall = accuracy(x_te, y_te)
        acc_ood, _ = accuracy(x_ood, y_ood)
        acc_tr, _ = accuracy(x_tr, y_tr)
        acc_more = float("nan")
        if bottleneck is not None:  # the trained selection over twice the elements
            wide = ConsciousnessBottleneck(
                2 * n_elements, d_hidden, top_k=bottleneck.top_k,
                d_attention=d_hidden, d_hidden=1, device="cpu", random_state=0,
            ).eval()  # fmt: skip
            wide.first_query.copy_(bottleneck.first_query)
            wide.w_key.load_state_dict(bottleneck.w_key.state_dict())
            x_more, y_more = sparse_factor_task(
                2000, **{**task, "n_elements": 2 * n_elements}, random_state=rng
            )
            acc_more, _ = accuracy(x_more, y_more, wide)
    return {
        "test_accuracy": acc_te,
        "ood_accuracy": acc_ood,
        "more_accuracy": acc_more,
        "train_accuracy": acc_tr,
        "final_loss": float(loss.detach()),
        "n_parameters": float(sum(p.numel() for p in params)),
        "cue_recall": recall,
    }


def run_variant(
    variant: str,
    n_train: int,
    *,
    n_elements: int = 16,
    d_feature: int = 4,
    arity: int = 2,
    factor: str = "parity",
    d_hidden: int = 32,
    n_steps: int = 400,
    noise: float = 0.5,
    ood_shift: float = 1.0,
    ood_scale: float = 2.0,
    random_state: Any = None,
) -> dict[str, float]:
    """Run :func:`train_and_test` for one of :data:`VARIANTS`.

    Parameters
    ----------
    variant : str
        ``"dense"`` or ``"bottleneck_k<k>"`` (``k`` a number or ``"all"``).
    n_train : int
        Training samples.
    n_elements, d_feature, arity, d_hidden, n_steps : int
        As for :func:`train_and_test`.
    factor : {"parity", "sum"}
        As for :func:`train_and_test`.
    noise, ood_shift, ood_scale : float
        As for :func:`train_and_test`.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    out : dict of str to float
        :func:`train_and_test`'s numbers, with ``top_k`` (0 for the dense readout,
        ``n_elements`` for ``"all"``).
    """
    check_option(variant, VARIANTS, "variant")
    if variant == "dense":
        top_k = None
    else:
        k = variant.split("_k")[1]
        top_k = n_elements if k == "all" else int(k)
    out = train_and_test(
        top_k, n_train, n_elements=n_elements, d_feature=d_feature, arity=arity,
        factor=factor,
        d_hidden=d_hidden, n_steps=n_steps, noise=noise, ood_shift=ood_shift,
        ood_scale=ood_scale, random_state=random_state,
    )  # fmt: skip
    return {**out, "top_k": float(top_k or 0)}


def summarise(table: Any, column: str) -> Any:
    """Mean and 95% t-interval half-width of ``column`` per configuration.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per task, with ``variant``, ``n_train``, ``column`` and optionally
        ``factor`` (``"parity"`` when absent).
    column : str
        The measure to summarise.

    Returns
    -------
    summary : pandas.DataFrame
        ``factor``, ``variant``, ``n_train``, ``mean``, ``ci95`` (half-width of the
        t-interval over seeds; 0 for one seed), ``count``; variants in the order of
        :data:`VARIANTS`.
    """
    from scipy import stats

    table = table.assign(factor=table["factor"] if "factor" in table else "parity")
    keys = ["factor", "n_train", "variant"]
    s = table.groupby(keys)[column].agg(["mean", "std", "count"]).reset_index()
    dof = np.maximum(s["count"].to_numpy() - 1, 1)
    half = stats.t.ppf(0.975, dof) * s["std"].fillna(0.0) / np.sqrt(s["count"])
    s["ci95"] = np.where(s["count"] > 1, half, 0.0)
    s["order"] = s["variant"].map({v: i for i, v in enumerate(VARIANTS)})
    s = s.sort_values(["factor", "n_train", "order"])
    cols = ["factor", "variant", "n_train", "mean", "ci95", "count"]
    return s[cols].reset_index(drop=True)


@experiment("sparse_factors")
class SparseFactors:
    """Sparse factor of cued elements: consciousness bottleneck vs a dense readout."""

    @staticmethod
    def params() -> dict[str, Any]:
        """Return the parameters a spec may set (defaults: ``run_variant``'s)."""
        from cogattn.sim.params import declare_params

        return declare_params(
            run_variant,
            variant=Param(str, choices=VARIANTS),
            n_train=Param(int, low=8, high=10_000_000),
            n_elements=Param(int, low=8, high=256),
            d_feature=Param(int, low=1, high=256),
            arity=Param(int, low=1, high=8),
            factor=Param(str, choices=FACTORS),
            d_hidden=Param(int, low=1, high=4096),
            n_steps=Param(int, low=1, high=1_000_000),
            noise=Param(float, low=0.0, high=10.0),
            ood_shift=Param(float, low=-100.0, high=100.0),
            ood_scale=Param(float, low=1e-3, high=100.0),
        )

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Train and test one configuration with :func:`run_variant`."""
        import torch

        from cogattn.experiments._params import call_with_params

        torch.set_num_threads(1)
        return call_with_params(run_variant, params, random_state=rng)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Accuracy in and out of distribution per configuration, mean and 95% CI.

        ``measured`` holds means over seeds, per factor (prefix ``parity_`` or
        ``sum_``) and at the smallest and largest ``n_train`` (suffix ``_small`` or
        ``_large``); "sparse" is the best bottleneck with ``k`` in 1-3, chosen per
        measure: ``dense_test``, ``kall_test``, ``best_sparse_test``,
        ``best_sparse_ood``, ``sparse_minus_dense_test``, ``sparse_minus_dense_ood``,
        ``sparse_minus_kall_test``, ``sparse_minus_kall_ood`` (``kall``: every
        element, sorted by attention), ``best_test`` (any model) and, where the
        table has ``more_accuracy``, ``best_sparse_more`` and ``kall_more`` (twice
        the elements); per factor,
        ``dense_gain_with_data`` and ``sparse_gain_with_data`` (largest minus
        smallest ``n_train``).
        """
        table = getattr(results, "table", results)
        test = summarise(table, "test_accuracy")
        ood = summarise(table, "ood_accuracy")
        recall = summarise(table, "cue_recall")
        more = None
        if "more_accuracy" in table:  # the dense readout has none
            more = summarise(table, "more_accuracy").dropna(subset=["mean"])
            more = more.reset_index(drop=True)
        sparse = ("bottleneck_k1", "bottleneck_k2", "bottleneck_k3")
        measured: dict[str, float] = {}

        def best_of(s: Any, factor: str, variants: tuple[str, ...], n: int) -> float:
            rows = s[(s["factor"] == factor) & (s["n_train"] == n)]
            rows = rows[rows["variant"].isin(variants)]["mean"]
            return float(rows.max()) if len(rows) else float("nan")

        for factor in test["factor"].unique():
            best = partial(best_of, factor=factor)
            sizes = test[test["factor"] == factor]["n_train"]
            tags = {"small": sizes.min(), "large": sizes.max()}
            got: dict[str, float] = {}
            for tag, n in tags.items():
                dense_te = best(test, variants=("dense",), n=n)
                dense_ood = best(ood, variants=("dense",), n=n)
                kall_te = best(test, variants=("bottleneck_kall",), n=n)
                kall_ood = best(ood, variants=("bottleneck_kall",), n=n)
                if more is not None:
                    got[f"best_sparse_more_{tag}"] = best(more, variants=sparse, n=n)
                    got[f"kall_more_{tag}"] = best(
                        more, variants=("bottleneck_kall",), n=n
                    )
                sp_te = best(test, variants=sparse, n=n)
                sp_ood = best(ood, variants=sparse, n=n)
                got.update({
                    f"dense_test_{tag}": dense_te,
                    f"kall_test_{tag}": kall_te,
                    f"best_sparse_test_{tag}": sp_te,
                    f"best_sparse_ood_{tag}": sp_ood,
                    f"best_test_{tag}": best(test, variants=VARIANTS, n=n),
                    f"sparse_minus_dense_test_{tag}": sp_te - dense_te,
                    f"sparse_minus_dense_ood_{tag}": sp_ood - dense_ood,
                    f"sparse_minus_kall_test_{tag}": sp_te - kall_te,
                    f"sparse_minus_kall_ood_{tag}": sp_ood - kall_ood,
                })  # fmt: skip
            if tags["large"] != tags["small"]:
                got["dense_gain_with_data"] = (
                    got["dense_test_large"] - got["dense_test_small"]
                )
                got["sparse_gain_with_data"] = (
                    got["best_sparse_test_large"] - got["best_sparse_test_small"]
                )
            measured.update(
                {f"{factor}_{k}": v for k, v in got.items() if np.isfinite(v)}
            )
        text = "; ".join(f"{k} = {v:+.3f}" for k, v in measured.items())
        return ReportContent(
            tables={
                "test_accuracy": test,
                "ood_accuracy": ood,
                "cue_recall": recall,
                **({"more_elements_accuracy": more} if more is not None else {}),
            },
            measured=measured,
            text=text,
        )
