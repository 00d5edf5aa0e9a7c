"""Procedural scenes for the semantic decoder: objects, spatial relations, images.

A scene (an *episode*) shows ``n_objects`` entities drawn from a pool. Every entity
has fixed unary labels, a shape class, a colour and a size, and a *home* position:
in each scene it appears near its home, so the spatial relations between entities
follow regular statistics that a semantic memory can learn. The triples of a scene
are all ordered pairs ``(subject, predicate, object)`` of its objects, with the
predicate read from their displacement ``d = position(object) - position(subject)``
(image coordinates, ``y`` pointing down) by its dominant axis:

- ``left_of`` when the subject lies left of the object (``d_x > |d_y|``),
- ``right_of`` (``-d_x > |d_y|``), ``above`` (``d_y >= |d_x|``), ``below``.

Scenes are rendered as RGB images with values in [0, 1]; :func:`object_crops`
cuts the square patch centred on each object, the sensory input of the decoder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_positive

__all__ = [
    "CLASSES",
    "COLOURS",
    "PREDICATES",
    "SIZES",
    "EntityPool",
    "Scenes",
    "make_entities",
    "make_scenes",
    "object_crops",
    "render_scenes",
]

CLASSES = ("disc", "square", "triangle", "cross")
COLOURS = ("red", "green", "blue", "yellow")
SIZES = ("small", "large")
PREDICATES = ("left_of", "right_of", "above", "below")
_RGB = np.array([[0.9, 0.1, 0.1], [0.1, 0.8, 0.1], [0.15, 0.3, 1.0], [0.95, 0.85, 0.1]])
_RADIUS = (2.6, 4.6)


@dataclass(frozen=True)
class EntityPool:
    """Entities with unary labels and home positions.

    Attributes
    ----------
    labels : array of int of shape (n_entities, 3)
        Class, colour and size index of each entity (all combinations distinct).
    home : array of float of shape (n_entities, 2)
        Home position (x, y) in pixels.
    image_size : int
        Side of the square images in pixels.
    """

    labels: np.ndarray
    home: np.ndarray
    image_size: int

    @property
    def n_entities(self) -> int:
        """Number of entities."""
        return len(self.labels)

    def subset(self, index: Any) -> EntityPool:
        """Return the entities ``index`` (e.g. the known or the novel ones)."""
        index = np.asarray(index)
        return EntityPool(self.labels[index], self.home[index], self.image_size)


def make_entities(
    n_entities: int = 24, *, image_size: int = 40, random_state: Any = None
) -> EntityPool:
    """Draw ``n_entities`` entities with distinct unary labels and home positions.

    Parameters
    ----------
    n_entities : int
        At most ``len(CLASSES) * len(COLOURS) * len(SIZES)`` (32).
    image_size : int
        Side of the images in pixels (at least 24).
    random_state : int | numpy.random.Generator | None

    Returns
    -------
    pool : EntityPool
    """
    n_combos = len(CLASSES) * len(COLOURS) * len(SIZES)
    check_int(n_entities, "n_entities", low=2, high=n_combos)
    check_int(image_size, "image_size", low=24)
    rng = check_random_state(random_state)
    combos = rng.permutation(n_combos)[:n_entities]
    labels = np.stack(
        np.unravel_index(combos, (len(CLASSES), len(COLOURS), len(SIZES))), 1
    ).astype(np.int64)
    margin = 8.0
    home = rng.uniform(margin, image_size - margin, size=(n_entities, 2))
    return EntityPool(labels, home, int(image_size))


@dataclass(frozen=True)
class Scenes:
    """Episodes: which entities appear where, and their triples.

    Attributes
    ----------
    entities : array of int of shape (n_scenes, n_objects)
        Entity index of each object.
    positions : array of float of shape (n_scenes, n_objects, 2)
        Object centres (x, y) in pixels.
    triples : array of int of shape (n_triples, 4)
        ``(scene, subject object slot, predicate, object slot)``, every ordered
        pair of slots of every scene.
    pool : EntityPool
    """

    entities: np.ndarray
    positions: np.ndarray
    triples: np.ndarray
    pool: EntityPool

    @property
    def n_scenes(self) -> int:
        """Number of scenes."""
        return len(self.entities)

    def entity_triples(self) -> np.ndarray:
        """Return ``(scene, subject entity, predicate, object entity)`` rows."""
        t = self.triples
        return np.stack(
            [
                t[:, 0],
                self.entities[t[:, 0], t[:, 1]],
                t[:, 2],
                self.entities[t[:, 0], t[:, 3]],
            ],
            1,
        )


def _predicate(d: np.ndarray) -> np.ndarray:
    dx, dy = d[..., 0], d[..., 1]
    return np.where(
        np.abs(dx) > np.abs(dy),
        np.where(dx > 0, 0, 1),
        np.where(dy >= 0, 2, 3),
    )


def make_scenes(
    pool: EntityPool,
    n_scenes: int,
    *,
    n_objects: int = 3,
    jitter: float = 4.0,
    allowed: Any = None,
    first: Any = None,
    random_state: Any = None,
) -> Scenes:
    """Draw scenes of distinct entities placed near their homes.

    Parameters
    ----------
    pool : EntityPool
    n_scenes, n_objects : int
    jitter : float
        Standard deviation (pixels) of each object's offset from its home.
    allowed : array of int | None
        The entities the scenes draw from (``None``: all of the pool).
    first : array of int | None
        When given, the first object of every scene is drawn from these entities
        and the others from ``allowed`` (e.g. a novel entity among known ones).
    random_state : int | numpy.random.Generator | None

    Returns
    -------
    scenes : Scenes
    """
    check_int(n_scenes, "n_scenes", low=1)
    check_positive(jitter, "jitter", strict=False)
    rng = check_random_state(random_state)
    allowed = np.arange(pool.n_entities) if allowed is None else np.asarray(allowed)
    n_rest = n_objects - (first is not None)
    check_int(n_objects, "n_objects", low=2, high=len(allowed) + (first is not None))
    ents = allowed[np.argsort(rng.random((n_scenes, len(allowed))), 1)[:, :n_rest]]
    if first is not None:
        first = np.asarray(first)
        if np.isin(first, allowed).any():
            raise ValidationError("first and allowed must not share entities")
        ents = np.concatenate([rng.choice(first, size=(n_scenes, 1)), ents], 1)
    size = pool.image_size
    pos = pool.home[ents] + rng.normal(0.0, jitter, size=(n_scenes, n_objects, 2))
    pos = np.clip(pos, 5.0, size - 5.0)
    si, sj = np.nonzero(~np.eye(n_objects, dtype=bool))
    scene = np.repeat(np.arange(n_scenes), len(si))
    subj = np.tile(si, n_scenes)
    obj = np.tile(sj, n_scenes)
    pred = _predicate(pos[scene, obj] - pos[scene, subj])
    triples = np.stack([scene, subj, pred, obj], 1).astype(np.int64)
    return Scenes(ents.astype(np.int64), pos, triples, pool)


def render_scenes(scenes: Scenes) -> np.ndarray:
    """Render every scene: array of shape (n_scenes, 3, size, size), values in [0, 1].

    Discs, squares, triangles and crosses are drawn with antialiased edges (a
    one-pixel ramp of a signed distance), later objects over earlier ones.
    """
    size = scenes.pool.image_size
    n, k = scenes.entities.shape
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    img = np.zeros((n, size, size, 3))
    labels = scenes.pool.labels[scenes.entities]  # (n, k, 3)
    for slot in range(k):
        cx = scenes.positions[:, slot, 0][:, None, None]
        cy = scenes.positions[:, slot, 1][:, None, None]
        cls, col, sz = labels[:, slot, 0], labels[:, slot, 1], labels[:, slot, 2]
        r = np.array(_RADIUS)[sz][:, None, None]
        dx, dy = xx[None] - cx, yy[None] - cy
        dist = np.stack(
            [
                np.hypot(dx, dy) - r,  # disc
                np.maximum(np.abs(dx), np.abs(dy)) - 0.85 * r,  # square
                np.maximum(-dy - 0.8 * r, np.abs(dx) * 1.7 + dy - 0.9 * r),  # triangle
                np.minimum(  # cross
                    np.maximum(np.abs(dx) - 0.3 * r, np.abs(dy) - r),
                    np.maximum(np.abs(dy) - 0.3 * r, np.abs(dx) - r),
                ),
            ]
        )[cls, np.arange(n)]
        alpha = np.clip(0.5 - dist, 0.0, 1.0)[..., None]
        img = img * (1 - alpha) + alpha * _RGB[col][:, None, None, :]
    return img.transpose(0, 3, 1, 2)


def object_crops(
    images: np.ndarray, positions: np.ndarray, crop: int = 14
) -> np.ndarray:
    """Cut the ``crop x crop`` patch centred on each object (zero-padded borders).

    Parameters
    ----------
    images : array of shape (n_scenes, 3, size, size)
    positions : array of shape (n_scenes, n_objects, 2)
        Object centres (x, y) in pixels.
    crop : int
        Side of the patch in pixels.

    Returns
    -------
    crops : array of shape (n_scenes, n_objects, 3, crop, crop)
    """
    if images.ndim != 4 or positions.ndim != 3 or len(images) != len(positions):
        raise ValidationError(
            "images must have shape (n_scenes, 3, size, size) and positions "
            f"(n_scenes, n_objects, 2); got {images.shape} and {positions.shape}"
        )
    check_int(crop, "crop", low=2)
    n = positions.shape[0]
    pad = crop
    padded = np.pad(images, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    x0 = np.round(positions[..., 0]).astype(int) - crop // 2 + pad
    y0 = np.round(positions[..., 1]).astype(int) - crop // 2 + pad
    off = np.arange(crop)
    rows = (y0[..., None] + off)[:, :, :, None]  # (n, k, crop, 1)
    cols = (x0[..., None] + off)[:, :, None, :]  # (n, k, 1, crop)
    scene = np.arange(n)[:, None, None, None]
    out = padded[scene, :, rows, cols]  # (n, k, crop, crop, 3)
    return np.moveaxis(out, -1, 2)
