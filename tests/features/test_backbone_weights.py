"""Loading weights: official checkpoint, random control, user files, and the errors."""

from __future__ import annotations

import shutil
import urllib.error

import pytest
import torch

from cogattn import DataNotFoundError, ValidationError
from cogattn.features import load_backbone
from cogattn.features.mobilenet_v2 import MobileNetV2
from cogattn.features.vgg import VGG16
from cogattn.features.weights import load_state_dict_file


@pytest.fixture
def offline_hub(tmp_path, monkeypatch):
    """An empty torch hub folder on a machine without network access."""

    def no_network(url, dst, *args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(torch.hub, "_hub_dir", str(tmp_path / "hub"))
    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    return tmp_path / "hub"


def random_state(seed: int) -> dict[str, torch.Tensor]:
    torch.manual_seed(seed)
    return MobileNetV2().state_dict()


def assert_same_state(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    own = model.state_dict()
    assert list(own) == list(state)
    for key, value in state.items():
        assert torch.equal(own[key], value), key


def test_official_weights_load_strictly(mobilenet, mobilenet_checkpoint):
    state = torch.load(mobilenet_checkpoint, map_location="cpu", weights_only=True)
    assert_same_state(mobilenet.backbone, state)
    assert mobilenet.weights == "imagenet" and mobilenet.name == "mobilenet_v2"
    assert not mobilenet.training


def test_user_path_round_trip(tmp_path):
    state = random_state(7)
    path = tmp_path / "mine.pth"
    torch.save(state, path)
    for weights in (path, str(path)):
        fx = load_backbone("mobilenet_v2", weights=weights)
        assert_same_state(fx.backbone, state)
        assert fx.weights == str(path)


def test_user_file_wrapped_and_dataparallel_prefix(tmp_path):
    state = random_state(8)
    path = tmp_path / "ckpt.pt"
    torch.save({"state_dict": {f"module.{k}": v for k, v in state.items()}}, path)
    assert list(load_state_dict_file(path)) == list(state)
    fx = load_backbone("mobilenet_v2", weights=path)
    assert_same_state(fx.backbone, state)


def test_checkpoint_without_batch_counters_loads(tmp_path):
    state = random_state(9)
    trimmed = {k: v for k, v in state.items() if "num_batches_tracked" not in k}
    torch.save(trimmed, tmp_path / "old.pth")
    fx = load_backbone("mobilenet_v2", weights=tmp_path / "old.pth")
    for key, value in trimmed.items():
        assert torch.equal(fx.backbone.state_dict()[key], value)


def test_missing_user_file(tmp_path):
    with pytest.raises(DataNotFoundError, match=r"weights file .*nope\.pth.* does not"):
        load_backbone("mobilenet_v2", weights=tmp_path / "nope.pth")
    with pytest.raises(DataNotFoundError, match="does not exist"):
        load_backbone("mobilenet_v2", weights=str(tmp_path / "sub" / "weights"))


def test_keys_that_do_not_fit_are_listed(tmp_path):
    state = random_state(0)
    del state["features.0.0.weight"]
    state["features.99.weight"] = torch.zeros(1)
    torch.save(state, tmp_path / "bad.pth")
    with pytest.raises(
        ValidationError,
        match=r"do not fit MobileNetV2: missing keys: 'features\.0\.0\.weight'; "
        r"unexpected keys: 'features\.99\.weight'",
    ):
        load_backbone("mobilenet_v2", weights=tmp_path / "bad.pth")


def test_vgg_keys_into_mobilenet_list_a_few(tmp_path):
    with torch.device("meta"):
        keys = list(VGG16().state_dict())
    torch.save({k: torch.zeros(1) for k in keys}, tmp_path / "vgg.pth")
    with pytest.raises(
        ValidationError,
        match=r"missing keys: 'features\.0\.0\.weight', .*\(262 in all\); "
        r"unexpected keys: 'features\.0\.weight', .*\(32 in all\)",
    ):
        load_backbone("mobilenet_v2", weights=tmp_path / "vgg.pth")


def test_shape_mismatch(tmp_path):
    state = random_state(0)
    state["classifier.1.weight"] = torch.zeros(10, 1280)
    torch.save(state, tmp_path / "ten.pth")
    with pytest.raises(
        ValidationError,
        match=r"shape mismatch for .*classifier\.1\.weight.*\(10, 1280\)",
    ):
        load_backbone("mobilenet_v2", weights=tmp_path / "ten.pth")


def test_file_that_is_not_a_state_dict(tmp_path):
    torch.save([1, 2, 3], tmp_path / "list.pth")
    with pytest.raises(ValidationError, match="holds a list, not a state_dict"):
        load_backbone("mobilenet_v2", weights=tmp_path / "list.pth")
    (tmp_path / "text.pth").write_text("not a checkpoint")
    with pytest.raises(ValidationError, match="could not be read as a torch"):
        load_backbone("mobilenet_v2", weights=tmp_path / "text.pth")


def test_unknown_weights_name():
    with pytest.raises(
        ValidationError,
        match=r"weights of 'mobilenet_v2': 'imagnet'; allowed values are "
        r"'imagenet', 'random' or the path",
    ):
        load_backbone("mobilenet_v2", weights="imagnet")
    with pytest.raises(ValidationError, match="weights must be an instance of"):
        load_backbone("mobilenet_v2", weights=3)


def test_official_weights_neither_cached_nor_downloadable(offline_hub):
    with pytest.raises(DataNotFoundError, match=r"vgg16-397923af\.pth.* not in the"):
        load_backbone("vgg16", weights="imagenet")
    with pytest.raises(DataNotFoundError, match=r"cogattn\.features\.provision"):
        load_backbone("mobilenet_v2", weights="imagenet")
    assert not (offline_hub / "checkpoints" / "vgg16-397923af.pth").exists()


def test_corrupt_cached_checkpoint_is_refused(offline_hub):
    (offline_hub / "checkpoints").mkdir(parents=True)
    (offline_hub / "checkpoints" / "mobilenet_v2-b0353104.pth").write_bytes(b"x" * 99)
    with pytest.raises(DataNotFoundError, match="is corrupt: its SHA-256 does not"):
        load_backbone("mobilenet_v2", weights="imagenet")


def test_download_goes_to_the_hub_cache(tmp_path, monkeypatch, packaged_checkpoint):
    """An online first use: torch hub downloads into <hub>/checkpoints and loads."""
    seen = []

    def fake_download(url, dst, hash_prefix=None, progress=True):
        seen.append((url, hash_prefix))
        shutil.copyfile(packaged_checkpoint, dst)

    monkeypatch.setattr(torch.hub, "_hub_dir", str(tmp_path))
    monkeypatch.setattr(torch.hub, "download_url_to_file", fake_download)
    fx = load_backbone("mobilenet_v2", weights="imagenet")
    assert seen == [
        ("https://download.pytorch.org/models/mobilenet_v2-b0353104.pth", "b0353104")
    ]
    assert (tmp_path / "checkpoints" / "mobilenet_v2-b0353104.pth").is_file()
    assert fx.weights == "imagenet"


@pytest.mark.slow
def test_vgg16_random_control_taps():
    fx = load_backbone("vgg16", weights="random", random_state=0)
    assert len(fx.layer_names) == 31 and fx.weights == "random"
    img = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    feats = fx.extract(img, ["conv1_1", "relu1_1", "pool5", "layer3"])
    # conv1_1 is read before the in-place ReLU that follows it
    assert float(feats["conv1_1"].min()) < 0
    torch.testing.assert_close(feats["relu1_1"], feats["conv1_1"].clamp(min=0))
    assert feats["pool5"].shape == (1, 512, 1, 1)
    assert feats["layer3"].shape == (1, 256, 4, 4)
    assert fx.receptive_stride("relu4_3") == 8
    assert fx.classify(img).shape == (1, 1000)
    with pytest.raises(ValidationError, match=r"at least 32×32 pixels .* got 16×16"):
        fx.extract(img[..., :16, :16], ["pool5"])


@pytest.mark.slow
def test_vgg16_user_path(tmp_path):
    torch.manual_seed(4)
    state = VGG16().state_dict()
    torch.save(state, tmp_path / "vgg16.pth")
    fx = load_backbone("vgg16", weights=tmp_path / "vgg16.pth")
    assert_same_state(fx.backbone, state)
