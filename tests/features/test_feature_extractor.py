"""FeatureExtractor on the official MobileNetV2 weights and on real photographs.

References: ImageNet-1k class indices (281 tabby ... 285 Egyptian cat, 967 espresso);
"extract" is checked against a manual forward through ``backbone.features``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cogattn import ValidationError
from cogattn.features import imagenet_labels, load_backbone
from cogattn.features.mobilenet_v2 import (
    MOBILENET_V2_INNER_ALIASES,
    MOBILENET_V2_INNER_STRIDES,
    MOBILENET_V2_STRIDES,
)

CAT_CLASSES = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat
ESPRESSO = 967


def manual_features(fx, images: torch.Tensor, index: int) -> torch.Tensor:
    x = (images - fx.mean) / fx.std
    with torch.no_grad():
        for block in list(fx.backbone.features)[: index + 1]:
            x = block(x)
    return x


def test_imagenet_label_indices():
    labels = imagenet_labels()
    assert len(labels) == 1000
    assert labels[281] == "tabby" and labels[285] == "Egyptian cat"
    assert labels[967] == "espresso" and labels[0] == "tench"
    assert labels[207] == "golden retriever" and labels[999] == "toilet tissue"
    assert labels[872] == "tripod"
    # the standard list repeats two names (bird and machine; two swimsuit synsets)
    repeated = {name for name in labels if labels.count(name) > 1}
    assert repeated == {"crane", "maillot"}
    labels[0] = "changed"  # callers get a copy
    assert imagenet_labels()[0] == "tench"


def test_photographs_are_classified(mobilenet, photos):
    batch = torch.cat([photos["chelsea"], photos["coffee"], photos["camera"]])
    logits = mobilenet.classify(batch)
    assert logits.shape == (3, 1000) and logits.dtype == torch.float32
    top = logits.argmax(1).tolist()
    labels = imagenet_labels()
    assert top[0] in CAT_CLASSES, labels[top[0]]
    assert top[1] == ESPRESSO, labels[top[1]]
    assert labels[top[2]] == "tripod", labels[top[2]]  # index 872
    prob = logits.softmax(1)
    assert float(prob[0, list(CAT_CLASSES)].sum()) > 0.8
    assert float(prob[1, ESPRESSO]) > 0.5


def test_forward_is_classify_for_any_layout(mobilenet, photos):
    small = photos["coffee"][..., 80:144, 80:144]
    hwc = small.permute(0, 2, 3, 1).numpy().astype(np.float64)
    torch.testing.assert_close(
        mobilenet(hwc), mobilenet.classify(small), rtol=1e-5, atol=1e-5
    )


def test_all_layers_shapes_strides_in_one_call(mobilenet, photos):
    img = photos["chelsea"][..., :160, :192]  # non-square, not 224
    names = list(mobilenet.layer_names)
    assert names == [f"features.{i}" for i in range(19)]
    feats = mobilenet.extract(img, names)
    assert list(feats) == names
    channels = [32, 16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96,
                160, 160, 160, 320, 1280]  # fmt: skip
    for i, name in enumerate(names):
        stride = mobilenet.receptive_stride(name)
        assert stride == MOBILENET_V2_STRIDES[i]
        expected = (1, channels[i], 160 // stride, 192 // stride)
        assert tuple(feats[name].shape) == expected
        assert feats[name].dtype == torch.float32
    for alias, target in mobilenet.aliases.items():
        assert mobilenet.receptive_stride(alias) == mobilenet.receptive_stride(target)
    strides = [mobilenet.receptive_stride(f"layer{k}") for k in range(1, 6)]
    assert strides == [2, 4, 8, 16, 32]


def test_extract_equals_manual_forward(mobilenet, photos):
    batch = torch.cat([photos["chelsea"], photos["coffee"]])[..., 80:144, 80:144]
    feats = mobilenet.extract(batch, ["layer3", "features.13", "features.2"])
    for name, index in (("layer3", 6), ("features.13", 13), ("features.2", 2)):
        torch.testing.assert_close(
            feats[name], manual_features(mobilenet, batch, index), rtol=0, atol=0
        )


def test_inner_taps_are_the_relu6_outputs_inside_blocks(mobilenet, photos):
    img = photos["chelsea"][..., :160, :192]
    names = ["features.6.expand", "features.6.conv.1", "features.6",
             "features.13.depthwise", "features.14.conv.0",
             "features.1.conv.0"]  # fmt: skip
    feats = mobilenet.extract(img, names)
    assert list(feats) == names
    # (channels, stride): expansion = 6 x the block's input channels at its input
    # stride; depthwise at the block's output stride; features.1 has no expansion
    expected = [(192, 8), (192, 8), (32, 8), (576, 16), (576, 16), (32, 2)]
    for name, (channels, stride) in zip(names, expected, strict=True):
        assert mobilenet.receptive_stride(name) == stride
        assert tuple(feats[name].shape) == (1, channels, 160 // stride, 192 // stride)
        if name != "features.6":  # post-ReLU6: in [0, 6]
            assert 0.0 <= float(feats[name].min()) and float(feats[name].max()) <= 6.0
    assert float(feats["features.6"].min()) < 0  # the linear bottleneck is signed
    block = mobilenet.backbone.features[6]
    with torch.no_grad():
        expand = block.conv[0](manual_features(mobilenet, img, 5))
        depthwise = block.conv[1](expand)
    torch.testing.assert_close(feats["features.6.expand"], expand, rtol=0, atol=0)
    torch.testing.assert_close(feats["features.6.conv.1"], depthwise, rtol=0, atol=0)
    torch.testing.assert_close(
        feats["features.6"], manual_features(mobilenet, img, 6), rtol=0, atol=0
    )


def test_every_inner_tap_has_its_registered_stride(mobilenet, photos):
    names = list(mobilenet.inner_layer_names)
    assert names == list(MOBILENET_V2_INNER_STRIDES) and len(names) == 33
    assert set(MOBILENET_V2_INNER_ALIASES.values()) == set(names)
    feats = mobilenet.extract(photos["coffee"][..., :64, :96], names, batch_size=1)
    for name in names:
        stride = mobilenet.receptive_stride(name)
        assert stride == MOBILENET_V2_INNER_STRIDES[name]
        assert feats[name].shape[-2:] == (64 // stride, 96 // stride), name


def test_unknown_inner_tap_is_rejected(mobilenet, photos):
    img = photos["coffee"][..., :64, :64]
    with pytest.raises(ValidationError, match=r"unknown layer 'features\.6\.conv\.3'"):
        mobilenet.extract(img, ["features.6.conv.3"])
    with pytest.raises(ValidationError, match=r"allowed layers are features\.0, "):
        mobilenet.receptive_stride("features.6.relu")


def test_batch_size_chunking_and_layouts_agree(mobilenet, photos):
    batch = torch.cat([photos["chelsea"], photos["coffee"]])[..., :64, :64]
    batch = torch.cat([batch, batch.flip(-1)[:1]])  # 3 images
    whole = mobilenet.extract(batch, ["layer4"])["layer4"]
    chunked = mobilenet.extract(batch, ["layer4"], batch_size=2)["layer4"]
    assert chunked.shape == (3, 96, 4, 4)
    torch.testing.assert_close(chunked, whole, rtol=1e-5, atol=1e-5)
    hwc = mobilenet.extract(batch.permute(0, 2, 3, 1).numpy(), "layer4")["layer4"]
    torch.testing.assert_close(hwc, whole, rtol=1e-6, atol=1e-6)
    gray = batch.mean(1)  # (B, H, W) -> replicated to three channels
    torch.testing.assert_close(
        mobilenet.extract(gray, ["layer2"])["layer2"],
        mobilenet.extract(gray[:, None].expand(-1, 3, -1, -1), ["layer2"])["layer2"],
    )


def test_one_pass_stops_after_deepest_layer(mobilenet, photos):
    calls: list[int] = []
    hooks = [
        block.register_forward_hook(lambda m, i, o, k=k: calls.append(k))
        for k, block in enumerate(mobilenet.backbone.features)
    ]
    try:
        mobilenet.extract(photos["coffee"][..., :64, :64], ["layer1", "layer3"])
    finally:
        for h in hooks:
            h.remove()
    assert calls == list(range(7))  # features.0 .. features.6, each once


def test_eval_mode_and_no_grad(mobilenet, photos):
    mobilenet.train()
    try:
        out = mobilenet.extract(photos["coffee"][..., :64, :64], ["layer2"])["layer2"]
        assert mobilenet.training  # the caller's mode is restored
    finally:
        mobilenet.eval()
    ref = mobilenet.extract(photos["coffee"][..., :64, :64], ["layer2"])["layer2"]
    torch.testing.assert_close(out, ref, rtol=0, atol=0)  # BN used running stats
    assert not out.requires_grad


def test_random_control_deterministic_and_different(mobilenet, photos):
    a = load_backbone("mobilenet_v2", weights="random", random_state=1)
    b = load_backbone("mobilenet_v2", weights="random", random_state=1)
    c = load_backbone("mobilenet_v2", weights="random", random_state=2)
    assert a.weights == "random"
    for (key, va), vb, vc, vi in zip(
        a.backbone.state_dict().items(),
        b.backbone.state_dict().values(),
        c.backbone.state_dict().values(),
        mobilenet.backbone.state_dict().values(),
        strict=True,
    ):
        assert torch.equal(va, vb), key
        if key.endswith(".weight") and va.ndim == 4:
            assert not torch.equal(va, vc), key
            assert not torch.equal(va, vi), key
    img = photos["chelsea"][..., :64, :64]
    fa = a.extract(img, ["layer3"])["layer3"]
    torch.testing.assert_close(fa, b.extract(img, ["layer3"])["layer3"])
    fi = mobilenet.extract(img, ["layer3"])["layer3"]
    assert fa.shape == fi.shape and not torch.allclose(fa, fi)


def test_random_control_leaves_global_rng_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    load_backbone("mobilenet_v2", weights="random", random_state=5)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.gpu
def test_cuda_matches_cpu(mobilenet, photos):
    if not torch.cuda.is_available():
        pytest.skip(reason="no CUDA device")
    gpu = load_backbone("mobilenet_v2", weights="imagenet", device="cuda")
    img = torch.cat([photos["chelsea"], photos["coffee"]])
    out = gpu.extract(img.numpy(), ["layer4"])["layer4"]
    assert out.device.type == "cuda"
    torch.testing.assert_close(
        out.cpu(), mobilenet.extract(img, ["layer4"])["layer4"], rtol=1e-3, atol=1e-3
    )
    assert gpu.classify(img).argmax(1).tolist()[1] == ESPRESSO
