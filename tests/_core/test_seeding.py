"""Seeds come from SeedSequence and reproduce across calls and processes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cogattn import ValidationError
from cogattn._core.seeding import (
    check_random_state,
    spawn_seeds,
    task_seed,
    torch_generator,
)


def test_task_seed_equals_spawned_child() -> None:
    # Reference: numpy's own SeedSequence.spawn.
    children = np.random.SeedSequence(42).spawn(5)
    for i, child in enumerate(children):
        mine = task_seed(42, (i,))
        assert mine.generate_state(4).tolist() == child.generate_state(4).tolist()
    assert [c.spawn_key for c in spawn_seeds(42, 3)] == [(0,), (1,), (2,)]


def test_generators_reproduce() -> None:
    a = check_random_state(task_seed(7, (3, 1))).standard_normal(5)
    b = check_random_state(task_seed(7, (3, 1))).standard_normal(5)
    c = check_random_state(task_seed(7, (3, 2))).standard_normal(5)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_torch_generator_reproduces() -> None:
    x = torch.randn(4, generator=torch_generator(task_seed(1, (0,))))
    y = torch.randn(4, generator=torch_generator(task_seed(1, (0,))))
    z = torch.randn(4, generator=torch_generator(np.random.default_rng(1)))
    assert torch.equal(x, y)
    assert z.shape == (4,)


@pytest.mark.parametrize("bad", [-1, 1.5, "a", True])
def test_bad_seed(bad) -> None:
    with pytest.raises(ValidationError, match="seed must be a non-negative int"):
        spawn_seeds(bad, 2)
