"""Names of the 1000 ImageNet-1k (ILSVRC-2012) classes, in the standard index order."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["imagenet_labels"]

_FILE = "imagenet_classes.txt"


@lru_cache(maxsize=1)
def _read_labels() -> tuple[str, ...]:
    text = resources.files("cogattn.features").joinpath(_FILE).read_text("utf-8")
    labels = tuple(line.strip() for line in text.splitlines() if line.strip())
    if len(labels) != 1000:  # a damaged installation, not a user error
        raise RuntimeError(f"{_FILE} holds {len(labels)} class names instead of 1000")
    return labels


def imagenet_labels() -> list[str]:
    """Return the ImageNet-1k class names, indexed like the classifier outputs.

    Returns
    -------
    labels : list of str, length 1000
        ``labels[i]`` names output ``i`` of an ImageNet classifier (the index order
        of the ILSVRC-2012 synsets sorted by WordNet ID), e.g. ``labels[281]`` is
        ``"tabby"`` and ``labels[967]`` is ``"espresso"``.
    """
    return list(_read_labels())
