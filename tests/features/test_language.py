"""all-MiniLM-L6-v2 in plain torch.

Anchors: sentence-transformers (SentenceTransformer on the same shipped files:
sentence and token embeddings) and transformers' BertModel (every hidden state);
the Johnson-Lindenstrauss property for the sparse random projection.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the language features need torch")

from cogattn._core.errors import ValidationError  # noqa: E402
from cogattn.features.language import (  # noqa: E402
    MINILM_LAYERS,
    load_minilm,
    minilm_path,
    sparse_random_projection,
)
from tests._reference import require_reference  # noqa: E402

SENTENCES = [
    "The cat sat on the mat.",
    "A man is playing a guitar on stage while the crowd cheers loudly.",
    "Hi",
]


@pytest.fixture(scope="module")
def encoder():
    torch.set_num_threads(1)
    return load_minilm()


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.mark.slow
def test_matches_sentence_transformers(encoder):
    """Sentence embeddings (mean pooling + normalisation) and token embeddings
    equal sentence-transformers' on the shipped model to 1e-5."""
    st = require_reference("sentence_transformers")
    model = st.SentenceTransformer(str(minilm_path()), device="cpu")
    ref = model.encode(SENTENCES)
    got = encoder.encode(SENTENCES)["layer.5"]
    np.testing.assert_allclose(got, ref, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6)
    tok_ref = model.encode(SENTENCES, output_value="token_embeddings")
    tok = encoder.encode(SENTENCES, pooling="none")["layer.5"]
    for a, b in zip(tok_ref, tok, strict=True):
        np.testing.assert_allclose(b, a.numpy(), atol=1e-5)


def test_hidden_states_match_transformers(encoder):
    """Every tap equals transformers' BertModel hidden state on real tokens, and the
    token ids equal its tokenizer's."""
    tr = require_reference("transformers")
    path = str(minilm_path())
    bert = tr.AutoModel.from_pretrained(path).eval()
    batch = tr.AutoTokenizer.from_pretrained(path)(
        SENTENCES, padding=True, return_tensors="pt"
    )
    ids, mask = encoder.tokenize(SENTENCES)
    assert torch.equal(ids, batch["input_ids"])
    with torch.no_grad():
        ref = bert(**batch, output_hidden_states=True).hidden_states
        got = encoder.model(ids, mask)
    assert len(got) == len(MINILM_LAYERS) == len(ref)
    for a, b in zip(ref, got, strict=True):
        assert float((a - b)[mask.bool()].abs().max()) < 1e-5


def test_random_control_is_seeded_and_differs(encoder):
    """The random control: same seed, same embeddings; unlike the trained model,
    paraphrases are not closer than unrelated sentences."""
    torch.manual_seed(123)  # the global torch generator is left alone
    expected = torch.rand(3)
    torch.manual_seed(123)
    a = load_minilm("random", random_state=0).encode(SENTENCES, ["layer.2"])
    assert torch.equal(torch.rand(3), expected)
    b = load_minilm("random", random_state=0).encode(SENTENCES, ["layer.2"])
    np.testing.assert_array_equal(a["layer.2"], b["layer.2"])
    pairs = ["A dog runs in the park.", "A dog is running in a park.", "Stocks fell."]
    trained = encoder.encode(pairs)["layer.5"]
    sim = trained @ trained.T
    assert sim[0, 1] > sim[0, 2] + 0.3


def test_cls_pooling_and_layers(encoder):
    out = encoder.encode(SENTENCES, layers=MINILM_LAYERS, pooling="cls")
    assert set(out) == set(MINILM_LAYERS)
    assert all(v.shape == (3, 384) for v in out.values())
    with pytest.raises(ValidationError, match="invalid value for layer"):
        encoder.encode(SENTENCES, layers=["layer.6"])
    with pytest.raises(ValidationError, match="non-empty list of str"):
        encoder.encode([1, 2])


def test_sparse_random_projection():
    """Distances preserved within 20% for k = 1,000 (Johnson-Lindenstrauss); the
    projection is linear, seeded, and keeps tensors as tensors."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, 5000))
    y = sparse_random_projection(x, 1000, random_state=1)
    d0 = np.linalg.norm(x[:, None] - x[None], axis=-1)
    d1 = np.linalg.norm(y[:, None] - y[None], axis=-1)
    iu = np.triu_indices(30, 1)
    ratio = d1[iu] / d0[iu]
    assert ratio.min() > 0.8 and ratio.max() < 1.2
    np.testing.assert_allclose(
        sparse_random_projection(x[:3] + x[3:6], 50, random_state=2),
        sparse_random_projection(x[:3], 50, random_state=2)
        + sparse_random_projection(x[3:6], 50, random_state=2),
        atol=1e-10,
    )
    t = sparse_random_projection(torch.ones(2, 100), 10, random_state=0)
    assert isinstance(t, torch.Tensor) and t.shape == (2, 10)
    with pytest.raises(ValidationError, match="density"):
        sparse_random_projection(x, 10, density=2.0)


@pytest.mark.gpu
def test_cuda_matches_cpu(encoder):
    if not torch.cuda.is_available():
        pytest.skip(reason="no CUDA device")
    gpu = load_minilm(device="cuda")
    assert next(gpu.model.parameters()).device.type == "cuda"
    np.testing.assert_allclose(
        gpu.encode(SENTENCES)["layer.5"],
        encoder.encode(SENTENCES)["layer.5"],
        atol=1e-4,
    )
