"""An object-level attention transformer (OAT-like) that predicts object scanpaths.

After the Object-level Attention Transformer (Fang et al. 2024), scaled down:

- **Encoder.** One token per object: a linear map of its crop features plus a learned
  embedding of its grid cell (the positional encoding), plus a type embedding; the
  target is one more token. A transformer encoder mixes them.
- **Decoder.** The tokens of the objects fixated so far (a learned start token first)
  plus a step embedding go through a causal transformer decoder reading the encoder's
  output. Each step scores every object by the dot product of its state with the
  object's encoded token (over ``sqrt(d)``) and an end-of-scanpath logit.
- **Training.** Cross-entropy of the next object (or end) with teacher forcing, Adam.
- **Generation.** Autoregressive sampling (or greedy decoding) until the end token or
  ``max_len`` fixations.

Trained on object scanpaths such as those of
:func:`cogattn.scanpath.object_search.synthetic_observer`; compared with held-out
scanpaths by :func:`~cogattn.scanpath.object_search.label_sequence_score` and
:func:`~cogattn.scanpath.object_search.behaviour_summary`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.progress import progress_bar
from cogattn._core.seeding import check_random_state, torch_generator
from cogattn._core.validation import check_int, check_positive
from cogattn.scanpath.object_search import ObjectTrials

__all__ = ["ObjectAttentionTransformer", "ObjectScanpathModel"]


class ObjectAttentionTransformer(nn.Module):
    """Encoder-decoder over object tokens with an end-of-scanpath output.

    Parameters
    ----------
    n_features : int
        Features per object (and per target).
    n_cells : int
        Grid cells (positions) objects can occupy.
    d_model, n_heads, n_layers : int
        Transformer width, heads, and layers of the encoder and of the decoder.
    max_len : int
        Longest scanpath.
    """

    def __init__(
        self,
        n_features: int,
        n_cells: int,
        d_model: int = 64,
        n_heads: int = 4,
        n_layers: int = 2,
        max_len: int = 32,
    ) -> None:
        super().__init__()
        self.d_model = d_model
        self.max_len = max_len
        self.obj_proj = nn.Linear(n_features, d_model)
        self.tgt_proj = nn.Linear(n_features, d_model)
        self.cell = nn.Embedding(n_cells, d_model)
        self.kind = nn.Embedding(2, d_model)
        enc = nn.TransformerEncoderLayer(
            d_model, n_heads, 4 * d_model, dropout=0.0, batch_first=True
        )
        dec = nn.TransformerDecoderLayer(
            d_model, n_heads, 4 * d_model, dropout=0.0, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(enc, n_layers, enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(dec, n_layers)
        self.start = nn.Parameter(torch.zeros(d_model))
        self.step = nn.Embedding(max_len + 1, d_model)
        self.end = nn.Linear(d_model, 1)

    def encode(
        self, features: torch.Tensor, cells: torch.Tensor, target: torch.Tensor
    ) -> torch.Tensor:
        """Encode a display: (B, N, F), (N,), (B, F) -> (B, N + 1, d), target first."""
        obj = self.obj_proj(features) + self.cell(cells)[None] + self.kind.weight[0]
        tgt = self.tgt_proj(target)[:, None] + self.kind.weight[1]
        return self.encoder(torch.cat([tgt, obj], dim=1))

    def decode(self, memory: torch.Tensor, prev: torch.Tensor) -> torch.Tensor:
        """Logits over objects and end for every step: prev (B, T), -1 = start.

        Returns
        -------
        logits : torch.Tensor of shape (B, T, N + 1)
            Column ``N`` is the end of the scanpath.
        """
        objs = memory[:, 1:]
        b, t = prev.shape
        idx = prev.clamp(min=0)
        emb = torch.gather(objs, 1, idx[..., None].expand(-1, -1, self.d_model))
        emb = torch.where((prev >= 0)[..., None], emb, self.start.expand(b, t, -1))
        emb = emb + self.step(torch.arange(t, device=prev.device))[None]
        mask = nn.Transformer.generate_square_subsequent_mask(t, device=prev.device)
        h = self.decoder(emb, memory, tgt_mask=mask, tgt_is_causal=True)
        obj_logits = h @ objs.transpose(1, 2) / math.sqrt(self.d_model)
        return torch.cat([obj_logits, self.end(h)], dim=-1)


class ObjectScanpathModel:
    """Train an :class:`ObjectAttentionTransformer` on object scanpaths; sample from it.

    Parameters
    ----------
    d_model, n_heads, n_layers : int
        Transformer size.
    epochs : int
        Passes over the training scanpaths.
    batch_size : int
        Scanpaths per step.
    lr : float
        Adam learning rate.
    device : str | torch.device | None
        Device; ``None`` follows the current backend.
    random_state : int | numpy.random.Generator | None
        Seeds the initialisation, the batches and the sampling.
    verbose : bool | None
        Progress bar over epochs.

    Attributes
    ----------
    net_ : ObjectAttentionTransformer
    losses_ : list of float
        Mean training loss per epoch.
    """

    def __init__(
        self,
        d_model: int = 64,
        n_heads: int = 4,
        n_layers: int = 2,
        epochs: int = 40,
        batch_size: int = 64,
        lr: float = 3e-3,
        device: Any = None,
        random_state: Any = None,
        verbose: bool | None = None,
    ) -> None:
        self.d_model = d_model
        self.n_heads = n_heads
        self.n_layers = n_layers
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _tensors(self, trials: ObjectTrials) -> tuple[torch.Tensor, ...]:
        dev = self.device_
        feats = torch.as_tensor(trials.features, dtype=torch.float32, device=dev)
        cells = torch.as_tensor(
            trials.cells[:, 0] * trials.grid[1] + trials.cells[:, 1], device=dev
        )
        target = torch.as_tensor(trials.target, dtype=torch.float32, device=dev)
        return feats, cells, target

    def fit(
        self, trials: ObjectTrials, scanpaths: Sequence[Any]
    ) -> ObjectScanpathModel:
        """Fit on one scanpath per trial (repeat trials for several observers).

        Parameters
        ----------
        trials : ObjectTrials
            Displays.
        scanpaths : sequence of array-like of int
            Fixated object indices, one sequence per trial.

        Returns
        -------
        self : ObjectScanpathModel
        """
        if not isinstance(trials, ObjectTrials):
            raise ValidationError(
                f"trials must be ObjectTrials, got {type(trials).__name__}"
            )
        if len(scanpaths) != len(trials):
            raise ValidationError(
                f"{len(scanpaths)} scanpaths for {len(trials)} trials; give one per "
                "trial"
            )
        epochs = check_int(self.epochs, "epochs", low=1)
        bs = check_int(self.batch_size, "batch_size", low=1)
        lr = check_positive(self.lr, "lr")
        n_obj = trials.cells.shape[0]
        paths = [np.asarray(p, dtype=np.int64).ravel() for p in scanpaths]
        for i, p in enumerate(paths):
            if p.size == 0 or p.min() < 0 or p.max() >= n_obj:
                raise ValidationError(
                    f"scanpaths[{i}] must hold 1 or more object indices in "
                    f"[0, {n_obj - 1}]"
                )
        self.device_ = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        self._rng = rng
        torch.manual_seed(int(rng.integers(0, 2**31 - 1)))
        max_len = max(p.size for p in paths) + 1
        self.n_objects_ = n_obj
        self.net_ = ObjectAttentionTransformer(
            trials.features.shape[2],
            int(np.prod(trials.grid)),
            self.d_model,
            self.n_heads,
            self.n_layers,
            max_len=max(max_len, n_obj + 1),
        ).to(self.device_)
        feats, cells, target = self._tensors(trials)
        n = len(paths)
        prev = torch.full((n, max_len), -1, dtype=torch.long)
        nxt = torch.full((n, max_len), -100, dtype=torch.long)  # ignored
        for i, p in enumerate(paths):
            prev[i, 1 : p.size + 1] = torch.from_numpy(p)
            nxt[i, : p.size] = torch.from_numpy(p)
            nxt[i, p.size] = n_obj  # end
        prev, nxt = prev.to(self.device_), nxt.to(self.device_)
        opt = torch.optim.Adam(self.net_.parameters(), lr=lr)
        loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
        self.losses_ = []
        self.net_.train()
        for _ in progress_bar(range(epochs), desc="epochs", verbose=self.verbose):
            order = rng.permutation(n)
            total = 0.0
            for s in range(0, n, bs):
                sel = torch.as_tensor(order[s : s + bs], device=self.device_)
                mem = self.net_.encode(feats[sel], cells, target[sel])
                logits = self.net_.decode(mem, prev[sel])
                loss = loss_fn(logits.reshape(-1, n_obj + 1), nxt[sel].reshape(-1))
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(sel)
            self.losses_.append(total / n)
        self.net_.eval()
        return self

    @torch.no_grad()
    def generate(
        self, trials: ObjectTrials, *, greedy: bool = False, max_len: int | None = None
    ) -> list[np.ndarray]:
        """Sample one object scanpath per trial.

        Parameters
        ----------
        trials : ObjectTrials
            Displays (the same grid and features as in training).
        greedy : bool
            Take the most likely object at each step instead of sampling.
        max_len : int | None
            Longest scanpath; default the number of objects.

        Returns
        -------
        scanpaths : list of numpy.ndarray of int
            Each has at least one fixation.
        """
        if not hasattr(self, "net_"):
            raise ValidationError("the model is not fitted yet: call fit() first")
        if trials.cells.shape[0] != self.n_objects_:
            raise ValidationError(
                f"trials have {trials.cells.shape[0]} objects, the model was fitted on "
                f"{self.n_objects_}"
            )
        limit = (
            self.n_objects_ if max_len is None else check_int(max_len, "max_len", low=1)
        )
        limit = min(limit, self.net_.max_len - 1)
        gen = torch_generator(self._rng, device=self.device_)
        feats, cells, target = self._tensors(trials)
        mem = self.net_.encode(feats, cells, target)
        n = len(trials)
        prev = torch.full((n, 1), -1, dtype=torch.long, device=self.device_)
        done = torch.zeros(n, dtype=torch.bool, device=self.device_)
        out: list[list[int]] = [[] for _ in range(n)]
        for step in range(limit):
            logits = self.net_.decode(mem, prev)[:, -1]
            if step == 0:
                logits[:, -1] = -torch.inf  # at least one fixation
            if greedy:
                choice = logits.argmax(dim=1)
            else:
                probs = torch.softmax(logits, dim=1)
                choice = torch.multinomial(probs, 1, generator=gen)[:, 0]
            ended = choice == self.n_objects_
            for i in torch.nonzero(~done & ~ended)[:, 0].tolist():
                out[i].append(int(choice[i]))
            done |= ended
            if bool(done.all()):
                break
            prev = torch.cat([prev, choice.clamp(max=self.n_objects_ - 1)[:, None]], 1)
        return [np.array(p, dtype=np.int64) for p in out]
