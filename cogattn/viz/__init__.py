"""Figures: every matplotlib drawing of cogattn, one module per family.

- :mod:`cogattn.viz.search`: search slopes and asymmetry indices per paradigm, model
  variants against humans, and the lighting asymmetry after each training diet.
- :mod:`cogattn.viz.hebbian`: retrieval, recall and capacity of Hebbian memories.
- :mod:`cogattn.viz.encoders`: temporal response functions against evoked averages.
- :mod:`cogattn.viz.tensorbrain`: link-prediction MRR per model and data set, the
  semantic decoder's read-outs.
- :mod:`cogattn.viz.scanpath`: scanpaths over their image, metric distributions.
- :mod:`cogattn.viz.representations`: RDMs, CKA matrices, alignment generalisation,
  integration sites.

Importing these modules does not import matplotlib; each function imports it when it
draws. Model and analysis modules return arrays and tables, never figures.
"""

__all__ = [
    "encoders",
    "hebbian",
    "representations",
    "scanpath",
    "search",
    "tensorbrain",
]
