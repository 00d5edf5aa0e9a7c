r"""Linear attention read as a Hebbian associative memory (Pavlovian conditioning).

In the conditioning reading of linear attention a key is the conditioned stimulus (CS),
a value the unconditioned stimulus (US) and a query the test stimulus. Storing pairs
with the Hebbian outer-product rule builds the memory matrix

.. math:: M = \sum_{i=1}^{N} v_i k_i^\top \qquad (d_v \times d_k),

which is exactly the state of (unnormalised) linear attention, and a test stimulus
``q`` retrieves ``M q = sum_i v_i (k_i . q)``. With ``q = k_j`` the readout is the
stored value ``v_j`` plus cross-talk ``sum_{i != j} (k_i . k_j) v_i``.

Every function is batched (many memories at once, leading axes) and backend-generic:
numpy arrays in give numpy arrays out, torch tensors give torch tensors on their
device. Random draws come from a :class:`numpy.random.Generator` through the backend's
``randn``, so the numpy and torch backends see the same keys and values.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from cogattn._core.backend import (
    ALL_BACKENDS,
    check_arrays,
    get_backend,
    infer_backend,
)
from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_int, check_option

__all__ = [
    "HebbianMemory",
    "cleanup",
    "orthogonal_keys",
    "random_binary_values",
    "random_unit_keys",
    "retrieval_cosine",
    "retrieve",
    "sign_recall",
    "store",
]

_TINY = 1e-300


# --------------------------------------------------------------------------- checks
def _batch_shape(shape: tuple[int, ...], name: str) -> tuple[int, ...]:
    return tuple(check_int(s, f"{name}[{i}]", low=1) for i, s in enumerate(shape))


def _resolve(
    random_state: Any, backend: str | ModuleType | None, dtype: str
) -> tuple[np.random.Generator, ModuleType, Any]:
    if isinstance(backend, str):
        check_option(backend, ALL_BACKENDS, "backend")
    module = get_backend(backend)
    check_option(dtype, ("float64", "float32"), "dtype")
    return check_random_state(random_state), module, getattr(module, dtype)


def _leading(batch: int | tuple[int, ...] | None) -> tuple[int, ...]:
    if batch is None:
        return ()
    if isinstance(batch, (int, np.integer)) and not isinstance(batch, bool):
        return _batch_shape((batch,), "batch")
    if isinstance(batch, tuple):
        return _batch_shape(batch, "batch")
    raise ValidationError(
        f"batch must be None, a positive int or a tuple of them, got {batch!r}"
    )


def _draw_setup(
    n_items: Any,
    dim: Any,
    dim_name: str,
    batch: int | tuple[int, ...] | None,
    random_state: Any,
    backend: str | ModuleType | None,
    dtype: str,
    *,
    items_at_most_dim: bool = False,
) -> tuple[int, int, tuple[int, ...], np.random.Generator, ModuleType, Any]:
    """Check the arguments of a random draw of ``n_items`` vectors of size ``dim``.

    Returns ``n_items``, ``dim``, the leading batch shape, the generator, the
    backend module and its floating type. With ``items_at_most_dim`` the dimension
    is checked first and ``n_items`` may not exceed it.
    """
    if items_at_most_dim:
        dim = check_int(dim, dim_name, low=1)
        n_items = check_int(n_items, "n_items", low=1, high=dim)
    else:
        n_items = check_int(n_items, "n_items", low=1)
        dim = check_int(dim, dim_name, low=1)
    lead = _leading(batch)
    rng, module, dt = _resolve(random_state, backend, dtype)
    return n_items, dim, lead, rng, module, dt


def _check_key_value_pairs(
    keys: Any, values: Any, items: str = "n_items"
) -> tuple[ModuleType, Any, Any]:
    """Check keys and values stored in pairs and bring them to one backend.

    Parameters
    ----------
    keys : array of shape (..., n, d_k)
        Keys, one per pair.
    values : array of shape (..., n, d_v)
        Values, one per pair; all axes but the last must match ``keys``.
    items : str
        Name of the pair axis in the error message.

    Returns
    -------
    backend : module
        The common backend.
    keys, values : array
        The checked arrays on ``backend``.

    Raises
    ------
    ValidationError
        When an array has fewer than 2 dimensions or the shapes disagree.
    """
    keys = check_array(keys, "keys", min_ndim=2)
    values = check_array(values, "values", min_ndim=2)
    if tuple(keys.shape[:-1]) != tuple(values.shape[:-1]):
        raise ValidationError(
            f"keys and values must agree on all axes but the last (..., {items}), "
            f"got keys {tuple(keys.shape)} and values {tuple(values.shape)}"
        )
    backend = infer_backend(keys, values)
    keys, values = check_arrays(backend, keys, values)
    return backend, keys, values


def _broadcast_matmul(
    backend: ModuleType,
    a: Any,
    b: Any,
    first: tuple[str, Any],
    second: tuple[str, Any],
) -> Any:
    """Return ``a @ b``, with a clear error when the leading axes do not broadcast.

    ``first`` and ``second`` are the (name, array) pairs the message speaks of.
    """
    try:
        return backend.matmul(a, b)
    except (ValueError, RuntimeError) as err:
        raise ValidationError(
            f"leading axes of {first[0]} {tuple(first[1].shape)} and {second[0]} "
            f"{tuple(second[1].shape)} do not broadcast: {err}"
        ) from None


# ----------------------------------------------------------------------- stimuli
def random_unit_keys(
    n_items: int,
    d_k: int,
    *,
    batch: int | tuple[int, ...] | None = None,
    random_state: Any = None,
    backend: str | ModuleType | None = None,
    dtype: str = "float64",
) -> Any:
    """Draw keys (conditioned stimuli) uniformly on the unit sphere.

    Parameters
    ----------
    n_items : int
        Number of keys per memory, ``>= 1``.
    d_k : int
        Key dimension, ``>= 1``.
    batch : int | tuple of int | None
        Leading batch shape (independent memories); ``None`` for a single memory.
    random_state : int | numpy.random.Generator | None
        Seed or generator; the draws are the same on every backend.
    backend : {"numpy", "torch", "torch_cuda"} | None
        Backend of the output (``None``: the current backend).
    dtype : {"float64", "float32"}
        Floating type of the output.

    Returns
    -------
    keys : array of shape batch + (n_items, d_k)
        Unit-norm rows: normalised standard-normal draws.
    """
    n_items, d_k, lead, rng, module, dt = _draw_setup(
        n_items, d_k, "d_k", batch, random_state, backend, dtype
    )
    x = module.randn((*lead, n_items, d_k), rng, dtype=module.float64)
    x = x / module.maximum(module.norm(x, axis=-1, keepdims=True), _TINY)
    return module.astype(x, dt)


def random_binary_values(
    n_items: int,
    d_v: int,
    *,
    batch: int | tuple[int, ...] | None = None,
    random_state: Any = None,
    backend: str | ModuleType | None = None,
    dtype: str = "float64",
) -> Any:
    """Draw binary values (unconditioned stimuli) with entries ``+-1/sqrt(d_v)``.

    Each entry is the sign of a standard-normal draw divided by ``sqrt(d_v)``, so each
    value has unit norm and its sign pattern is what the sign readout must recover.

    Parameters
    ----------
    n_items : int
        Number of values per memory, ``>= 1``.
    d_v : int
        Value dimension, ``>= 1``.
    batch : int | tuple of int | None
        Leading batch shape; ``None`` for a single memory.
    random_state : int | numpy.random.Generator | None
        Seed or generator; the draws are the same on every backend.
    backend : {"numpy", "torch", "torch_cuda"} | None
        Backend of the output (``None``: the current backend).
    dtype : {"float64", "float32"}
        Floating type of the output.

    Returns
    -------
    values : array of shape batch + (n_items, d_v)
        Entries in ``{-1/sqrt(d_v), +1/sqrt(d_v)}``.
    """
    n_items, d_v, lead, rng, module, dt = _draw_setup(
        n_items, d_v, "d_v", batch, random_state, backend, dtype
    )
    x = module.randn((*lead, n_items, d_v), rng, dtype=module.float64)
    # +-1 in float64 first: torch.where of two Python floats would round the scale to
    # torch's default float32
    sign = module.astype(x >= 0, module.float64) * 2.0 - 1.0
    return module.astype(sign * (1.0 / np.sqrt(d_v)), dt)


def orthogonal_keys(
    n_items: int,
    d_k: int,
    *,
    batch: int | tuple[int, ...] | None = None,
    random_state: Any = None,
    backend: str | ModuleType | None = None,
    dtype: str = "float64",
) -> Any:
    """Draw random orthonormal keys (only possible for ``n_items <= d_k``).

    The keys are the rows of the Q factor of a standard-normal matrix, with signs
    fixed so that the factorisation is unique (Haar-distributed frames). They are
    computed with numpy and moved to the backend, so every backend gets the same keys.

    Parameters
    ----------
    n_items : int
        Number of keys per memory, ``1 <= n_items <= d_k``.
    d_k : int
        Key dimension, ``>= 1``.
    batch : int | tuple of int | None
        Leading batch shape; ``None`` for a single memory.
    random_state : int | numpy.random.Generator | None
        Seed or generator.
    backend : {"numpy", "torch", "torch_cuda"} | None
        Backend of the output.
    dtype : {"float64", "float32"}
        Floating type of the output.

    Returns
    -------
    keys : array of shape batch + (n_items, d_k)
        Orthonormal rows: ``keys @ keys.T`` is the identity.
    """
    n_items, d_k, lead, rng, module, dt = _draw_setup(
        n_items, d_k, "d_k", batch, random_state, backend, dtype, items_at_most_dim=True
    )
    g = rng.standard_normal((*lead, d_k, n_items))
    q, r = np.linalg.qr(g)
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    signs[signs == 0] = 1.0
    q = q * signs[..., None, :]
    return module.asarray(np.swapaxes(q, -1, -2), dtype=dt)


# ---------------------------------------------------------------- store/retrieve
def store(keys: Any, values: Any) -> Any:
    """Build Hebbian memories ``M = sum_i v_i k_i^T`` (batched outer-product sums).

    Parameters
    ----------
    keys : array of shape batch + (n_items, d_k)
        Conditioned stimuli.
    values : array of shape batch + (n_items, d_v)
        Unconditioned stimuli; leading axes must match ``keys``.

    Returns
    -------
    memory : array of shape (..., d_v, d_k)
        ``values^T @ keys``, the state of linear attention after the pairs.
    """
    backend, keys, values = _check_key_value_pairs(keys, values)
    return backend.matmul(backend.transpose(values), keys)


def retrieve(memory: Any, queries: Any) -> Any:
    """Read memories with test stimuli: ``M q`` (batched matrix-vector products).

    Parameters
    ----------
    memory : array of shape (..., d_v, d_k)
        Hebbian memories from :func:`store`.
    queries : array of shape (..., d_k) or (..., n_queries, d_k)
        With ``memory.ndim - 1`` dimensions: one query per memory; with
        ``memory.ndim`` dimensions: a set of queries per memory. Leading axes
        broadcast against those of ``memory``.

    Returns
    -------
    retrieved : array of shape (..., d_v) or (..., n_queries, d_v)
        The raw (linear) readout ``M q`` for every query.
    """
    memory = check_array(memory, "memory", min_ndim=2)
    queries = check_array(queries, "queries", min_ndim=1)
    if queries.shape[-1] != memory.shape[-1]:
        raise ValidationError(
            f"queries must have d_k = {memory.shape[-1]} entries on the last axis "
            f"(memory has shape {tuple(memory.shape)}), got {tuple(queries.shape)}"
        )
    if queries.ndim not in (memory.ndim - 1, memory.ndim):
        raise ValidationError(
            f"queries must have {memory.ndim - 1} (one query per memory) or "
            f"{memory.ndim} (a set per memory) dimensions for memory of shape "
            f"{tuple(memory.shape)}, got shape {tuple(queries.shape)}"
        )
    backend = infer_backend(memory, queries)
    memory, queries = check_arrays(backend, memory, queries)
    single = queries.ndim == memory.ndim - 1
    q = queries[..., None, :] if single else queries
    out = _broadcast_matmul(
        backend, q, backend.transpose(memory), ("memory", memory), ("queries", queries)
    )
    return out[..., 0, :] if single else out


# --------------------------------------------------------------------- readouts
def _pair(a: Any, b: Any, name_a: str, name_b: str) -> tuple[ModuleType, Any, Any]:
    a = check_array(a, name_a, min_ndim=1)
    b = check_array(b, name_b, min_ndim=1)
    if tuple(a.shape) != tuple(b.shape):
        raise ValidationError(
            f"{name_a} and {name_b} must have the same shape, got "
            f"{tuple(a.shape)} and {tuple(b.shape)}"
        )
    backend = infer_backend(a, b)
    a, b = check_arrays(backend, a, b)
    return backend, a, b


def retrieval_cosine(retrieved: Any, targets: Any) -> Any:
    """Cosine similarity between retrieved and stored values, along the last axis.

    Parameters
    ----------
    retrieved : array of shape (..., d_v)
        Readouts ``M q``.
    targets : array of shape (..., d_v)
        The values that should have been retrieved.

    Returns
    -------
    cosine : array of shape (...)
        In ``[-1, 1]``; 0 where either vector is zero. Invariant to positive
        rescaling of either argument.
    """
    backend, a, b = _pair(retrieved, targets, "retrieved", "targets")
    dot = backend.sum(a * b, axis=-1)
    den = backend.norm(a, axis=-1) * backend.norm(b, axis=-1)
    return backend.clip(dot / backend.maximum(den, _TINY), -1.0, 1.0)


def sign_recall(retrieved: Any, values: Any) -> Any:
    """Whether the sign readout recovers each binary value exactly.

    Readout: ``sign(M q)``; an item counts as recalled when every entry has the sign
    of the stored value (a zero entry counts as an error).

    Parameters
    ----------
    retrieved : array of shape (..., d_v)
        Readouts ``M q``.
    values : array of shape (..., d_v)
        Stored binary values (entries ``+-c``, ``c > 0``).

    Returns
    -------
    recalled : bool array of shape (...)
    """
    backend, a, b = _pair(retrieved, values, "retrieved", "values")
    return backend.min(a * b, axis=-1) > 0


def cleanup(retrieved: Any, values: Any) -> Any:
    """Nearest-neighbour clean-up: index of the stored value most similar to a readout.

    Similarity is the cosine; the readout's own norm does not change the winner, so
    the winner is ``argmax_i (r . v_i) / |v_i|`` over the values stored in the same
    memory.

    Parameters
    ----------
    retrieved : array of shape (..., n_queries, d_v)
        Readouts ``M q``.
    values : array of shape batch + (n_items, d_v)
        The values stored in each memory (the clean-up lexicon); leading axes
        broadcast against ``retrieved``.

    Returns
    -------
    index : integer array of shape (..., n_queries)
        Index into the ``n_items`` stored values.
    """
    retrieved = check_array(retrieved, "retrieved", min_ndim=2)
    values = check_array(values, "values", min_ndim=2)
    if retrieved.shape[-1] != values.shape[-1]:
        raise ValidationError(
            f"retrieved and values must share d_v on the last axis, got "
            f"{tuple(retrieved.shape)} and {tuple(values.shape)}"
        )
    backend = infer_backend(retrieved, values)
    retrieved, values = check_arrays(backend, retrieved, values)
    unit = values / backend.maximum(backend.norm(values, axis=-1, keepdims=True), _TINY)
    sim = _broadcast_matmul(
        backend,
        retrieved,
        backend.transpose(unit),
        ("retrieved", retrieved),
        ("values", values),
    )
    return backend.argmax(sim, axis=-1)


# ----------------------------------------------------------------------- object
class HebbianMemory:
    """A batch of Hebbian associative memories with clean-up over stored values.

    Parameters
    ----------
    keys : array of shape batch + (n_items, d_k)
        Conditioned stimuli (CS).
    values : array of shape batch + (n_items, d_v)
        Unconditioned stimuli (US).

    Attributes
    ----------
    matrix : array of shape (..., d_v, d_k)
        ``sum_i v_i k_i^T``.
    values : array of shape batch + (n_items, d_v)
        The stored values, used as the clean-up lexicon.

    Examples
    --------
    >>> from cogattn.workspace import HebbianMemory, random_unit_keys
    >>> keys = random_unit_keys(8, 64, random_state=0)
    >>> values = random_unit_keys(8, 32, random_state=1)
    >>> mem = HebbianMemory(keys, values)
    >>> mem.recall(keys).tolist()
    [0, 1, 2, 3, 4, 5, 6, 7]
    """

    def __init__(self, keys: Any, values: Any) -> None:
        self.matrix = store(keys, values)
        self.values = check_arrays(infer_backend(self.matrix), values)[0]

    @property
    def n_items(self) -> int:
        """Number of stored pairs per memory."""
        return int(self.values.shape[-2])

    def write(self, keys: Any, values: Any) -> HebbianMemory:
        """Add more pairs with the Hebbian rule ``M <- M + sum v k^T``.

        Parameters
        ----------
        keys : array of shape (..., n_new, d_k)
            New conditioned stimuli.
        values : array of shape (..., n_new, d_v)
            New unconditioned stimuli.

        Returns
        -------
        self : HebbianMemory
        """
        delta = store(keys, values)
        if tuple(delta.shape) != tuple(self.matrix.shape):
            raise ValidationError(
                f"new pairs give memories of shape {tuple(delta.shape)}, but this "
                f"memory has shape {tuple(self.matrix.shape)}"
            )
        backend = infer_backend(self.matrix)
        self.matrix = self.matrix + check_arrays(backend, delta)[0]
        new = check_arrays(backend, values)[0]
        self.values = backend.concatenate([self.values, new], axis=-2)
        return self

    def retrieve(self, queries: Any) -> Any:
        """Raw readout ``M q``; see :func:`retrieve` for shapes."""
        return retrieve(self.matrix, queries)

    def recall(self, queries: Any) -> Any:
        """Clean-up readout: index of the stored value nearest to ``M q``.

        Parameters
        ----------
        queries : array of shape (..., n_queries, d_k)
            Test stimuli.

        Returns
        -------
        index : integer array of shape (..., n_queries)
        """
        return cleanup(self.retrieve(queries), self.values)
