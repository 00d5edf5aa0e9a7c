"""Teaching labs: answer checks for students, and the builder of lab notebooks.

Every lab in ``docs/labs/`` is written once, as a jupytext percent script
(``NN_topic.py``) holding the full solution. :mod:`cogattn.labs.build` turns it into
two notebooks: the student version (``NN_topic.ipynb``, exercises blanked to ``...``)
and the solution version (``solutions/NN_topic.ipynb``). The check cells of a lab call
the functions below; they print a short confirmation when the answer is right and
raise :class:`LabCheckError`, saying what is wrong, when it is not.
"""

from __future__ import annotations

from cogattn.labs.checks import LabCheckError, check_close, check_true

__all__ = ["LabCheckError", "check_close", "check_true"]
