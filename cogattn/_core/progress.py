"""Progress bars through ``tqdm.auto``, silent when not wanted."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from cogattn._core.log import resolve_verbose

__all__ = ["progress_bar"]


def progress_bar(
    iterable: Iterable[Any] | None = None,
    *,
    total: int | None = None,
    desc: str | None = None,
    verbose: bool | str | int | None = None,
    unit: str = "it",
) -> Any:
    """Wrap ``iterable`` in a tqdm bar with ETA, or a silent bar.

    The bar is shown when ``verbose`` resolves to INFO (``True``) and standard error
    is a terminal, or whenever ``verbose`` is exactly ``True``.

    Parameters
    ----------
    iterable : iterable | None
        What to iterate over; ``None`` gives a manual bar (call ``update``).
    total : int | None
        Number of items, when ``iterable`` has no length.
    desc : str | None
        Text in front of the bar.
    verbose : bool | str | int | None
        ``False`` silences the bar; ``None`` shows it only on a terminal.
    unit : str
        Name of one item.

    Returns
    -------
    bar : tqdm.tqdm
        A tqdm object (disabled when silent), usable as an iterator and a context
        manager.
    """
    from tqdm.auto import tqdm

    if verbose is True:
        disable = False
    elif verbose is None:
        disable = not sys.stderr.isatty()
    else:
        disable = not resolve_verbose(verbose) or not sys.stderr.isatty()
    return tqdm(iterable, total=total, desc=desc, disable=disable, unit=unit)
