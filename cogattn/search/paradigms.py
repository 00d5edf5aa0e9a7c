"""The six search-asymmetry paradigms: layouts and item drawings.

Geometry follows the six classic paradigms compared with humans by Gupta, Zhang, Wu,
Wolfe & Kreiman (2021, NeurIPS, "Visual Search Asymmetry: Deep Nets and Humans Share
Similar Inherent Biases"). Each paradigm has two conditions, named by how hard they
are for humans: ``"easy"`` and ``"hard"``.

=============================  ========================================  ===========
paradigm                       easy / hard (target among distractors)    set sizes
=============================  ========================================  ===========
``curvature``                  curved among straight / straight among    8, 16, 32
                               curved
``lighting``                   top-bright among bottom-bright / left-    1, 6, 12
                               bright among right-bright discs
``intersection``               non-cross among crosses / cross among     3, 6, 9
                               non-crosses (each item in one of four
                               orientations)
``t_vs_l``                     T among Ls / L among Ts (each item in     3, 6, 9
                               one of four orientations)
``orientation_homogeneous``    20 deg tilted among vertical / vertical   1, 4, 8, 12
                               among 20 deg tilted
``orientation_heterogeneous``  vertical among mixed / 20 deg among       1, 4, 8, 12
                               mixed (+-40, +-60, +-80 deg)
=============================  ========================================  ===========

Drawing choices (not fixed by the published table; chosen here and kept constant):

- contrast polarity of the published eccNET stimuli: white strokes on black for
  curvature, black strokes on white for intersection, T vs L and both orientation
  paradigms (:attr:`ParadigmSpec.background` and :attr:`ParadigmSpec.ink`). The
  lighting discs lie on mid grey, their mean luminance, so that only the direction
  of the shading tells the discs from each other and from the background (eccNET's
  displays put them on a dark ground, 27/255; the scenes of the training-diet
  experiment, :mod:`cogattn.search.diet`, are grey too);
- curvature: vertical strokes 1.6 deg tall and 0.1 deg wide; the curved one is a
  circular arc bulging right with a depth (sagitta) of 0.32 deg;
- lighting: discs 1.04 deg across whose luminance runs linearly from 0 on the dark
  edge to 1 on the bright edge (mean 0.5, the background). Easy: the target is bright
  at the top (lit from above) among discs bright at the bottom; hard: the same display
  turned 90 deg counter-clockwise, the target bright on the left among discs bright on
  the right (the polarity of the published eccNET stimuli). After Kleffner &
  Ramachandran (1992), where top-bottom shading pops out and left-right shading does
  not;
- intersection: 5.5 x 5.5 deg items drawn with 0.5 deg strokes around a vertical
  stem of 5.5 deg. A cross adds one 5.5 deg horizontal bar through the stem at 35 %
  of its height; a non-cross splits that bar into its two halves, the left one at
  35 % and the right one at 65 % of the height, each meeting the stem without
  crossing it (two T junctions). Both items have the same box and the same ink;
- T vs L: 5.5 x 5.5 deg letters drawn with 0.5 deg strokes;
- intersection and T vs L: each display item is one of four drawings of its shape,
  drawn uniformly; the target image ``target`` is the upright drawing and the
  per-display cue ``targets`` is the display's target as drawn there (the search
  cue of the published eccNET stimuli, which show the model the very item it looks
  for). By default (``orientations="published"``) the four drawings are those of
  the published eccNET stimuli: the upright drawing, flipped upside down,
  transposed, and transposed then flipped left-right. For a cross these are its
  four quarter turns; for a T too; for an L (stroke on the left, bar at the
  bottom) they give the L turned by 0, 270 (twice) and 180 deg, so one quarter
  turn never appears and another comes up half the time; for a non-cross they
  mix the drawing with its mirror image. ``orientations="rotations"`` draws the
  four quarter turns instead (one mirror form of the non-cross, four equally
  likely Ls);
- orientation: bars 2 deg long and 0.3 deg wide; tilts are measured from vertical,
  positive clockwise (the top leans right).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.validation import check_option
from cogattn.search.shape_coverage import (
    arc_coverage,
    disc_coverage,
    pixel_offsets,
    rectangle_coverage,
)

__all__ = [
    "CONDITIONS",
    "ORIENTATIONS",
    "PARADIGMS",
    "ItemSet",
    "ParadigmSpec",
    "get_spec",
    "item_set",
    "paradigm_info",
]

#: The two conditions, named by their difficulty for humans.
CONDITIONS = ("easy", "hard")

#: How the four drawings of a turned item (intersection, T vs L) are made:
#: ``"published"``, the variants of the published eccNET stimuli (the upright
#: drawing, flipped upside down, transposed, transposed then flipped left-right), or
#: ``"rotations"``, its four quarter turns.
ORIENTATIONS = ("published", "rotations")


@dataclass(frozen=True)
class ParadigmSpec:
    """Layout of one paradigm, in degrees of visual angle.

    Parameters
    ----------
    name : str
        Paradigm name (one of :data:`PARADIGMS`).
    experiment : int
        Experiment number in Gupta et al. (2021), 1 to 6.
    field_deg : float
        Side of the square search field, degrees.
    grid : int
        Number of cells per side of the square grid.
    item_deg : float
        Nominal item size (the long side of its bounding box), degrees.
    set_sizes : tuple of int
        Set sizes tested (items per display, target included).
    easy : str
        Description of the condition easy for humans.
    hard : str
        Description of the condition hard for humans.
    background : float
        Luminance of the background, in [0, 1].
    ink : float
        Luminance of line strokes, in [0, 1] (the lighting discs are shaded
        instead, from 0 on their dark edge to 1 on their bright edge).
    """

    name: str
    experiment: int
    field_deg: float
    grid: int
    item_deg: float
    set_sizes: tuple[int, ...]
    easy: str
    hard: str
    background: float
    ink: float


_SPECS: dict[str, ParadigmSpec] = {
    s.name: s
    for s in (
        ParadigmSpec("curvature", 1, 11.3, 6, 1.6, (8, 16, 32),
                     "curved line among straight lines",
                     "straight line among curved lines", 0.0, 1.0),
        ParadigmSpec("lighting", 2, 6.6, 4, 1.04, (1, 6, 12),
                     "disc bright at the top among discs bright at the bottom",
                     "disc bright on the left among discs bright on the right",
                     0.5, 0.0),
        ParadigmSpec("intersection", 3, 20.5, 3, 5.5, (3, 6, 9),
                     "non-cross among crosses", "cross among non-crosses", 1.0, 0.0),
        ParadigmSpec("t_vs_l", 4, 20.5, 3, 5.5, (3, 6, 9),
                     "T among Ls", "L among Ts", 1.0, 0.0),
        ParadigmSpec("orientation_homogeneous", 5, 11.3, 4, 2.0, (1, 4, 8, 12),
                     "20 deg tilted bar among vertical bars",
                     "vertical bar among 20 deg tilted bars", 1.0, 0.0),
        ParadigmSpec("orientation_heterogeneous", 6, 11.3, 4, 2.0, (1, 4, 8, 12),
                     "vertical bar among bars tilted +-40, +-60, +-80 deg",
                     "20 deg tilted bar among bars tilted +-40, +-60, +-80 deg",
                     1.0, 0.0),
    )
}  # fmt: skip

#: Names of the six paradigms, in the order of the published experiments.
PARADIGMS: tuple[str, ...] = tuple(_SPECS)


def get_spec(paradigm: str) -> ParadigmSpec:
    """Return the layout of ``paradigm``.

    Parameters
    ----------
    paradigm : str
        One of :data:`PARADIGMS`.

    Returns
    -------
    spec : ParadigmSpec
    """
    check_option(paradigm, PARADIGMS, "paradigm")
    return _SPECS[paradigm]


@dataclass(frozen=True)
class ItemSet:
    """Rendered item drawings of one paradigm at one resolution.

    Parameters
    ----------
    patches : numpy.ndarray of shape (n_kinds, P, P), float32
        Each kind of item drawn on the background, centred on pixel
        ``((P - 1) / 2, (P - 1) / 2)``; ``P`` is odd and every border pixel is
        background.
    kinds : tuple of str
        Name of each kind.
    extents : numpy.ndarray of shape (n_kinds, 2), float64
        Height and width of each kind's bounding box, in pixels.
    roles : dict
        ``{condition: (target_kinds, target_image_kind, distractor_kinds)}``; display
        targets and distractors are drawn uniformly from their tuples of kind indices.
    """

    patches: np.ndarray
    kinds: tuple[str, ...]
    extents: np.ndarray
    roles: dict[str, tuple[tuple[int, ...], int, tuple[int, ...]]]

    @property
    def size(self) -> int:
        """Side ``P`` of the square patches, in pixels."""
        return int(self.patches.shape[-1])


def _patch_size(extent_px: float) -> int:
    # odd, with at least one background pixel beyond the antialiasing ramp
    return 2 * math.ceil(0.5 * extent_px + 0.5) + 3


def _rotated_extent(length: float, width: float, angle_deg: float) -> np.ndarray:
    a = np.deg2rad(angle_deg)
    h = length * abs(np.cos(a)) + width * abs(np.sin(a))
    w = length * abs(np.sin(a)) + width * abs(np.cos(a))
    return np.array([h, w])


def _draw(
    coverages: list[np.ndarray],
    spec: ParadigmSpec,
    value: np.ndarray | float | None = None,
) -> np.ndarray:
    """Union of ``coverages`` in ``value`` (default the ink) on the background."""
    cov = np.max(np.stack(coverages), axis=0)
    ink = spec.ink if value is None else value
    return (spec.background + cov * (ink - spec.background)).astype(np.float32)


def _curvature(
    ppd: float, spec: ParadigmSpec
) -> tuple[list[np.ndarray], list[str], list, dict]:
    chord, width, sagitta = 1.6 * ppd, 0.1 * ppd, 0.32 * ppd
    p = _patch_size(chord)
    c = ((p - 1) / 2, (p - 1) / 2)
    straight = _draw([rectangle_coverage((p, p), c, chord, width)], spec)
    curved = _draw([arc_coverage((p, p), c, chord, sagitta, width)], spec)
    ext = [[chord, width], [chord, sagitta + width]]
    roles = {"easy": ((1,), 1, (0,)), "hard": ((0,), 0, (1,))}
    return [straight, curved], ["straight", "curved"], ext, roles


def _lighting(
    ppd: float, spec: ParadigmSpec
) -> tuple[list[np.ndarray], list[str], list, dict]:
    diameter = 1.04 * ppd
    r = 0.5 * diameter
    p = _patch_size(diameter)
    c = ((p - 1) / 2, (p - 1) / 2)
    cov = disc_coverage((p, p), c, r)
    dy, dx = pixel_offsets((p, p), c)
    dy = np.broadcast_to(dy, (p, p))
    dx = np.broadcast_to(dx, (p, p))

    def shade(toward_bright: np.ndarray) -> np.ndarray:
        return np.clip(0.5 + 0.5 * toward_bright / r, 0.0, 1.0)

    shades = {  # offset toward the bright edge
        "bright_top": -dy,
        "bright_bottom": dy,
        "bright_left": -dx,
        "bright_right": dx,
    }
    names = list(shades)
    patches = [_draw([cov], spec, shade(v)) for v in shades.values()]
    ext = [[diameter, diameter]] * 4
    roles = {"easy": ((0,), 0, (1,)), "hard": ((2,), 2, (3,))}
    return patches, names, ext, roles


def _turned(
    bases: list[tuple[str, np.ndarray]], orientations: str
) -> tuple[list[np.ndarray], list[str]]:
    """Four drawings of each base: its quarter turns or the published variants.

    ``"rotations"``: turned by 0, 90, 180 and 270 deg counter-clockwise (names
    ``T0`` .. ``T270``). ``"published"``: the base, flipped upside down, transposed,
    and transposed then flipped left-right (names ``T0``, ``T_flipud``,
    ``T_transposed``, ``T_transposed_fliplr``), the four variants of the published
    eccNET stimuli. Both are exact on the odd-sized patches, whose centre is a pixel
    centre.
    """
    patches, names = [], []
    for name, base in bases:
        if orientations == "rotations":
            drawn = [np.rot90(base, k) for k in range(4)]
            labels = [f"{name}{90 * k}" for k in range(4)]
        else:
            drawn = [base, np.flipud(base), base.T, np.fliplr(base.T)]
            labels = [f"{name}0"] + [
                f"{name}_{op}" for op in ("flipud", "transposed", "transposed_fliplr")
            ]
        patches += [np.ascontiguousarray(d) for d in drawn]
        names += labels
    return patches, names


def _letter_frame(ppd: float) -> tuple[float, float, int, float, float]:
    """Geometry of a two-stroke letter (intersection, T vs L) 5.5 degrees wide.

    Returns the letter's side and stroke width in pixels, the side of its square
    patch, the patch centre and the patch coordinate of the letter's top and left
    edges.
    """
    size, width = 5.5 * ppd, 0.5 * ppd
    p = _patch_size(size)
    m = (p - 1) / 2
    return size, width, p, m, m - 0.5 * size


def _turned_letter_pair(
    first: tuple[str, np.ndarray],
    second: tuple[str, np.ndarray],
    size: float,
    orientations: str,
    *,
    easy_target: int,
) -> tuple[list[np.ndarray], list[str], list, dict]:
    """Four drawings of each of two letters, their extents and the two conditions.

    Kinds 0-3 are the first letter's drawings, 4-7 the second's; every extent is a
    ``size`` square. ``easy_target`` (0: the first letter, 1: the second) is the
    target of the easy condition, among the other letter; the hard condition swaps
    them. Each role is (target kinds, the target's upright kind, distractor kinds).
    """
    patches, names = _turned([first, second], orientations)
    ext = [[size, size]] * 8
    kinds = ((0, 1, 2, 3), (4, 5, 6, 7))
    easy, hard = kinds[easy_target], kinds[1 - easy_target]
    roles = {"easy": (easy, easy[0], hard), "hard": (hard, hard[0], easy)}
    return patches, names, ext, roles


def _intersection(
    ppd: float, spec: ParadigmSpec, orientations: str
) -> tuple[list[np.ndarray], list[str], list, dict]:
    size, width, p, m, corner = _letter_frame(ppd)
    top = left = corner
    y_high, y_low = top + 0.35 * size, top + 0.65 * size
    stem = rectangle_coverage((p, p), (m, m), size, width)
    cross = _draw(
        [stem, rectangle_coverage((p, p), (y_high, m), size, width, 90.0)], spec
    )
    # half bars run from an outer edge to the stem's axis: they overlap the stem
    # rather than abut it, so no antialiasing seam shows at the junction
    half = 0.5 * size
    non_cross = _draw(
        [
            stem,
            rectangle_coverage((p, p), (y_high, left + 0.5 * half), half, width, 90.0),
            rectangle_coverage(
                (p, p), (y_low, left + size - 0.5 * half), half, width, 90.0
            ),
        ],
        spec,
    )
    return _turned_letter_pair(
        ("cross", cross), ("non_cross", non_cross), size, orientations, easy_target=1
    )


def _t_vs_l(
    ppd: float, spec: ParadigmSpec, orientations: str
) -> tuple[list[np.ndarray], list[str], list, dict]:
    size, width, p, m, corner = _letter_frame(ppd)
    top = left = corner
    letter_t = _draw(
        [
            rectangle_coverage((p, p), (top + 0.5 * width, m), size, width, 90.0),
            rectangle_coverage((p, p), (m, m), size, width),
        ],
        spec,
    )
    letter_l = _draw(
        [
            rectangle_coverage((p, p), (m, left + 0.5 * width), size, width),
            rectangle_coverage(
                (p, p), (top + size - 0.5 * width, m), size, width, 90.0
            ),
        ],
        spec,
    )
    return _turned_letter_pair(
        ("T", letter_t), ("L", letter_l), size, orientations, easy_target=0
    )


def _bars(
    angles: tuple[float, ...], ppd: float, spec: ParadigmSpec
) -> tuple[list, list, list, int]:
    length, width = 2.0 * ppd, 0.3 * ppd
    p = _patch_size(math.hypot(length, width))
    c = ((p - 1) / 2, (p - 1) / 2)
    patches = [
        _draw([rectangle_coverage((p, p), c, length, width, a)], spec) for a in angles
    ]
    names = [f"tilt{a:+g}" for a in angles]
    ext = [_rotated_extent(length, width, a).tolist() for a in angles]
    return patches, names, ext, p


def _orientation_homogeneous(
    ppd: float, spec: ParadigmSpec
) -> tuple[list, list, list, dict]:
    patches, names, ext, _ = _bars((0.0, 20.0), ppd, spec)
    roles = {"easy": ((1,), 1, (0,)), "hard": ((0,), 0, (1,))}
    return patches, names, ext, roles


def _orientation_heterogeneous(
    ppd: float, spec: ParadigmSpec
) -> tuple[list, list, list, dict]:
    angles = (0.0, 20.0, -40.0, 40.0, -60.0, 60.0, -80.0, 80.0)
    patches, names, ext, _ = _bars(angles, ppd, spec)
    mixed = (2, 3, 4, 5, 6, 7)
    roles = {"easy": ((0,), 0, mixed), "hard": ((1,), 1, mixed)}
    return patches, names, ext, roles


_BUILDERS: dict[str, Callable[[float, ParadigmSpec], tuple[list, list, list, dict]]] = {
    "curvature": _curvature,
    "lighting": _lighting,
    "orientation_homogeneous": _orientation_homogeneous,
    "orientation_heterogeneous": _orientation_heterogeneous,
}
#: Builders of the paradigms whose items are turned (they take ``orientations``).
_TURNED_BUILDERS: dict[
    str, Callable[[float, ParadigmSpec, str], tuple[list, list, list, dict]]
] = {"intersection": _intersection, "t_vs_l": _t_vs_l}

_ITEM_CACHE: dict[tuple[str, float, str], ItemSet] = {}


def item_set(
    paradigm: str, px_per_degree: float, orientations: str = "published"
) -> ItemSet:
    """Draw every kind of item of ``paradigm`` at ``px_per_degree``.

    Parameters
    ----------
    paradigm : str
        One of :data:`PARADIGMS`.
    px_per_degree : float
        Resolution in pixels per degree of visual angle.
    orientations : {"published", "rotations"}
        The four drawings of each turned item (intersection and T vs L; ignored by
        the other paradigms): the published eccNET variants (upright, flipped upside
        down, transposed, transposed and flipped left-right) or the four quarter
        turns; see :data:`ORIENTATIONS`.

    Returns
    -------
    items : ItemSet
        Read-only drawings (cached per paradigm, resolution and orientations).
    """
    check_option(paradigm, PARADIGMS, "paradigm")
    check_option(orientations, ORIENTATIONS, "orientations")
    turned = paradigm in _TURNED_BUILDERS
    key = (paradigm, float(px_per_degree), orientations if turned else "")
    if key not in _ITEM_CACHE:
        ppd, spec = float(px_per_degree), _SPECS[paradigm]
        if turned:
            built = _TURNED_BUILDERS[paradigm](ppd, spec, orientations)
        else:
            built = _BUILDERS[paradigm](ppd, spec)
        patches, names, ext, roles = built
        arr = np.stack(patches).astype(np.float32)
        arr.setflags(write=False)
        extents = np.asarray(ext, dtype=np.float64)
        extents.setflags(write=False)
        _ITEM_CACHE[key] = ItemSet(arr, tuple(names), extents, roles)
    return _ITEM_CACHE[key]


def paradigm_info(paradigm: str) -> dict[str, Any]:
    """Layout and human reference numbers of one paradigm.

    Parameters
    ----------
    paradigm : str
        One of :data:`PARADIGMS`.

    Returns
    -------
    info : dict
        Keys: ``name``, ``experiment``, ``field_deg`` (degrees), ``grid`` (cells per
        side), ``item_deg`` (degrees), ``set_sizes``, ``background`` and ``ink``
        (luminances in [0, 1]), ``easy`` and ``hard``
        (descriptions), ``human_slope_easy`` and ``human_slope_hard`` (ms/item),
        ``human_ai``, ``eccnet_slope_easy``, ``eccnet_slope_hard`` (ms/item),
        ``eccnet_ai``, ``reference`` (citation of the human data).
    """
    from cogattn.search.analysis import load_human_reference

    spec = get_spec(paradigm)
    row = load_human_reference().set_index("paradigm").loc[paradigm]
    info: dict[str, Any] = {
        "name": spec.name,
        "experiment": spec.experiment,
        "field_deg": spec.field_deg,
        "grid": spec.grid,
        "item_deg": spec.item_deg,
        "set_sizes": spec.set_sizes,
        "background": spec.background,
        "ink": spec.ink,
        "easy": spec.easy,
        "hard": spec.hard,
    }
    for key in (
        "human_slope_easy",
        "human_slope_hard",
        "human_ai",
        "eccnet_slope_easy",
        "eccnet_slope_hard",
        "eccnet_ai",
    ):
        info[key] = float(row[key])
    info["reference"] = str(row["human_source"])
    return info
