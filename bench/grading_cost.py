"""Grading cost per submission (medl grade, nbgrader autograde, nbconvert) and batch throughput.

    python -m bench.grading_cost grading [--units unit02] [--submissions 4] [--repeats 3]
    python -m bench.grading_cost batch [--submissions 20] [--repeats 1]

One module past 300 lines on purpose: both sections grade the same scratch courses with
the same three peer commands and the same process-tree timer; the per-phase breakdown of
one grading is in :mod:`bench.grading_phases`.

**Grading cost** (:func:`run_grading`). A scratch course is built with
``Course.create`` and ``nbgrader generate_assignment``; N students hand in the reference
answers (``autograder.authoring.pipeline.hand_in``). The same N notebooks are then graded three
ways, each a fresh process exactly as a person would type it:

- ``medl grade COURSE UNIT --workers 1 --device cpu``: every notebook in its own
  sandboxed kernel (bubblewrap where it works), hidden checks in the grader's process,
  reports, gradebook;
- ``nbgrader autograde UNIT --force``: nbgrader's own executor, hidden checks in the
  student's kernel (this course's ``grade()`` cells), gradebook;
- ``jupyter nbconvert --to notebook --execute``: the submitted notebooks run as they
  are, public checks only: the cost of merely running the student's code.

Each tool grades the whole batch in one invocation and the figure is wall time / N (so a
tool's own start-up is shared, as in real use); repeats rotate which tool goes first. A
second set of runs grades one submission per invocation ("cold": start-up not shared).
Every run is checked for full marks, so a fast failure cannot pass for a fast grader. A
last, instrumented ``grade_notebook`` call splits one medl grading into its phases.

Besides wall time, each run's CPU seconds (all its processes, kernels included; see
:class:`TreeSampler`) are recorded: the work done, which other jobs on a shared machine
disturb far less than the wall time.

**Batch throughput** (:func:`run_batch`). 20 reference submissions graded by
``medl grade --workers 1`` and ``--workers 2``; the speed-up is the ratio of the median
wall times. Memory is sampled every 0.25 s with psutil over the process tree of
the ``medl grade`` process: a *worker* is one grading process (the ``medl`` process itself
with one worker, each pool process with two) plus everything it started (bubblewrap and
the student's kernel). ``rss`` sums resident memory over that tree (shared library pages
count once per process, so it overstates); ``anon`` sums only anonymous (private)
memory, which is what a second worker really adds. Peaks shorter than the sampling
interval can be missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import REPO, median, ratio

TOOLS = ("medl", "nbgrader", "nbconvert")
BASELINE = "nbgrader"
TIMEOUT_S = 3600

Log = Callable[[str], None]


def _env() -> dict[str, str]:
    """The tools' environment: this venv first on PATH, quiet TensorFlow, CPU only."""
    from autograder.course.directory import tool_env

    env = tool_env()
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["CUDA_VISIBLE_DEVICES"] = ""
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def _students(n: int) -> list[str]:
    return [f"student{i:02d}" for i in range(1, n + 1)]


def prepare_course(root: Path, unit: str, students: Sequence[str]):
    """A course dir with ``unit`` released and every student handing in the reference."""
    from autograder.authoring import pipeline
    from autograder.course.directory import Course

    course = Course.create(root, [unit])
    course.nbgrader("generate_assignment", unit, "--force", "--log-level=WARN")
    pipeline.hand_in(course, unit, {student: [] for student in students})  # no mistakes planted
    return course


# --- CPU time and memory of a process tree ------------------------------------------


class TreeSampler(threading.Thread):
    """CPU time of a process tree, and peak memory of each grading worker in it.

    Every ``interval`` seconds it lists ``pid`` and all its descendants with psutil and
    records each process's CPU time (user + system) and resident memory. The CPU seconds
    of the run are the sum over every process seen of the last value read, so up to one
    interval per process (at its very end) is missed, and a process that lives less than
    an interval may be missed entirely. ``resource.getrusage(RUSAGE_CHILDREN)`` would be
    exact only for processes that are waited for: the grader kills a finished sandbox
    (bubblewrap's PID namespace), and the kernel's CPU time then never reaches us.

    Args:
        pid: the process started (``medl grade``, ``nbgrader``, ``nbconvert``).
        pool: True when it grades with a process pool (``--workers`` > 1): then each
            pool process and its descendants is one worker and ``pid`` itself the
            coordinator; else ``pid`` and all its descendants are the one worker.
    """

    def __init__(self, pid: int, *, pool: bool = False, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.pool, self.interval = pid, pool, interval
        self._stop_event = threading.Event()
        self.available = True
        self.samples = 0
        self.cpu: dict[tuple[int, float], float] = {}
        self.workers_seen: set[int] = set()
        self.peak = {"worker_rss": 0, "worker_anon": 0, "grader_rss": 0, "kernel_rss": 0,
                     "coordinator_rss": 0, "total_rss": 0, "total_anon": 0}  # fmt: skip

    def run(self) -> None:
        try:
            import psutil  # noqa: F401 - declared; without it only the wall times are kept
        except ImportError:
            self.available = False
            return
        while not self._stop_event.wait(self.interval):
            try:
                self._sample()
            except Exception:  # the root ended, or a process between listing and reading
                continue

    def stop(self) -> tuple[float | None, dict | None]:
        """Stop sampling; return (CPU seconds, peak memory), or (None, None) without psutil."""
        self._stop_event.set()
        self.join(timeout=5)
        if not self.available:
            return None, None
        mb = {key: round(value / 2**20) for key, value in self.peak.items()}
        memory = {
            "interval_s": self.interval,
            "samples": self.samples,
            "workers_seen": len(self.workers_seen),
            "peak_worker_rss_mb": mb["worker_rss"],
            "peak_worker_anon_mb": mb["worker_anon"],
            "peak_grader_process_rss_mb": mb["grader_rss"],
            "peak_kernel_rss_mb": mb["kernel_rss"],
            "peak_coordinator_rss_mb": mb["coordinator_rss"] if self.pool else None,
            "peak_total_rss_mb": mb["total_rss"],
            "peak_total_anon_mb": mb["total_anon"],
        }
        return sum(self.cpu.values()), memory

    def _read(self, process) -> tuple[int, int, str]:
        """Record ``process``'s CPU time; return its rss, anonymous memory and command."""
        with process.oneshot():
            times = process.cpu_times()
            self.cpu[(process.pid, process.create_time())] = times.user + times.system
            info = process.memory_info()  # rss and shared (file-backed) pages, from statm
        try:
            command = " ".join(process.cmdline())
        except Exception:
            command = ""
        return info.rss, max(0, info.rss - getattr(info, "shared", 0)), command

    def _sample(self) -> None:
        import psutil

        root = psutil.Process(self.pid)
        children = root.children()
        usage = {}
        for process in [root, *root.children(recursive=True)]:
            try:
                usage[process.pid] = self._read(process)
            except psutil.Error:
                continue
        if self.pool:
            workers = [c for c in children if "spawn_main" in usage.get(c.pid, (0, 0, ""))[2]]
        else:
            workers = [root]
        total_rss = total_anon = 0
        in_workers: set[int] = set()
        for worker in workers:
            self.workers_seen.add(worker.pid)
            rss = anon = 0
            try:
                tree = [worker, *worker.children(recursive=True)]
            except psutil.Error:
                continue
            for process in tree:
                p_rss, p_anon, command = usage.get(process.pid, (0, 0, ""))
                in_workers.add(process.pid)
                rss, anon = rss + p_rss, anon + p_anon
                if process.pid == worker.pid:
                    self.peak["grader_rss"] = max(self.peak["grader_rss"], p_rss)
                if "ipykernel_launcher" in command:
                    self.peak["kernel_rss"] = max(self.peak["kernel_rss"], p_rss)
            self.peak["worker_rss"] = max(self.peak["worker_rss"], rss)
            self.peak["worker_anon"] = max(self.peak["worker_anon"], anon)
            total_rss, total_anon = total_rss + rss, total_anon + anon
        for pid, (p_rss, p_anon, _) in usage.items():  # the coordinator, resource tracker
            if pid not in in_workers:
                total_rss, total_anon = total_rss + p_rss, total_anon + p_anon
                if pid == self.pid:
                    self.peak["coordinator_rss"] = max(self.peak["coordinator_rss"], p_rss)
        self.peak["total_rss"] = max(self.peak["total_rss"], total_rss)
        self.peak["total_anon"] = max(self.peak["total_anon"], total_anon)
        self.samples += 1


# --- running the tools --------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: Sequence[str], *, cwd: Path, pool: bool = False) -> dict:
    """Run ``argv``; its wall-clock seconds, CPU seconds and peak memory (see TreeSampler).

    Args:
        pool: the command grades with a process pool (memory is then per pool worker).

    Returns:
        ``seconds``; ``cpu_seconds``, the larger of two lower bounds: the sampled sum over
        the tree and ``cpu_seconds_rusage`` (what ``RUSAGE_CHILDREN`` saw: only processes
        that were waited for); ``memory`` and ``output``.

    Raises:
        RuntimeError: with the output's tail if the command fails.
    """
    with tempfile.TemporaryFile("w+") as log:
        cpu_before = _children_cpu()
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, env=_env(), stdout=log,
                                   stderr=subprocess.STDOUT, text=True)  # fmt: skip
        sampler = TreeSampler(process.pid, pool=pool)
        sampler.start()
        try:
            code = process.wait(timeout=TIMEOUT_S)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        seconds = time.perf_counter() - started
        rusage = _children_cpu() - cpu_before
        cpu, memory = sampler.stop()
        log.seek(0)
        output = log.read()
    if code != 0:
        raise RuntimeError(f"{' '.join(map(str, argv[:6]))} ... exited {code}:\n{output[-3000:]}")
    return {"seconds": seconds, "cpu_seconds": max(cpu, rusage) if cpu is not None else rusage,
            "cpu_seconds_rusage": rusage, "memory": memory, "output": output}  # fmt: skip


def medl_grade(course_root: Path, unit: str, *, workers: int = 1, students=()):
    """``medl grade`` (the same typer app, run as ``python -m autograder.cli``)."""
    shutil.rmtree(course_root / "medl-results" / unit, ignore_errors=True)
    argv = [sys.executable, "-m", "autograder.cli", "grade", str(course_root), unit,
            "--workers", str(workers), "--device", "cpu"]  # fmt: skip
    for student in students:
        argv += ["--student", student]
    run = timed(argv, cwd=course_root, pool=workers > 1)
    results = []
    for path in sorted((course_root / "medl-results" / unit).glob("*/results.json")):
        results.append(json.loads(path.read_text()))
    run["full_marks"] = bool(results) and all(
        r.get("status") == "ok" and r["score"] == r["max_score"] and r["max_score"] > 0
        for r in results
    )
    run["graded"] = len(results)
    run["grade_seconds"] = [float(r.get("seconds", 0.0)) for r in results]
    run["isolation"] = sorted({r.get("protections", {}).get("isolation", "?") for r in results})
    return run


def nbgrader_autograde(course_root: Path, unit: str, *, students=()):
    """``nbgrader autograde UNIT --force`` (one ``--student`` per invocation if given)."""
    from autograder.course.directory import Course

    argv = [sys.executable, "-m", "nbgrader", "autograde", unit, "--force", "--log-level=WARN"]
    for student in students:
        argv += ["--student", student]
    run = timed(argv, cwd=course_root)
    scores = Course(course_root).scores(unit)
    chosen = {s: cells for s, cells in scores.items() if not students or s in students}
    run["full_marks"] = bool(chosen) and all(
        score == maximum for cells in chosen.values() for score, maximum in cells.values()
    )
    run["graded"] = len(chosen)
    return run


def nbconvert_execute(notebooks: Sequence[Path], out_dir: Path):
    """``jupyter nbconvert --to notebook --execute`` of the notebooks, in one invocation."""
    shutil.rmtree(out_dir, ignore_errors=True)
    argv = [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
            "--ExecutePreprocessor.timeout=900", "--output-dir", str(out_dir),
            *map(str, notebooks)]  # fmt: skip
    run = timed(argv, cwd=Path(notebooks[0]).parent)
    run["full_marks"] = None  # nbconvert gives no grade; a failing cell fails the run
    run["graded"] = len(list(out_dir.glob("*.ipynb")))
    return run


def import_seconds(module: str = "tensorflow", repeats: int = 3) -> float:
    """Median seconds of ``python -c "import MODULE"`` in a fresh interpreter."""
    times = []
    for _ in range(repeats):
        run = timed([sys.executable, "-c", f"import {module}"], cwd=REPO)
        times.append(run["seconds"])
    return median(times)


# --- where the time of one medl grading goes ----------------------------------------


def breakdown_in_subprocess(notebook: Path, source: Path, course_root: Path) -> dict:
    """:func:`breakdown` in a fresh interpreter, plus the interpreter's own start-up."""
    argv = [sys.executable, "-m", "bench.grading_phases", str(notebook), str(source),
            str(course_root)]  # fmt: skip
    run = timed(argv, cwd=REPO)
    line = [x for x in run["output"].splitlines() if x.startswith("{")][-1]
    result = json.loads(line)
    result["process_s"] = round(run["seconds"], 2)
    result["imports_and_exit_s"] = round(run["seconds"] - result["total_s"], 2)
    return result


# --- the two sections ---------------------------------------------------------------


def _rotated(items: Sequence, shift: int) -> list:
    shift %= len(items)
    return list(items[shift:]) + list(items[:shift])


def _grade_unit(unit: str, submissions: int, repeats: int, cold: bool, do_breakdown: bool,
                log: Log) -> dict:  # fmt: skip
    students = _students(submissions)
    with tempfile.TemporaryDirectory(prefix="medl-bench-grading-") as tmp:
        tmp = Path(tmp)
        base = prepare_course(tmp / "base", unit, students).root
        roots = {tool: tmp / tool for tool in ("medl", "nbgrader")}
        for root in roots.values():
            shutil.copytree(base, root)
        plain = tmp / "plain"
        plain.mkdir()
        notebooks = []
        for student in students:  # distinct names: nbconvert writes them to one folder
            target = plain / f"{student}_{unit}.ipynb"
            shutil.copy2(base / "submitted" / student / unit / f"{unit}.ipynb", target)
            notebooks.append(target)

        def grade(tool: str, who: Sequence[str]) -> dict:
            if tool == "medl":
                return medl_grade(roots["medl"], unit, students=who)
            if tool == "nbgrader":
                return nbgrader_autograde(roots["nbgrader"], unit, students=who)
            chosen = [nb for nb, s in zip(notebooks, students) if not who or s in who]
            return nbconvert_execute(chosen, tmp / "plain-out")

        batch_runs: dict[str, list[dict]] = {tool: [] for tool in TOOLS}
        cold_runs: dict[str, list[dict]] = {tool: [] for tool in TOOLS}
        for repeat in range(repeats):
            for tool in _rotated(TOOLS, repeat):
                run = grade(tool, ())
                batch_runs[tool].append(run)
                log(f"grading {unit} {tool}: {submissions} submissions in {run['seconds']:.1f} s "
                    f"({run['seconds'] / submissions:.1f} s, {run['cpu_seconds'] / submissions:.1f} "
                    f"CPU s each), full marks: {run['full_marks']}")  # fmt: skip
            if cold:
                for tool in _rotated(TOOLS, repeat + 1):
                    run = grade(tool, (students[repeat % len(students)],))
                    cold_runs[tool].append(run)
                    log(f"grading {unit} {tool}: one submission alone in {run['seconds']:.1f} s")
        detail = None
        if do_breakdown:
            submitted = base / "submitted" / students[0] / unit / f"{unit}.ipynb"
            source = base / "solutions" / unit / f"{unit}.ipynb"
            detail = breakdown_in_subprocess(submitted, source, base)
            log(f"grading {unit} medl breakdown: {detail['phases_s']} "
                f"(+{detail['imports_and_exit_s']} s interpreter, imports, exit)")  # fmt: skip

    per_submission = {t: median([r["seconds"] / submissions for r in runs]) for t, runs in batch_runs.items()}  # fmt: skip
    cpu_per_submission = {t: median([r["cpu_seconds"] / submissions for r in runs]) for t, runs in batch_runs.items()}  # fmt: skip
    cold_median = {t: median([r["seconds"] for r in runs]) for t, runs in cold_runs.items() if runs}  # fmt: skip
    tools = {}
    for tool in TOOLS:
        tools[tool] = {
            "seconds_per_submission": per_submission[tool],
            "ratio_to_nbgrader": ratio(per_submission[tool], per_submission[BASELINE]),
            "batch_runs_s": [round(r["seconds"], 2) for r in batch_runs[tool]],
            "cpu_seconds_per_submission": cpu_per_submission[tool],
            "cpu_ratio_to_nbgrader": ratio(cpu_per_submission[tool], cpu_per_submission[BASELINE]),
            "single_submission_s": cold_median.get(tool),
            "single_ratio_to_nbgrader": ratio(cold_median[tool], cold_median[BASELINE])
            if cold_median
            else None,  # fmt: skip
            "single_runs_s": [round(r["seconds"], 2) for r in cold_runs[tool]],
            "full_marks": [r["full_marks"] for r in batch_runs[tool] + cold_runs[tool]],
        }
    medl_inside = [s for r in batch_runs["medl"] for s in r["grade_seconds"]]
    tools["medl"]["grade_notebook_s_median"] = median(medl_inside)
    tools["medl"]["isolation"] = sorted({i for r in batch_runs["medl"] for i in r["isolation"]})
    return {
        "unit": unit,
        "submissions": submissions,
        "repeats": repeats,
        "tools": tools,
        "ratio_medl_to_nbgrader": tools["medl"]["ratio_to_nbgrader"],
        "target_ratio": 1.0,
        "meets_target": (tools["medl"]["ratio_to_nbgrader"] or 99) <= 1.0,
        "medl_breakdown": detail,
    }


def run_grading(
    units: Sequence[str] = ("unit02",),
    submissions: int = 4,
    repeats: int = 3,
    *,
    cold: bool = True,
    with_breakdown: bool = True,
    log: Log = print,
) -> dict:
    """Item 1: seconds per submission for medl grade, nbgrader autograde and nbconvert."""
    tf_import = import_seconds("tensorflow", repeats=3)
    log(f"grading: `import tensorflow` takes {tf_import:.1f} s in a fresh interpreter")
    rows = [_grade_unit(unit, submissions, repeats, cold, with_breakdown, log) for unit in units]
    return {
        "tools": {
            "medl": "medl grade COURSE UNIT --workers 1 --device cpu (sandboxed kernel per notebook)",
            "nbgrader": "nbgrader autograde UNIT --force",
            "nbconvert": "jupyter nbconvert --to notebook --execute (public checks only)",
        },
        "baseline": BASELINE,
        "tensorflow_import_s": tf_import,
        "units": rows,
    }


def run_batch(
    unit: str = "unit02",
    submissions: int = 20,
    workers: Sequence[int] = (1, 2),
    repeats: int = 1,
    *,
    log: Log = print,
) -> dict:
    """Item 2: wall time of ``medl grade`` with 1 and 2 workers, and memory per worker."""
    students = _students(submissions)
    runs: dict[int, list[dict]] = {w: [] for w in workers}
    with tempfile.TemporaryDirectory(prefix="medl-bench-batch-") as tmp:
        root = prepare_course(Path(tmp) / "course", unit, students).root
        for repeat in range(repeats):
            for count in _rotated(list(workers), repeat):
                run = medl_grade(root, unit, workers=count)
                runs[count].append(run)
                mem = run["memory"] or {}
                log(f"batch {unit}: {submissions} submissions, {count} worker(s): "
                    f"{run['seconds']:.1f} s ({run['cpu_seconds']:.0f} CPU s), full marks: {run['full_marks']}, peak per worker "
                    f"{mem.get('peak_worker_rss_mb')} MB rss / {mem.get('peak_worker_anon_mb')} MB anon")  # fmt: skip
    rows = []
    base = median([r["seconds"] for r in runs[workers[0]]])
    for count in workers:
        wall = median([r["seconds"] for r in runs[count]])
        memories = [r["memory"] for r in runs[count] if r["memory"]]

        def peak(key: str, memories=memories) -> int | None:
            values = [m[key] for m in memories if m.get(key) is not None]
            return max(values) if values else None

        rows.append({
            "workers": count,
            "wall_s": wall,
            "seconds_per_submission": round(wall / submissions, 2),
            "speedup": ratio(base, wall),
            "runs_s": [round(r["seconds"], 1) for r in runs[count]],
            "cpu_s": median([r["cpu_seconds"] for r in runs[count]], 1),
            # CPU s / wall s: below the worker count, the workers waited for a free core.
            "cores_used": median([r["cpu_seconds"] / r["seconds"] for r in runs[count]]),
            "grade_notebook_s_median": median([s for r in runs[count] for s in r["grade_seconds"]]),
            "full_marks": [r["full_marks"] for r in runs[count]],
            "peak_worker_rss_mb": peak("peak_worker_rss_mb"),
            "peak_worker_anon_mb": peak("peak_worker_anon_mb"),
            "peak_grader_process_rss_mb": peak("peak_grader_process_rss_mb"),
            "peak_kernel_rss_mb": peak("peak_kernel_rss_mb"),
            "peak_total_rss_mb": peak("peak_total_rss_mb"),
            "peak_total_anon_mb": peak("peak_total_anon_mb"),
            "workers_seen": max((m["workers_seen"] for m in memories), default=None),
        })  # fmt: skip
    speedup = rows[-1]["speedup"]
    return {
        "unit": unit,
        "submissions": submissions,
        "repeats": repeats,
        "cpus": os.cpu_count(),
        "rows": rows,
        "speedup": speedup,
        "target_speedup": 1.7,
        "meets_target": (speedup or 0) >= 1.7,
        "memory_note": (
            "sampled every 0.25 s with psutil; a worker = one grading process plus its "
            "bubblewrap and kernel processes; rss counts shared library pages in every "
            "process, anon counts private memory only"
        ),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    grading = sub.add_parser("grading", help="item 1: seconds per submission, three tools")
    grading.add_argument("--units", default="unit02", help="comma-separated unit ids")
    grading.add_argument("--submissions", type=int, default=4)
    grading.add_argument("--repeats", type=int, default=3)
    grading.add_argument("--no-cold", action="store_true", help="skip one-submission runs")
    batch = sub.add_parser("batch", help="item 2: --workers 1 against --workers 2")
    batch.add_argument("--unit", default="unit02")
    batch.add_argument("--submissions", type=int, default=20)
    batch.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "grading":
        result = run_grading(tuple(u for u in args.units.split(",") if u), args.submissions,
                             args.repeats, cold=not args.no_cold)  # fmt: skip
    else:
        result = run_batch(args.unit, args.submissions, repeats=args.repeats)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
