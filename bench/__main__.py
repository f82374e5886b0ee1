"""``python -m bench``: run the benchmark suite, write the results JSON, print the table.

    python -m bench [--quick] [--only grading,batch,train,quality,notebooks,units,kernels]
                    [--units unit01,unit02] [--models gru_steps] [--readme]
                    [--out bench/results/latest.json]

Sections (each one figure per row, the median of repeats; speeds as ratios against a
baseline measured in the same run):

- ``grading``: seconds per submission of ``medl grade`` (one worker), ``nbgrader
  autograde`` and ``jupyter nbconvert --execute`` on the same submissions;
- ``batch``: 20 submissions with ``--workers 1`` and ``--workers 2``: speed-up, peak
  memory per worker;
- ``train``: samples/s of ``course_lib.training.fit`` against ``keras.Model.fit``;
- ``quality``: MNIST-1D test accuracy of the reference models (mean over seeds) against
  the published baselines, and their CPU training time (``--models`` trains some and
  keeps the others' rows);
- ``notebooks``: each reference notebook's execution time (``--units`` times some and
  keeps the others' rows);
- ``units``: seconds per submission of the same three tools for every unit (two
  submissions, one run; ``--units`` measures some and keeps the others' rows), and from
  it the hours a class takes (see :mod:`bench.class_cost`);
- ``kernels``: seconds per submission of ``nbgrader autograde`` with warm kernels
  (forked from a server that has imported TensorFlow) against cold ones.

The results file keeps the sections an ``--only`` run did not touch, so sections can be
measured one at a time. ``--quick`` cuts submissions, repeats and seeds so the whole
suite runs in a few minutes; its numbers are marked ``quick`` in the file and the table.
Everything runs on the CPU (GPUs are hidden from TensorFlow and the graded kernels).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import REPO, SECTIONS, git_commit, machine_info

DEFAULT_OUT = REPO / "bench" / "results" / "latest.json"
SCHEMA = 1

# Repeats and sizes: (full, quick).
SETTINGS = {
    "grading": {"full": {"units": ("unit02",), "submissions": 3, "repeats": 3, "cold": True},
                "quick": {"units": ("unit02",), "submissions": 2, "repeats": 1, "cold": False}},
    "batch": {"full": {"submissions": 20, "repeats": 3},
              "quick": {"submissions": 4, "repeats": 1}},
    "train": {"full": {"repeats": 5, "epochs": 3}, "quick": {"repeats": 1, "epochs": 2}},
    "quality": {"full": {"seeds": (0, 1, 2)}, "quick": {"seeds": (0,)}},
    "notebooks": {"full": {"repeats": 3}, "quick": {"repeats": 1}},
    "units": {"full": {"submissions": 2, "repeats": 1, "cold": True},
              "quick": {"submissions": 1, "repeats": 1, "cold": False}},
    "kernels": {"full": {"unit": "unit01", "submissions": 4, "repeats": 3},
                "quick": {"unit": "unit01", "submissions": 2, "repeats": 1}},
}  # fmt: skip


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _section(
    name: str, settings: dict, log: Callable[[str], None], units=None, models=None
) -> dict:
    if name == "units":
        from autograder.course.directory import units as all_units
        from bench import grading_cost

        data = grading_cost.run_grading(units or all_units(REPO), settings["submissions"],
                                        settings["repeats"], cold=settings["cold"],
                                        with_breakdown=False, log=log)  # fmt: skip
        return data
    if name == "grading":
        from bench import grading_cost

        return grading_cost.run_grading(settings["units"], settings["submissions"],
                                        settings["repeats"], cold=settings["cold"], log=log)  # fmt: skip
    if name == "batch":
        from bench import grading_cost

        return grading_cost.run_batch(submissions=settings["submissions"],
                                      repeats=settings["repeats"], log=log)  # fmt: skip
    if name == "train":
        from bench import train_loop

        result = train_loop.run(settings["repeats"], settings["epochs"])
        for row in result["results"]:
            rates = ", ".join(f"{k} {v:,}" for k, v in row["samples_per_s"].items())
            log(f"train {row['case']} (samples/s): {rates}; course_lib / best fit "
                f"({row['best_fit']}) {row['ratio_ours_over_keras']:.2f}")  # fmt: skip
        return result
    if name == "quality":
        from bench import model_quality

        return model_quality.run(models, seeds=settings["seeds"], log=log)
    if name == "notebooks":
        from bench import notebook_times

        return notebook_times.run(settings["repeats"], units,
                                  log=lambda line: log(f"notebooks {line}"))  # fmt: skip
    if name == "kernels":
        from bench import warm_kernels

        return warm_kernels.run(settings["unit"], settings["submissions"], settings["repeats"],
                                log=log)  # fmt: skip
    raise ValueError(f"unknown section {name!r}; choose from {', '.join(SECTIONS)}")


def _names(text: Sequence[str] | str | None) -> list[str] | None:
    names = text.split(",") if isinstance(text, str) else list(text or [])
    return [n.strip() for n in names if n.strip()] or None


# section -> (the list of rows in its data, the field naming a row): a run that measures
# some rows keeps the earlier run's other rows.
_ROWS = {
    "units": ("units", "unit"),
    "notebooks": ("notebooks", "unit"),
    "quality": ("rows", "model"),
}


def _merged_rows(section: str, old: dict | None, new: dict) -> dict:
    """The rows measured now, plus the earlier run's rows of what was not measured this time.

    Per-unit rows are sorted by unit; model rows keep the earlier run's order, rows new to
    the file at the end. The section's date and commit become this run's: a kept row was
    measured earlier (the git history of the results file says when).
    """
    key, name = _ROWS[section]
    measured = {row[name] for row in new[key]}
    kept = [row for row in (old or {}).get("data", {}).get(key, []) if row[name] not in measured]
    order = [row[name] for row in (old or {}).get("data", {}).get(key, [])]
    rows = kept + new[key]
    if name == "unit":
        rows.sort(key=lambda row: row["unit"])
    else:  # the old row order, new rows at the end
        rows.sort(key=lambda row: order.index(row[name]) if row[name] in order else len(order))
    return {**new, key: rows}


def _check_names(units: list[str] | None, models: list[str] | None) -> None:
    """Refuse unknown units or models before anything is measured (one line, not a trace)."""
    from autograder.course.directory import units as all_units
    from bench.model_quality import MODELS

    for kind, given, known in (("unit", units, all_units(REPO)), ("model", models, list(MODELS))):
        unknown = sorted(set(given or ()) - set(known))
        if unknown:
            raise ValueError(
                f"unknown {kind}(s) {', '.join(unknown)}; choose from {', '.join(known)}"
            )


def _load_average() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else {}


def _write(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n")
    os.replace(tmp, path)


def main(
    *,
    quick: bool = False,
    only: Sequence[str] | str | None = None,
    out: Path | str = DEFAULT_OUT,
    readme: bool = False,
    log: Callable[[str], None] | None = None,
    units: Sequence[str] | str | None = None,
    models: Sequence[str] | str | None = None,
) -> dict:
    """Run the chosen sections, write ``out`` after each one, print the Markdown report.

    Args:
        quick: fewer submissions, repeats and seeds (a few minutes in all).
        only: section names (a list or a comma-separated string); default all.
        out: the results JSON; sections not run are kept from an existing file.
        readme: also rewrite README.md's section between the bench markers.
        log: progress lines (default: print, flushed).
        units: the units the ``units`` and ``notebooks`` sections measure (a list or a
            comma-separated string; default all); the other units' rows are kept from
            ``out``.
        models: the models the ``quality`` section trains (names from
            ``bench.model_quality.MODELS``; default all); the others' rows are kept.

    Returns:
        The results, as written; ``failed`` lists the sections that raised this time
        (their tracebacks are under ``errors`` in the file).
    """
    # Before anything imports TensorFlow: CPU only, and quiet.
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    log = log or (lambda line: print(line, flush=True))
    names = only.split(",") if isinstance(only, str) else list(only or SECTIONS)
    names = [n.strip() for n in names if n.strip()]
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        raise ValueError(
            f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}"
        )
    _check_names(_names(units), _names(models))
    out = Path(out)
    results = _load(out)
    results.update(schema=SCHEMA, suite="medl-bench", updated=_now(), machine=machine_info(),
                   git=git_commit())  # fmt: skip
    results.setdefault("sections", {})
    results.setdefault("errors", {})
    mode = "quick" if quick else "full"
    failed = []
    for name in SECTIONS:  # the documented order, whatever order --only gave
        if name not in names:
            continue
        settings = SETTINGS[name][mode]
        log(f"== {name} ({mode}) ==")
        started, load_before = time.perf_counter(), _load_average()
        try:
            data = _section(name, settings, log, _names(units), _names(models))
            partial = {"units": units, "notebooks": units, "quality": models}
            if partial.get(name):
                data = _merged_rows(name, results["sections"].get(name), data)
        except Exception as exc:  # one broken section must not lose the others
            results["errors"][name] = "".join(traceback.format_exception(exc)[-4:])
            log(f"{name} failed: {exc}")
            failed.append(name)
            _write(out, results)
            continue
        results["errors"].pop(name, None)
        results["sections"][name] = {
            "mode": mode,
            "measured_at": _now(),
            "git": results["git"],
            "seconds": round(time.perf_counter() - started, 1),
            # Other work on the machine slows the wall-clock figures (not the ratios much).
            "load_average": {"before": load_before, "after": _load_average()},
            "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
            "data": data,
        }
        _write(out, results)
        log(f"== {name} done in {results['sections'][name]['seconds']:.0f} s; wrote {out} ==")

    from bench import report

    log(report.render(results))
    if readme:
        log(f"updated {report.update_readme(results)}")
    return {**results, "failed": failed}


def cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a few minutes)")
    parser.add_argument("--only", default=None, help=f"comma-separated: {','.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON")
    parser.add_argument("--readme", action="store_true", help="rewrite README's bench section")
    parser.add_argument(
        "--units", default=None, help="units and notebooks sections: comma-separated units"
    )
    parser.add_argument("--models", default=None,
                        help="quality section: comma-separated model names")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        results = main(quick=args.quick, only=args.only, out=args.out, readme=args.readme,
                       units=args.units, models=args.models)  # fmt: skip
    except ValueError as exc:  # main catches each section's own errors: this is bad input
        parser.error(str(exc))  # exit 2 with the usage line, as argparse does
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(cli())
