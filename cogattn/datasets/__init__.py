"""Public recordings used by the examples and labs, found locally or fetched on request.

Data live outside the package, in the folder named by the environment variable
``COGATTN_DATA`` (one sub-folder per data set). A loader never downloads on its own:
a missing file raises :class:`~cogattn.DataNotFoundError` saying which file is
missing, where it was looked for, where to get it and which variable to set;
``download=True`` fetches it from its public source, checked by SHA-256.

- :mod:`cogattn.datasets.mne_test`: MNE-Python's test recording (60 EEG channels,
  auditory and visual events, 24 s).
- :mod:`cogattn.datasets.brainspace_bold`: resting-state BOLD on fsaverage5, shipped
  with ``brainspace``; :mod:`cogattn.datasets.nitime_rois`: 31 fMRI ROI series, shipped
  with ``nitime``.
"""

from cogattn.datasets.mne_test import (
    DATA_ENV,
    fetch_mne_test,
    load_mne_test,
    mne_test_path,
)

__all__ = ["DATA_ENV", "fetch_mne_test", "load_mne_test", "mne_test_path"]
