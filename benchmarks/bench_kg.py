"""Link prediction: cogattn's tensor models beside PyKEEN's DistMult, same splits.

Both sides read the same Nations / Kinships / UMLS files (``$COGATTN_DATA/kg/``) in one
process. PyKEEN 1.11 runs DistMult with its usual settings (LCWA training,
cross-entropy loss, Adam lr 0.01, 100 epochs, embedding dim 128) and its filtered
rank-based evaluator; cogattn runs its best model (ComplEx with reciprocal
relations, N3, Adagrad, 1-vs-all cross-entropy) and its DistMult with the same
recipe. Each row reports filtered test MRR (both directions, realistic ties), the
process CPU seconds of training plus evaluation, and the ratio of PyKEEN's CPU time
to ours. Runs are interleaved (PyKEEN, then ours, for each repetition); the load
average is printed before and after, since the machine may be shared.

Usage::

    python benchmarks/bench_kg.py                       # 3 data sets, 1 repetition
    python benchmarks/bench_kg.py --datasets nations --repeat 3
    python benchmarks/bench_kg.py --threads 1           # on a busy machine
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import environment, load_average

from cogattn.tensorbrain import KGEmbedding, load_kg_dataset

#: cogattn's settings (also the defaults of the kg_link_prediction spec)
OURS = {
    "complex": {"model": "complex", "dim": 128, "n_epochs": 50},
    "distmult": {"model": "distmult", "dim": 128, "n_epochs": 50},
}


def run_pykeen(splits, seed: int) -> tuple[float, float]:
    """Fit and evaluate PyKEEN DistMult; return (filtered MRR, CPU seconds)."""
    from pykeen.pipeline import pipeline
    from pykeen.triples import TriplesFactory

    t0 = time.process_time()
    tf = {}
    train = TriplesFactory.from_labeled_triples(np.array(splits.train.labeled()))
    tf["train"] = train
    for name in ("valid", "test"):
        tf[name] = TriplesFactory.from_labeled_triples(
            np.array(getattr(splits, name).labeled()),
            entity_to_id=train.entity_to_id,
            relation_to_id=train.relation_to_id,
        )
    result = pipeline(
        training=tf["train"],
        validation=tf["valid"],
        testing=tf["test"],
        model="DistMult",
        model_kwargs={"embedding_dim": 128},
        training_loop="lcwa",
        loss="crossentropy",
        optimizer="adam",
        optimizer_kwargs={"lr": 0.01},
        training_kwargs={"num_epochs": 100, "use_tqdm": False},
        evaluation_kwargs={"use_tqdm": False},
        random_seed=seed,
        device="cpu",
    )
    mrr = result.metric_results.get_metric("both.realistic.inverse_harmonic_mean_rank")
    return float(mrr), time.process_time() - t0


def run_ours(splits, seed: int, settings: dict) -> tuple[float, float]:
    """Fit and evaluate a cogattn model; return (filtered MRR, CPU seconds)."""
    t0 = time.process_time()
    est = KGEmbedding(**settings, random_state=seed, verbose=False, device="cpu")
    est.fit(splits.train)
    mrr = est.evaluate(splits.test, known=splits.all_triples())["mrr"]
    return mrr, time.process_time() - t0


def main() -> None:
    """Run the comparison and print one row per data set and model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", default=["nations", "kinships", "umls"]
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    print(environment())
    print(
        f"{'dataset':<9} {'model':<16} {'seed':>4} {'MRR':>6} {'CPU s':>7} "
        f"{'pykeen MRR':>10} {'pykeen CPU s':>12} {'CPU ratio':>9}"
    )
    for name in args.datasets:
        splits = load_kg_dataset(name)
        for seed in range(args.repeat):
            before = load_average()
            ref_mrr, ref_cpu = run_pykeen(splits, seed)
            for label, settings in OURS.items():
                mrr, cpu = run_ours(splits, seed, settings)
                print(
                    f"{name:<9} {'cogattn ' + label:<16} {seed:>4} {mrr:6.3f} "
                    f"{cpu:7.1f} {ref_mrr:10.3f} {ref_cpu:12.1f} {ref_cpu / cpu:9.1f}"
                )
            print(f"#   {before} -> {load_average()}")


if __name__ == "__main__":
    main()
