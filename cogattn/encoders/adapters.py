"""Subject adapters into a shared space with one shared decoder (torch).

Cross-subject decoding (e.g. fMRI-to-stimulus models trained on many subjects)
maps each subject's responses ``X_i`` (n_i x v_i) through its own shallow adapter
``A_i`` (a linear map v_i -> k) into a shared space, then one decoder ``D`` (linear
or a one-hidden-layer MLP, k -> d) predicts the stimulus features ``Y_i``:

    minimise  Σ_i ||D(X_i A_i) - Y_i||^2 / n_i  +  λ (Σ_i ||A_i||^2 + ||D||^2).

Subjects may have different numbers of samples and of channels; inputs and targets
are standardised per subject. A new subject is added by training only its adapter
against the frozen decoder (:meth:`SubjectAdapterModel.add_subject`), so a few
minutes of its data suffice; :func:`leave_one_subject_out` measures exactly that.
Training is full-batch Adam on the device given by ``device=`` (CPU or CUDA).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.progress import progress_bar
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_positive
from cogattn.encoders._alignment_checks import check_matrix
from cogattn.encoders.scores import pearson_per_target

__all__ = ["SubjectAdapterModel", "leave_one_subject_out"]


def _pairs(
    xs: Sequence[Any], ys: Sequence[Any]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if not isinstance(xs, (list, tuple)) or not isinstance(ys, (list, tuple)):
        raise ValidationError(
            "subjects and targets must be lists (one entry per subject)"
        )
    if len(xs) != len(ys) or len(xs) == 0:
        raise ValidationError(
            f"subjects and targets must have one entry per subject each, got "
            f"{len(xs)} and {len(ys)}"
        )
    out_x, out_y = [], []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        a = check_matrix(x, f"subjects[{i}]", min_rows=3)
        b = check_matrix(np.reshape(y, (len(y), -1)), f"targets[{i}]", min_rows=3)
        if a.shape[0] != b.shape[0]:
            raise ValidationError(
                f"subjects[{i}] and targets[{i}] must have the same number of "
                f"samples, got {a.shape[0]} and {b.shape[0]}"
            )
        out_x.append(a)
        out_y.append(b)
    widths = {b.shape[1] for b in out_y}
    if len(widths) > 1:
        raise ValidationError(
            f"every subject's targets must have the same features, got widths "
            f"{sorted(widths)}"
        )
    return out_x, out_y


def _standardise(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mu = a.mean(axis=0)
    sd = a.std(axis=0)
    return mu, np.where(sd > 0, sd, 1.0)


class SubjectAdapterModel:
    """Per-subject linear adapters into a shared space and one shared decoder.

    Parameters
    ----------
    n_shared : int
        Dimension of the shared space.
    hidden : int | None
        Hidden units of an MLP decoder; ``None`` gives a linear decoder.
    weight_decay : float
        Penalty ``λ`` on all weights.
    n_epochs : int
        Full-batch Adam steps for :meth:`fit` and for :meth:`add_subject`.
    lr : float
        Adam learning rate.
    device : str | torch.device | None
        Where to train (see :func:`cogattn._core.device.resolve_device`).
    random_state : int | numpy.random.Generator | None
        Seed of the initial weights.
    verbose : bool | None
        Progress bar over epochs.

    Attributes
    ----------
    adapters_ : torch.nn.ModuleList
        One ``Linear(v_i, n_shared, bias=False)`` per subject.
    decoder_ : torch.nn.Module
    loss_ : list of float
        Training loss per epoch of the last call to :meth:`fit`.
    """

    def __init__(
        self,
        n_shared: int = 16,
        hidden: int | None = None,
        weight_decay: float = 1e-3,
        n_epochs: int = 300,
        lr: float = 1e-2,
        device: Any = None,
        random_state: Any = None,
        verbose: bool | None = None,
    ) -> None:
        self.n_shared = n_shared
        self.hidden = hidden
        self.weight_decay = weight_decay
        self.n_epochs = n_epochs
        self.lr = lr
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # -- internals -------------------------------------------------------------
    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=torch.float32, device=self._device)

    def _prep_x(self, x: np.ndarray, i: int) -> torch.Tensor:
        mu, sd = self._x_stats[i]
        return self._tensor((x - mu) / sd)

    def _train(self, params, batches, n_epochs: int) -> list[float]:
        opt = torch.optim.Adam(params, lr=self.lr)
        lam = float(self.weight_decay)
        losses = []
        for _ in progress_bar(range(n_epochs), verbose=self.verbose, desc="adapters"):
            opt.zero_grad()
            loss = torch.zeros((), device=self._device)
            for i, x, y in batches:
                pred = self.decoder_(self.adapters_[i](x))
                loss = loss + ((pred - y) ** 2).mean()
            loss = loss / len(batches)
            loss = loss + lam * sum((p**2).sum() for p in params)
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
        return losses

    def _new_adapter(self, width: int, gen: torch.Generator) -> nn.Linear:
        with torch.random.fork_rng(devices=[]):  # leave the global generator alone
            layer = nn.Linear(width, self.n_shared, bias=False)
        with torch.no_grad():
            layer.weight.normal_(0.0, 1.0 / np.sqrt(width), generator=gen)
        return layer.to(self._device)

    # -- public API ------------------------------------------------------------
    def fit(
        self, subjects: Sequence[Any], targets: Sequence[Any]
    ) -> SubjectAdapterModel:
        """Train all adapters and the decoder jointly.

        Parameters
        ----------
        subjects : list of array-like of shape (n_samples_i, n_channels_i)
        targets : list of array-like of shape (n_samples_i, n_targets)
            Stimulus features to decode for each subject's samples.
        """
        xs, ys = _pairs(subjects, targets)
        k = check_int(self.n_shared, "n_shared", low=1)
        check_positive(self.lr, "lr")
        n_epochs = check_int(self.n_epochs, "n_epochs", low=1)
        if self.weight_decay < 0:
            raise ValidationError(f"weight_decay must be >= 0, got {self.weight_decay}")
        self._device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        gen = torch.Generator().manual_seed(int(rng.integers(0, 2**62)))
        d = ys[0].shape[1]
        self._y_stats = _standardise(np.concatenate(ys))
        self._x_stats = [_standardise(x) for x in xs]
        self.adapters_ = nn.ModuleList([self._new_adapter(x.shape[1], gen) for x in xs])
        h = None if self.hidden is None else check_int(self.hidden, "hidden", low=1)
        with torch.random.fork_rng(devices=[]):  # leave the global generator alone
            if h is None:
                self.decoder_ = nn.Linear(k, d)
            else:
                self.decoder_ = nn.Sequential(
                    nn.Linear(k, h), nn.GELU(), nn.Linear(h, d)
                )
        with torch.no_grad():  # PyTorch's default ranges, from our generator
            for layer in self.decoder_.modules():
                if isinstance(layer, nn.Linear):
                    bound = 1.0 / np.sqrt(layer.in_features)
                    layer.weight.uniform_(-bound, bound, generator=gen)
                    layer.bias.uniform_(-bound, bound, generator=gen)
        self.decoder_ = self.decoder_.to(self._device)
        mu_y, sd_y = self._y_stats
        batches = [
            (i, self._prep_x(x, i), self._tensor((y - mu_y) / sd_y))
            for i, (x, y) in enumerate(zip(xs, ys, strict=True))
        ]
        params = list(self.adapters_.parameters()) + list(self.decoder_.parameters())
        self.loss_ = self._train(params, batches, n_epochs)
        return self

    def add_subject(self, data: Any, target: Any) -> int:
        """Train a new subject's adapter against the frozen decoder.

        Parameters
        ----------
        data : array-like of shape (n_samples, n_channels_new)
        target : array-like of shape (n_samples, n_targets)

        Returns
        -------
        index : int
            The new subject's index for :meth:`predict`.
        """
        self._check_fitted()
        (x,), (y,) = _pairs([data], [target])
        if y.shape[1] != self._y_stats[0].size:
            raise ValidationError(
                f"target must have {self._y_stats[0].size} features, got {y.shape[1]}"
            )
        rng = check_random_state(self.random_state)
        gen = torch.Generator().manual_seed(
            int(rng.integers(0, 2**62)) + len(self.adapters_)
        )
        self._x_stats.append(_standardise(x))
        i = len(self.adapters_)
        self.adapters_.append(self._new_adapter(x.shape[1], gen))
        for p in self.decoder_.parameters():
            p.requires_grad_(False)
        mu_y, sd_y = self._y_stats
        try:
            self._train(
                list(self.adapters_[i].parameters()),
                [(i, self._prep_x(x, i), self._tensor((y - mu_y) / sd_y))],
                check_int(self.n_epochs, "n_epochs", low=1),
            )
        finally:
            for p in self.decoder_.parameters():
                p.requires_grad_(True)
        return i

    def _check_fitted(self) -> None:
        if not hasattr(self, "decoder_"):
            raise ValidationError(
                "this SubjectAdapterModel is not fitted yet; call fit first"
            )

    def transform(self, data: Any, subject: int) -> np.ndarray:
        """Shared-space representation of a subject's data, (n_samples, n_shared)."""
        self._check_fitted()
        i = check_int(subject, "subject", low=0, high=len(self.adapters_) - 1)
        x = check_matrix(data, "data", min_rows=1)
        if x.shape[1] != self.adapters_[i].in_features:
            raise ValidationError(
                f"subject {i} has {self.adapters_[i].in_features} channels, data has "
                f"{x.shape[1]}"
            )
        with torch.no_grad():
            return (
                self.adapters_[i](self._prep_x(x, i)).cpu().numpy().astype(np.float64)
            )

    def predict(self, data: Any, subject: int) -> np.ndarray:
        """Decode targets (original units) from a subject's data."""
        z = self.transform(data, subject)
        with torch.no_grad():
            out = self.decoder_(self._tensor(z)).cpu().numpy().astype(np.float64)
        mu_y, sd_y = self._y_stats
        return out * sd_y + mu_y

    def score(self, data: Any, target: Any, subject: int) -> np.ndarray:
        """Pearson r per target between the decoded and the true targets."""
        y = check_matrix(np.reshape(target, (len(target), -1)), "target")
        return pearson_per_target(y, self.predict(data, subject))


def leave_one_subject_out(
    subjects: Sequence[Any],
    targets: Sequence[Any],
    adapt_fraction: float = 0.5,
    verbose: bool | None = None,
    **params: Any,
) -> dict[str, np.ndarray]:
    """Leave-one-subject-out decoding with subject adapters.

    For each subject: train adapters and decoder on the others, fit the held-out
    subject's adapter on the first ``adapt_fraction`` of its samples (decoder
    frozen), and score the decoding on the rest.

    Parameters
    ----------
    subjects, targets : lists as in :meth:`SubjectAdapterModel.fit`
        At least 3 subjects.
    adapt_fraction : float
        Fraction of the held-out subject's samples used to fit its adapter, in (0, 1).
    verbose : bool | None
        Progress over subjects.
    **params
        Passed to :class:`SubjectAdapterModel`.

    Returns
    -------
    result : dict
        ``"r"`` (n_subjects, n_targets) held-out correlations; ``"mean_r"``
        (n_subjects,).
    """
    xs, ys = _pairs(subjects, targets)
    if len(xs) < 3:
        raise ValidationError(
            f"leave-one-subject-out needs at least 3 subjects, got {len(xs)}"
        )
    adapt_fraction = check_positive(adapt_fraction, "adapt_fraction")
    if adapt_fraction >= 1:
        raise ValidationError(f"adapt_fraction must be in (0, 1), got {adapt_fraction}")
    rs = []
    for s in progress_bar(range(len(xs)), verbose=verbose, desc="subjects"):
        n = xs[s].shape[0]
        cut = int(adapt_fraction * n)
        if cut < 3 or n - cut < 3:
            raise ValidationError(
                f"subject {s} has {n} samples: too few to split at {adapt_fraction}"
            )
        others = [i for i in range(len(xs)) if i != s]
        model = SubjectAdapterModel(**{**params, "verbose": False})
        model.fit([xs[i] for i in others], [ys[i] for i in others])
        idx = model.add_subject(xs[s][:cut], ys[s][:cut])
        rs.append(model.score(xs[s][cut:], ys[s][cut:], idx))
    r = np.array(rs)
    return {"r": r, "mean_r": r.mean(axis=1)}
