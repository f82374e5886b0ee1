"""Render the benchmark results JSON as Markdown, and put it into README.md.

    python -m bench.report [--results bench/results/latest.json]   # print the Markdown
    python -m bench.report --readme [README.md]                     # rewrite its section

The README section is everything between ``<!-- bench:start -->`` and
``<!-- bench:end -->``; the markers stay, the text between them is replaced. One module
past 300 lines on purpose: one renderer per results section, all reading one schema.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from bench import REPO, class_cost

DEFAULT_RESULTS = REPO / "bench" / "results" / "latest.json"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

TOOL_LABELS = {
    "medl": "`medl grade --workers 1` (sandboxed kernel, checks outside)",
    "nbgrader": "`nbgrader autograde` (checks in the kernel)",
    "nbconvert": "`jupyter nbconvert --execute` (runs the notebook, grades nothing)",
}
PHASE_LABELS = {
    "kernel_start": "sandboxed kernel start",
    "bridge_install": "bridge install",
    "first_cell": "first cell (the notebook's imports: TensorFlow in the kernel)",
    "other_cells": "other cells",
    "warmup_wait": "waiting for the grader's background imports (TensorFlow, pytest)",
    "first_checks": "first hidden checks",
    "other_checks": "other hidden checks (with their calls into the kernel)",
    "shutdown": "kernel shutdown",
    "other": "the rest",
}


def _num(value, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}{suffix}"
    return f"{value:,.{digits}f}{suffix}"


def _ratio(value) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _target(met: bool | None, text: str) -> str:
    if met is None:
        return f"Target {text}."
    return f"Target {text}: **{'met' if met else 'not met'}**."


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _heading(title: str, section: dict) -> str:
    quick = " (quick run: fewer repeats)" if section.get("mode") == "quick" else ""
    return f"**{title}**{quick}"


def _grading(section: dict) -> list[str]:
    data = section["data"]
    out: list[str] = []
    for unit in data["units"]:
        tools = unit["tools"]
        out.append(
            _heading(f"1. Grading cost per submission ({unit['unit']})", section)
            + f": {unit['submissions']} copies of the reference answers; *batch* is one "
            f"invocation grading all of them (wall time / {unit['submissions']}), *alone* is "
            f"one invocation per submission; CPU s counts every process of the run, kernels "
            f"included; median of {unit['repeats']} run(s)."
        )
        out.append("")
        rows = []
        for name, stats in tools.items():
            rows.append([
                TOOL_LABELS.get(name, name),
                _num(stats["seconds_per_submission"]),
                _ratio(stats["ratio_to_nbgrader"]),
                _num(stats.get("cpu_seconds_per_submission")),
                _ratio(stats.get("cpu_ratio_to_nbgrader")),
                _num(stats.get("single_submission_s")),
                _ratio(stats.get("single_ratio_to_nbgrader")),
            ])  # fmt: skip
        out += _table(["tool", "s / submission, batch", "× nbgrader", "CPU s / submission",
                       "× nbgrader", "s, alone", "× nbgrader"], rows, "lrrrrrr")  # fmt: skip
        out.append("")
        out.append(_target(unit.get("meets_target"),
                           f"medl ≤ {unit.get('target_ratio', 1.0):.1f}× nbgrader autograde "
                           f"(batch); measured {_ratio(unit.get('ratio_medl_to_nbgrader'))}"))  # fmt: skip
        detail = unit.get("medl_breakdown")
        if detail:
            phases = " · ".join(
                f"{PHASE_LABELS.get(k, k)} {_num(v)}" for k, v in detail["phases_s"].items()
            )
            out.append("")
            out.append(
                f"Where one medl grading's {_num(detail['total_s'])} s go (s): {phases}; plus "
                f"{_num(detail['imports_and_exit_s'])} s for the grader's interpreter, imports "
                f"and exit. `import tensorflow` alone: {_num(data.get('tensorflow_import_s'))} s."
            )
            if detail.get("gc_collect_calls"):
                out[-1] += (
                    f" In the grader, {detail['gc_collect_calls']} full (generation-2) garbage "
                    f"collections took {_num(detail.get('gc_collect_s'))} s."
                )
            if detail.get("bridge_requests"):
                out[-1] += (
                    f" The hidden checks made {detail['bridge_requests']} calls into the "
                    f"student's kernel (median {_num(detail.get('bridge_ms_median'))} ms each, "
                    f"{_num(detail.get('bridge_s'))} s in all)."
                )
        out.append("")
    return out


def _batch(section: dict) -> list[str]:
    data = section["data"]
    out = [
        _heading(f"2. Batch throughput ({data['unit']})", section)
        + f": `medl grade` on {data['submissions']} reference submissions, "
        f"{data['cpus']} CPUs; median of {data['repeats']} run(s)."
    ]
    out.append("")
    rows = []
    for row in data["rows"]:
        rows.append([
            str(row["workers"]),
            _num(row["wall_s"]),
            _num(row["seconds_per_submission"]),
            _ratio(row["speedup"]),
            _num(row.get("cpu_s")),
            _num(_cores(row), 2),
            _num(row.get("peak_worker_rss_mb"), suffix=" MB"),
            _num(row.get("peak_worker_anon_mb"), suffix=" MB"),
            _num(row.get("peak_kernel_rss_mb"), suffix=" MB"),
            _num(row.get("peak_total_rss_mb"), suffix=" MB"),
        ])  # fmt: skip
    out += _table(["workers", "wall s", "s / submission", "speed-up", "CPU s", "cores used",
                   "peak per worker (RSS)", "per worker, private", "kernel alone",
                   "all processes (RSS)"], rows, "rrrrrrrrrr")  # fmt: skip
    out.append("")
    out.append(_target(data.get("meets_target"),
                       f"speed-up ≥ {data.get('target_speedup', 1.7):.1f}× with 2 workers; "
                       f"measured {_ratio(data.get('speedup'))}"))  # fmt: skip
    load = section.get("load_average") or {}
    if load.get("before") is not None:
        out.append(
            f"*Cores used* is CPU s / wall s: with 2 workers it can reach 2 only if 2 cores are "
            f"free; the machine's load average was {load['before'][0]:.1f} before and "
            f"{load['after'][0]:.1f} after this section."
        )
    if data.get("memory_note"):
        out.append(f"Memory: {data['memory_note']}.")
    out.append("")
    return out


def _cores(row: dict) -> float | None:
    if row.get("cores_used") is not None:
        return row["cores_used"]
    if row.get("cpu_s") and row.get("wall_s"):
        return round(row["cpu_s"] / row["wall_s"], 2)
    return None


def _train(section: dict) -> list[str]:
    data = section["data"]
    config = data.get("config", {})
    out = [
        _heading("3. Training loop", section)
        + f": `course_lib.training.fit` (without and with `jit_compile=True`) against "
        "`keras.Model.fit` at Keras's default, with `steps_per_execution` = the batches in an "
        "epoch, and with that and `jit_compile=True` (XLA); same model, data, "
        f"batch size {config.get('batch_size', '?')} and initial "
        f"weights; samples/s over {config.get('epochs', '?')} epochs after a warm-up epoch; "
        f"median of {config.get('repeats', '?')} run(s)."
    ]
    out.append("")
    names = {
        "mlp": "MLP 40-100-100-10",
        "cnn1d": "1-D CNN, 3 × Conv1D(25, 5) (unit05)",
        "gru": "GRU(32) over 20 × 2 (unit08/10)",
    }
    rows, ratios = [], []
    for row in data["results"]:
        ratios.append(row["ratio_ours_over_keras"])
        rates = row.get("samples_per_s", {})
        rows.append([
            names.get(row["case"], row["case"]),
            _num(rates.get("fit", row["keras_samples_per_s"])),
            _num(rates.get("fit_spe")),
            _num(rates.get("fit_spe_jit")),
            _num(rates.get("course_lib", row["course_lib_samples_per_s"])),
            _num(rates.get("course_lib_jit")),
            _ratio(row["ratio_ours_over_keras"]),
        ])  # fmt: skip
    header = ["model", "fit, default", "fit, steps/execution", "fit, steps/execution + XLA",
              "course_lib", "course_lib + XLA steps", "best course_lib / best fit"]  # fmt: skip
    out += _table(header, rows, "lrrrrrr")
    out.append("")
    met = all(r >= 1.0 for r in ratios) if ratios else None
    out.append(_target(met, "course_lib ≥ 1.0× the best `Model.fit` setting for every model"))
    out.append("")
    return out


def _accuracy(row: dict, split: str) -> str:
    mean = row.get(f"{split}_accuracy_mean")
    if mean is None:
        return "–"
    spread = row.get(f"{split}_accuracy_std")
    return f"{mean:.1%}" + (f" ± {spread:.1%}" if len(row.get("runs", [0, 0])) > 1 else "")


def _quality(section: dict) -> list[str]:
    data = section["data"]
    seeds = len(data.get("seeds", []))
    out = [
        _heading("4. Model quality on MNIST-1D", section)
        + f": accuracy on the {data.get('n_test', '?')} test samples and on "
        f"{data.get('n_fresh', '?')} fresh samples (the generator's published arguments, the "
        f"bench's own seed), mean ± std over {seeds} seed(s), trained on "
        f"{data.get('n_train', '?')} with `course_lib.training.fit`; published: Greydanus "
        "(2020). *Published setup*: the paper's architecture and budget (Adam 1e-2, batch 100, "
        "150 epochs); *course reference*: the unit's model and its notebook's recipe, except where the "
        "row says the notebook trains it shorter to fit its time budget."
    ]
    out.append("")
    rows, verdicts = [], []
    for row in data["rows"]:
        ours = row.get("role", "published setup") == "course reference"
        if ours:
            verdicts.append(row.get("beats_published"))
        rows.append([
            f"{row['model']}: {row['description']}",
            row.get("role", "published setup"),
            row.get("unit", "–"),
            f"{row['published_accuracy']:.0%}",
            _accuracy(row, "test"),
            _accuracy(row, "fresh"),
            f"{row['epochs']} × batch {row['batch_size']}",
            _num(row["train_seconds_median"]),
            ("**yes**" if row.get("beats_published") else "no") if ours else "",
        ])  # fmt: skip
    header = ["model", "setup", "unit", "published", "test", "fresh samples", "epochs",
              "CPU train s", "above published (fresh)"]  # fmt: skip
    out += _table(header, rows, "lllrrrrrl")
    out.append("")
    if verdicts:
        met = all(bool(v) for v in verdicts)
        out.append(_target(met, "every course reference above its published row, on fresh samples"))
        out.append("")
    return out


def _notebooks(section: dict) -> list[str]:
    data = section["data"]
    out = [_heading("5. Notebook times", section)
           + ": each reference notebook (answers and hidden checks) run in a fresh kernel."]  # fmt: skip
    out.append("")
    rows = []
    for row in data["notebooks"]:
        rows.append([
            row["unit"],
            _num(row["median_s"]),
            ", ".join(_num(t) for t in row["runs_s"]),
            _num(row["budget_s"]),
            _num(row["within_budget"]),
            _num(row.get("hard_limit_s")),
        ])  # fmt: skip
    out += _table(["notebook", "median s", "runs (s)", "target s", "within target", "hard limit s"],
                  rows, "lrrrlr")  # fmt: skip
    out.append("")
    within = [row["within_budget"] for row in data["notebooks"]]
    if within:
        out.append(_target(all(within), "every notebook within its target (90 s; unit09 180 s)"))
        out.append("")
    return out


def _units(section: dict, batch: dict | None = None) -> list[str]:
    data = section["data"]
    out = [
        _heading("6. Grading cost per submission, every unit", section)
        + f": {data['units'][0]['submissions'] if data['units'] else '?'} copies of each "
        "unit's reference answers, seconds per submission graded in one invocation (*batch*) "
        "and one submission per invocation (*alone*); one run each."
    ]
    out += [""] + class_cost.units_lines(section) + [""]
    out.append("**7. A class, in hours**: every student's notebooks of the units above.")
    out += [""] + class_cost.hours_lines(section, batch) + [""]
    return out


def _kernels(section: dict) -> list[str]:
    data = section["data"]
    out = [
        _heading("8. Warm kernels", section)
        + f": `nbgrader autograde` of {data['submissions']} copies of {data['unit']}'s reference "
        "answers in one invocation, each kernel forked from a server that has imported "
        "TensorFlow (*warm*) or started fresh (*cold*, as plain nbgrader starts it)."
    ]
    out.append("")
    rows = [
        [mode, _num(data["seconds_per_submission"][mode], 2),
         ", ".join(_num(t) for t in data["runs_s"][mode])]
        for mode in ("cold", "warm")
    ]  # fmt: skip
    out += _table(["kernels", "s per submission", "runs (s, whole batch)"], rows, "lrr")
    out.append("")
    out.append(
        f"Warm / cold: {_ratio(data['ratio_warm_to_cold'])}; "
        f"{_num(data['saved_per_submission_s'], 2)} s saved per notebook."
    )
    out.append("")
    return out


RENDERERS: dict[str, Callable[[dict], list[str]]] = {
    "grading": _grading,
    "batch": _batch,
    "train": _train,
    "quality": _quality,
    "notebooks": _notebooks,
    "units": _units,
    "kernels": _kernels,
}


def _machine_line(results: dict) -> str:
    machine = results.get("machine", {})
    git = results.get("git", {}) or {}
    commit = (git.get("commit") or "unknown")[:10] + (" (uncommitted changes)" if git.get("dirty") else "")  # fmt: skip
    gpus = machine.get("gpus_visible") or []
    gpu = f"; GPU present but unused: {', '.join(gpus)}" if gpus else ""
    return (
        f"Measured on {machine.get('cpus', '?')} CPUs ({machine.get('cpu_model', '?')}), "
        f"{machine.get('memory_gib', '?')} GiB, Python {machine.get('python', '?')}, "
        f"TensorFlow {machine.get('tensorflow', '?')}, nbgrader {machine.get('nbgrader', '?')}; "
        f"device: {machine.get('device', 'cpu').upper()}{gpu}. Last run: commit {commit}, "
        f"{results.get('updated', '?')}{_span(results)}. Every figure is the median of repeated "
        "runs; every ratio compares two measurements taken in the same run."
    )


def _span(results: dict) -> str:
    """When the sections were measured, if not all in the last run."""
    stamps = sorted(s.get("measured_at") for s in results.get("sections", {}).values()
                    if s.get("measured_at"))  # fmt: skip
    if not stamps or stamps[0] >= results.get("updated", ""):
        return ""
    return f" (sections measured from {stamps[0]} to {stamps[-1]})"


def render(results: dict) -> str:
    """The Markdown for every measured section of ``results`` (the bench JSON)."""
    lines = [
        "<!-- generated by `python -m bench.report` from the bench results JSON: edit that -->",
        "",
        _machine_line(results),
        "",
    ]
    sections = results.get("sections", {})
    for name, renderer in RENDERERS.items():
        if name == "units" and name in sections:
            lines += _units(sections[name], sections.get("batch"))
        elif name in sections:
            lines += renderer(sections[name])
    missing = [name for name in RENDERERS if name not in sections]
    if missing:
        lines.append(f"Not measured yet: {', '.join(missing)}.")
        lines.append("")
    for name, error in (results.get("errors") or {}).items():
        last = error.strip().splitlines()[-1] if error.strip() else "?"
        lines.append(f"Section {name} failed in the last run: `{last}`.")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def replace_section(text: str, body: str) -> str:
    """``text`` with everything between the bench markers replaced by ``body``.

    Raises:
        ValueError: if the markers are missing, repeated or out of order.
    """
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"need exactly one {START} followed by one {END}")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{body.strip()}\n{END}{tail}"


def update_readme(results: dict, readme: Path = REPO / "README.md") -> Path:
    """Rewrite the bench section of ``readme`` from ``results``; return its path."""
    readme = Path(readme)
    readme.write_text(replace_section(readme.read_text(), render(results)))
    return readme


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--readme", type=Path, nargs="?", const=REPO / "README.md", default=None,
                        help="rewrite this README's bench section (default README.md)")  # fmt: skip
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text())
    if args.readme is None:
        print(render(results), end="")
    else:
        print(f"updated {update_readme(results, args.readme)}")


if __name__ == "__main__":
    main()
