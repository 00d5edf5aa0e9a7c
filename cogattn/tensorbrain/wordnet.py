"""The WordNet noun hierarchy as a knowledge graph.

Reads WordNet 3.0's ``data.noun`` (the Princeton database format, as shipped by the
Debian package ``wordnet-base`` in ``/usr/share/wordnet/``): one synset a line,

``offset lex_filenum n w_cnt word lex_id ... p_cnt [sym offset pos src/tgt]... | gloss``

with ``w_cnt`` in hexadecimal and ``p_cnt`` in decimal; lines that start with two
spaces are the licence header. Every noun-to-noun pointer of a chosen kind becomes a
triple ``(synset, relation, target synset)``. Synsets are named
``<first lemma>.<offset>`` (e.g. ``dog.02084071``), unique and stable across readers.

Relations (pointer symbols): ``hypernym`` (``@``), ``instance_hypernym`` (``@i``),
``member_holonym`` (``#m``), ``substance_holonym`` (``#s``), ``part_holonym``
(``#p``). Their inverses (hyponyms, meronyms) are the same edges read backwards and are
not added.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cogattn._core.errors import DataNotFoundError, ValidationError
from cogattn.tensorbrain.graphs import KnowledgeGraph

__all__ = ["WORDNET_RELATIONS", "read_wordnet_nouns", "wordnet_noun_path"]

#: relation name -> WordNet pointer symbol
WORDNET_RELATIONS = {
    "hypernym": "@",
    "instance_hypernym": "@i",
    "member_holonym": "#m",
    "substance_holonym": "#s",
    "part_holonym": "#p",
}
#: where Debian's wordnet-base installs the database
DEBIAN_PATH = Path("/usr/share/wordnet/data.noun")


def wordnet_noun_path(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the path of ``data.noun``.

    Looked for in ``<data_dir>/wordnet/`` (``None``: ``$COGATTN_DATA/wordnet/``), then
    in Debian's ``/usr/share/wordnet/``.

    Raises
    ------
    DataNotFoundError
        When neither holds the file; the message says how to get it.
    """
    env = os.environ.get("COGATTN_DATA") or None
    root = data_dir if data_dir is not None else env
    candidates = [Path(root) / "wordnet" / "data.noun"] if root else []
    candidates.append(DEBIAN_PATH)
    for path in candidates:
        if path.is_file():
            return path
    raise DataNotFoundError(
        f"no WordNet data.noun in {', '.join(str(c.parent) for c in candidates)}: "
        "install the Debian package wordnet-base (apt-get install wordnet-base) or "
        "copy "
        "WordNet 3.0's dict/data.noun to $COGATTN_DATA/wordnet/"
    )


def read_wordnet_nouns(
    path: str | os.PathLike | None = None,
    *,
    relations: Sequence[str] = ("hypernym", "instance_hypernym"),
) -> KnowledgeGraph:
    """Read the WordNet noun synsets and their pointers into a :class:`KnowledgeGraph`.

    Parameters
    ----------
    path : path-like | None
        A ``data.noun`` file (``None``: :func:`wordnet_noun_path`).
    relations : sequence of str
        Pointer kinds to keep (keys of :data:`WORDNET_RELATIONS`).

    Returns
    -------
    graph : KnowledgeGraph
        Every noun synset is an entity (in file order), also those without a kept
        pointer; relations in the order given. A pointer repeated within a synset
        (WordNet lists some twice, for different lemmas) is one triple.

    Raises
    ------
    ValidationError
        On a malformed line (named by its number), a pointer to a synset the file
        lacks, an unknown relation, or a file without synsets.
    """
    relations = list(relations)
    unknown = [r for r in relations if r not in WORDNET_RELATIONS]
    if unknown or not relations:
        raise ValidationError(
            f"relations must be a non-empty subset of {sorted(WORDNET_RELATIONS)}; got "
            f"{relations}"
        )
    symbol_to_rel = {WORDNET_RELATIONS[r]: i for i, r in enumerate(relations)}
    path = wordnet_noun_path() if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no WordNet data file at {path}")
    offsets: list[str] = []
    names: list[str] = []
    edges: list[tuple[int, int, str]] = []  # (synset row, relation, target offset)
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith("  ") or not line.strip():
                continue
            try:
                fields = line.split(" | ", 1)[0].split()
                offset, ss_type = fields[0], fields[2]
                n_words = int(fields[3], 16)
                lemma = fields[4]
                pos = 4 + 2 * n_words
                n_ptr = int(fields[pos])
                ptrs = fields[pos + 1 : pos + 1 + 4 * n_ptr]
                if len(ptrs) != 4 * n_ptr or not offset.isdigit() or ss_type != "n":
                    raise ValueError
            except (ValueError, IndexError):
                raise ValidationError(
                    f"{path}, line {number}: not a WordNet noun synset line "
                    "('offset lex_filenum n w_cnt word lex_id ... p_cnt pointers | "
                    f"gloss'); got {line[:80]!r}"
                ) from None
            row = len(offsets)
            offsets.append(offset)
            names.append(f"{lemma}.{offset}")
            for j in range(n_ptr):
                symbol, target, target_pos = ptrs[4 * j : 4 * j + 3]
                rel = symbol_to_rel.get(symbol)
                if rel is not None and target_pos == "n":
                    edges.append((row, rel, target))
    if not offsets:
        raise ValidationError(f"{path} holds no noun synsets")
    index = {o: i for i, o in enumerate(offsets)}
    triples = np.empty((len(edges), 3), dtype=np.int64)
    for k, (row, rel, target) in enumerate(edges):
        t = index.get(target)
        if t is None:
            raise ValidationError(
                f"{path}: synset {names[row]} points to {target}, which the file lacks"
            )
        triples[k] = (row, rel, t)
    triples = np.unique(triples, axis=0)
    return KnowledgeGraph(triples, tuple(names), tuple(relations))
