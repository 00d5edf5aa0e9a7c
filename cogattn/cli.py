"""The ``cogattn`` command line (also ``python -m cogattn``).

Commands::

    cogattn run SPEC [--set KEY=VALUE ...] [--executor E] [--scheduler ADDR]
                     [--n-workers N] [--out DIR] [--module MODULE] [--verify]
                     [--quiet]
    cogattn list [--dir DIR]
    cogattn show RUN
    cogattn report RUN [--module MODULE]
    cogattn info

``SPEC`` is the name of a shipped experiment (``hebbian_memory``: the spec packaged
with cogattn, or the checkout's ``experiments/hebbian_memory.toml``) or the path of a
TOML file.

A spec is code: its ``module`` field names a Python module that is imported to run
the experiment. The command line imports it only when it is named again with
``--module MODULE`` (for ``run`` and ``report``), and never from the current folder
unless that folder is on ``PYTHONPATH``: ``python -m cogattn`` drops the current
folder that Python puts first on ``sys.path``. ``show`` never imports a module.

Exit codes: 0 success (every check passed, every task done), 1 some check or task
failed or the run is incomplete, 2 bad input, 3 a damaged run folder (ledger, spec
file). An error prints one line, ``cogattn: error: <message>``, on standard error;
bad input writes nothing. Ctrl-C prints one line and exits 130. Heavy libraries are
imported inside the commands only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from cogattn._core.errors import CogattnError, SpecError, StoreError

__all__ = ["build_parser", "load_run_spec", "main"]

PROG = "cogattn"


class _UsageError(Exception):
    """A command-line syntax error (reported as one line, exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see '{self.prog} --help')")


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def _print_checks(summary: Any) -> None:
    print(f"report: {summary.path}")
    if summary.status:
        print(summary.status)
    for check in summary.checks:
        print(check.line)


def allow_module(spec_module: str | None, given: str | None) -> None:
    """Refuse to import a spec's module unless the user named it.

    Parameters
    ----------
    spec_module : str | None
        The spec's ``module`` field.
    given : str | None
        The ``--module`` option.

    Raises
    ------
    cogattn.SpecError
        When the spec names a module and ``--module`` does not name the same one.
    """
    if spec_module is None:
        if given is not None:
            raise SpecError(
                f"--module: the spec names no module, but --module {given!r} was given"
            )
        return
    if given is None:
        raise SpecError(
            f"module: the spec imports module {spec_module!r}, which runs its code; "
            f"pass --module {spec_module} to allow it (it is imported from installed "
            "packages and PYTHONPATH, never from the current folder)"
        )
    if given != spec_module:
        raise SpecError(
            f"--module: the spec imports module {spec_module!r}, not {given!r}"
        )


@contextlib.contextmanager
def _without_implicit_cwd(drop: bool) -> Iterator[None]:
    """Leave out the current folder that ``python -m`` puts first on ``sys.path``."""
    first = sys.path[0] if sys.path else None
    if not drop or sys.flags.safe_path or first not in ("", os.getcwd()):
        yield
        return
    del sys.path[0]
    try:
        yield
    finally:
        sys.path.insert(0, first)


def _spec_file(spec: str) -> Path:
    """Return the file of ``SPEC``: a path when it looks like one, else by name."""
    path = Path(spec)
    if path.is_file() or path.suffix == ".toml" or "/" in spec or os.sep in spec:
        return path
    from cogattn.experiments import spec_path

    return spec_path(spec)


def load_run_spec(
    spec: str, overrides: Sequence[str] = (), module: str | None = None
) -> Any:
    """Load the spec of ``cogattn run``: a shipped name or a path, with overrides.

    Parameters
    ----------
    spec : str
        Name of a shipped experiment (see :func:`cogattn.experiments.spec_path`)
        or path of a TOML spec file.
    overrides : sequence of str
        ``key=value`` changes (see :mod:`cogattn.sim.overrides`).
    module : str | None
        The module the user allows the spec to import (``--module``); see
        :func:`allow_module`.

    Returns
    -------
    spec : cogattn.sim.Spec
        The validated spec.
    """
    from cogattn.sim.spec import load_spec, read_toml

    path = _spec_file(spec)
    if overrides:
        from cogattn.sim.overrides import apply_overrides

        data, _ = read_toml(path)
        unchecked = load_spec(apply_overrides(data, overrides), check_experiment=False)
    else:
        unchecked = load_spec(path, check_experiment=False)
    allow_module(unchecked.module, module)
    return load_spec(unchecked)


def _cmd_run(args: argparse.Namespace) -> int:
    from cogattn.sim.runner import run

    results = run(
        load_run_spec(args.spec, args.set or (), args.module),
        out=args.out,
        executor=args.executor,
        scheduler=args.scheduler,
        n_workers=args.n_workers,
        verbose=False if args.quiet else None,
        verify=args.verify,
    )
    counts = results.counts
    print(
        f"run: {results.run_dir} ({counts['done']} done, {counts['failed']} failed, "
        f"{counts['pending']} pending)"
    )
    _print_checks(results.report)
    if counts["failed"]:
        print(
            f"{counts['failed']} task(s) failed; see 'cogattn show {results.run_dir}'"
        )
    return 0 if results.report.all_passed and not counts["failed"] else 1


def _spec_dirs(given: str | None) -> list[Path]:
    if given is not None:
        return [Path(given)]
    from cogattn.experiments import shipped_spec_dir

    dirs = [Path("experiments")]
    shipped = shipped_spec_dir()
    if shipped is not None and shipped.resolve() != dirs[0].resolve():
        dirs.append(shipped)
    return [d for d in dirs if d.is_dir()]


def _cmd_list(args: argparse.Namespace) -> int:
    from cogattn.sim.registry import list_experiments
    from cogattn.sim.spec import read_toml

    dirs = _spec_dirs(args.dir)
    if args.dir is not None and not dirs[0].is_dir():
        raise CogattnError(f"--dir: {args.dir!r} is not a folder")
    print("experiments:")
    for name in list_experiments():
        print(f"  {name}")
    for folder in dirs:
        print(f"specs in {folder}:")
        files = sorted(folder.glob("*.toml"))
        for path in files:
            try:
                data, _ = read_toml(path)
                name = data.get("experiment", "?")
            except CogattnError as err:
                name = f"unreadable: {_one_line(str(err))}"
            print(f"  {path}  ({name})")
        if not files:
            print("  (none)")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from cogattn.sim.report import executor_text, incomplete_text
    from cogattn.sim.results import load_results

    results = load_results(args.run)
    spec = results.spec
    counts = results.counts
    print(f"run: {results.run_dir}")
    print(
        f"experiment: {spec.experiment}"
        + (f" (module {spec.module})" if spec.module else "")
    )
    if spec.description:
        print(f"description: {_one_line(spec.description)}")
    print(
        f"seed: {spec.seed}  repetitions: {spec.repetitions}  "
        f"executor: {executor_text(results)}  identity: {spec.identity_hash[:8]}"
    )
    for name, value in spec.fixed.items():
        print(f"fixed {name} = {value!r}")
    for name, values in spec.grid.items():
        print(f"grid {name} = {values!r}")
    print(
        f"tasks: {counts['total']} total, {counts['done']} done, "
        f"{counts['failed']} failed, {counts['pending']} pending"
    )
    if results.damaged:
        print(
            f"damaged: {len(results.damaged)} done task(s) have a missing or damaged "
            "array file (counted as pending; the next run computes them again): "
            + ", ".join(results.damaged[:10])
            + (" ..." if len(results.damaged) > 10 else "")
        )
    status = incomplete_text(results)
    if status:
        print(status)
    swept = list(spec.grid)
    for key, row in results.failed.iterrows():
        params = ", ".join(f"{n}={row[n]!r}" for n in swept)
        print(
            f"failed {key} ({params + ', ' if params else ''}repetition "
            f"{row['repetition']}, {row['attempts']} attempts):"
        )
        for line in str(row["error"]).rstrip().splitlines():
            print(f"    {line}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from cogattn.sim.ledger import SPEC_FILE
    from cogattn.sim.report import write_report
    from cogattn.sim.results import check_run_folder
    from cogattn.sim.spec import load_spec

    run_dir = check_run_folder(args.run)
    allow_module(
        load_spec(run_dir / SPEC_FILE, check_experiment=False).module, args.module
    )
    summary = write_report(run_dir)
    _print_checks(summary)
    return 0 if summary.all_passed else 1


def _cmd_info(args: argparse.Namespace) -> int:
    import platform
    from importlib import metadata

    import cogattn

    print(f"cogattn: {cogattn.__version__}")
    print(f"python: {platform.python_version()} ({sys.executable})")
    for dist in ("numpy", "scipy", "torch", "numba", "mne", "dask", "distributed"):
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "not installed"
        print(f"{dist}: {version}")
    from cogattn._core.backend import available_backends

    print(f"backends: {', '.join(available_backends())}")
    try:
        import torch

        cuda = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    except ImportError:
        cuda = "none (torch not installed)"
    print(f"cuda device: {cuda}")
    from cogattn._core.jit import HAS_NUMBA

    print(f"numba jit: {'on' if HAS_NUMBA else 'off'} (COGATTN_USE_NUMBA)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``cogattn`` command."""
    parser = _Parser(
        prog=PROG,
        description="Run and inspect cogattn experiment sweeps.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p_run = sub.add_parser(
        "run",
        help="run (or resume) a spec and write its report",
        description="Run (or resume) an experiment spec and write its report.",
        epilog=(
            "--set changes the spec without copying the file; the value is a TOML "
            "literal (--set n_trials=5, --set 'd_k=[16,32]', --set "
            "'executor=\"dask\"'). KEY is a top-level field (description, seed, "
            "repetitions, executor, n_workers, scheduler) or a parameter: a bare name "
            "is looked up in [fixed], then [grid], and keeps its section (a single "
            "value for a grid parameter runs that one value); fixed.NAME or "
            "grid.NAME chooses the section, and adds or moves the parameter. A "
            "bare name that is also a top-level field means the field. Overrides of "
            "seed, repetitions or parameters change the spec's identity, hence its "
            "task seeds and its default run folder: such a run never resumes a run "
            "of the unchanged spec."
        ),
    )
    p_run.add_argument(
        "spec",
        metavar="SPEC",
        help="name of a shipped experiment (e.g. hebbian_memory) or a TOML spec file",
    )
    p_run.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="change one field or parameter (repeatable; see below)",
    )
    p_run.add_argument(
        "--executor",
        help="override the spec's executor: serial, processes or dask",
    )
    p_run.add_argument(
        "--scheduler", metavar="ADDR", help="dask scheduler tcp://host:port"
    )
    p_run.add_argument("--n-workers", type=int, metavar="N", help="number of workers")
    p_run.add_argument(
        "--out", metavar="DIR", help="run folder (default runs/<experiment>-<hash8>)"
    )
    p_run.add_argument(
        "--module",
        metavar="MODULE",
        help="allow the spec to import this module (its 'module' field): a spec "
        "is code, and its module is imported only when named here",
    )
    p_run.add_argument(
        "--verify",
        action="store_true",
        help="recompute the checksum of every stored array file; tasks whose file "
        "is missing or damaged are computed again",
    )
    p_run.add_argument(
        "--quiet", action="store_true", help="no progress bar or progress lines"
    )
    p_run.set_defaults(func=_cmd_run)

    p_list = sub.add_parser("list", help="registered experiments and spec files")
    p_list.add_argument(
        "--dir",
        metavar="DIR",
        help="folder of spec files (default: ./experiments and the shipped specs)",
    )
    p_list.set_defaults(func=_cmd_list)

    p_show = sub.add_parser("show", help="spec, task counts and failures of a run")
    p_show.add_argument("run", metavar="RUN", help="run folder")
    p_show.set_defaults(func=_cmd_show)

    p_report = sub.add_parser("report", help="(re)write the report of a run")
    p_report.add_argument("run", metavar="RUN", help="run folder")
    p_report.add_argument(
        "--module",
        metavar="MODULE",
        help="allow the run's spec to import this module (needed when it names one)",
    )
    p_report.set_defaults(func=_cmd_report)

    p_info = sub.add_parser("info", help="versions, backends, GPU and numba status")
    p_info.set_defaults(func=_cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cogattn`` command.

    Parameters
    ----------
    argv : sequence of str | None
        Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    code : int
        0 on success, 1 when a check or task failed or the run is incomplete, 2 on
        bad input, 3 for a damaged run folder, 130 when interrupted.
    """
    parser = build_parser()
    try:
        with _without_implicit_cwd(drop=argv is None):
            args = parser.parse_args(argv)
            return int(args.func(args))
    except BrokenPipeError:  # e.g. 'cogattn show RUN | head': the reader left
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error at exit
        return 0
    except StoreError as err:
        print(f"{PROG}: error: {_one_line(str(err))}", file=sys.stderr)
        return 3
    except (_UsageError, CogattnError, OSError) as err:
        print(f"{PROG}: error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; run again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
