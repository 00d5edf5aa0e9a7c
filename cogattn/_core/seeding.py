"""Reproducible seeding from :class:`numpy.random.SeedSequence`.

One spec seed spawns one child sequence per task; each task's numpy generator and,
when needed, torch generator come from that child, so results do not depend on which
process or machine runs the task.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError

__all__ = ["check_random_state", "spawn_seeds", "task_seed", "torch_generator"]


def _entropy(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return np.random.SeedSequence(int(seed))
    raise ValidationError(f"seed must be a non-negative int, got {seed!r}")


def spawn_seeds(
    seed: int | np.random.SeedSequence, n: int
) -> list[np.random.SeedSequence]:
    """Spawn ``n`` independent child seed sequences from ``seed``.

    Parameters
    ----------
    seed : int | numpy.random.SeedSequence
        The root seed (non-negative int) or sequence.
    n : int
        Number of children.

    Returns
    -------
    children : list of numpy.random.SeedSequence
        Child ``i`` is the same for the same ``seed`` and ``i`` on every machine.
    """
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ValidationError(f"n must be a non-negative int, got {n!r}")
    return _entropy(seed).spawn(int(n))


def task_seed(root: int, path: tuple[int, ...]) -> np.random.SeedSequence:
    """Return the seed sequence at ``spawn_key=path`` below ``root``.

    ``task_seed(root, (i,))`` equals ``spawn_seeds(root, i + 1)[i]``, but is computed
    directly, so a worker can rebuild one task's seed without spawning the others.

    Parameters
    ----------
    root : int
        The spec's seed.
    path : tuple of int
        Spawn key, e.g. ``(task_index,)`` or ``(grid_index, repetition)``.

    Returns
    -------
    seq : numpy.random.SeedSequence
    """
    base = _entropy(root)
    return np.random.SeedSequence(base.entropy, spawn_key=tuple(int(p) for p in path))


def check_random_state(
    seed: int | np.random.Generator | np.random.SeedSequence | None,
) -> np.random.Generator:
    """Turn ``seed`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    seed : int | numpy.random.Generator | numpy.random.SeedSequence | None
        ``None`` gives fresh OS entropy; a generator is returned unchanged.

    Returns
    -------
    rng : numpy.random.Generator
    """
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(_entropy(seed))


def torch_generator(
    seed: int | np.random.Generator | np.random.SeedSequence, device: Any = "cpu"
) -> Any:
    """Return a ``torch.Generator`` seeded deterministically from ``seed``.

    Parameters
    ----------
    seed : int | numpy.random.Generator | numpy.random.SeedSequence
        A generator is advanced by one draw to make the torch seed.
    device : str or torch.device
        Device of the generator.

    Returns
    -------
    gen : torch.Generator
    """
    import torch

    if isinstance(seed, np.random.Generator):
        value = int(seed.integers(0, 2**63 - 1))
    else:
        value = int(_entropy(seed).generate_state(2, np.uint32).view(np.uint64)[0] >> 1)
    gen = torch.Generator(device=device)
    gen.manual_seed(value)
    return gen
