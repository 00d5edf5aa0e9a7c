"""Seeded parameter initialisation shared by the workspace modules."""

from __future__ import annotations

from typing import Any

from cogattn._core.seeding import check_random_state


def init_parameters(module: Any, random_state: Any) -> None:
    """Redraw every parameter of ``module`` from one seed (uniform, fan-in scaled).

    Matrices get ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` with ``fan_in`` their last
    dimension; vectors (biases, gates) start at zero. The same ``random_state`` gives
    the same parameters on every device.

    Parameters
    ----------
    module : torch.nn.Module
        The module to initialise.
    random_state : int | numpy.random.Generator | None
        Seed.
    """
    import torch

    rng = check_random_state(random_state)
    with torch.no_grad():
        for _, p in sorted(module.named_parameters()):
            if p.dim() < 2:
                p.zero_()
                continue
            bound = 1.0 / p.shape[-1] ** 0.5
            draw = rng.uniform(-bound, bound, size=tuple(p.shape))
            p.copy_(torch.as_tensor(draw, dtype=p.dtype))
