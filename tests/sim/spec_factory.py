"""The spec the runner's tests start from."""

from __future__ import annotations

from typing import Any


def base_spec(**changes: Any) -> dict[str, Any]:
    """A 6-task spec of the ``mc_halfnormal`` test experiment."""
    spec: dict[str, Any] = {
        "experiment": "mc_halfnormal",
        "module": "mc_halfnormal",
        "description": "Monte-Carlo mean of |N(0, 1)|",
        "seed": 7,
        "repetitions": 2,
        "fixed": {"sleep": 0.0},
        "grid": {"n_samples": [500, 2000, 8000]},
        "checks": [
            {
                "name": "closed form",
                "measured": "abs_error",
                "expected": 0,
                "atol": 0.03,
            }
        ],
    }
    spec.update(changes)
    return spec
