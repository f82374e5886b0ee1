"""The benchmark report: fake results in, Markdown tables and a rewritten README out.

No timing is measured here; the numbers are made up.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(REPO))

from bench import report  # noqa: E402


def _results() -> dict:
    tools = {
        "medl": {"seconds_per_submission": 12.5, "ratio_to_nbgrader": 0.9,
                 "cpu_seconds_per_submission": 20.25, "cpu_ratio_to_nbgrader": 1.1,
                 "single_submission_s": 20.0, "single_ratio_to_nbgrader": 1.4},
        "nbgrader": {"seconds_per_submission": 13.9, "ratio_to_nbgrader": 1.0,
                     "single_submission_s": 14.3, "single_ratio_to_nbgrader": 1.0},
        "nbconvert": {"seconds_per_submission": 9.0, "ratio_to_nbgrader": 0.65,
                      "single_submission_s": None, "single_ratio_to_nbgrader": None},
    }  # fmt: skip
    return {
        "schema": 1,
        "updated": "2026-01-01T00:00:00+00:00",
        "machine": {"cpus": 2, "cpu_model": "Test CPU", "memory_gib": 8.0, "python": "3.11.9",
                    "tensorflow": "2.18.0", "nbgrader": "0.9.5", "device": "cpu",
                    "gpus_visible": []},  # fmt: skip
        "git": {"commit": "0123456789abcdef", "dirty": False},
        "errors": {},
        "sections": {
            "grading": {"mode": "full", "data": {
                "tensorflow_import_s": 4.2,
                "units": [{"unit": "unit02", "submissions": 4, "repeats": 3, "tools": tools,
                           "ratio_medl_to_nbgrader": 0.9, "target_ratio": 1.0,
                           "meets_target": True,
                           "medl_breakdown": {"total_s": 16.0, "imports_and_exit_s": 3.5,
                                              "phases_s": {"kernel_start": 1.0,
                                                           "first_cell": 6.5},
                                              "bridge_requests": 120, "bridge_ms_median": 25.0,
                                              "bridge_s": 3.5, "gc_collect_calls": 16,
                                              "gc_collect_s": 7.7}}]}},
            "batch": {"mode": "quick", "load_average": {"before": [3.5, 3, 3], "after": [4, 3, 3]},
                      "data": {
                "unit": "unit02", "submissions": 20, "repeats": 1, "cpus": 2,
                "speedup": 1.55, "target_speedup": 1.7, "meets_target": False,
                "rows": [
                    {"workers": 1, "wall_s": 310.0, "seconds_per_submission": 15.5,
                     "speedup": 1.0, "peak_worker_rss_mb": 1500, "peak_worker_anon_mb": 900,
                     "peak_kernel_rss_mb": 700, "peak_total_rss_mb": 1500},
                    {"workers": 2, "wall_s": 200.0, "seconds_per_submission": 10.0,
                     "speedup": 1.55, "cpu_s": 400.0, "peak_worker_rss_mb": 1400, "peak_worker_anon_mb": 850,
                     "peak_kernel_rss_mb": 650, "peak_total_rss_mb": 2900}]}},
            "train": {"mode": "full", "data": {
                "config": {"repeats": 5, "epochs": 3, "batch_size": 32},
                "results": [
                    {"case": "mlp", "keras_samples_per_s": 60000,
                     "samples_per_s": {"fit": 40000, "fit_spe": 60000, "fit_spe_jit": 50000,
                                       "course_lib": 90000},
                     "course_lib_samples_per_s": 90000, "ratio_ours_over_keras": 1.5},
                    {"case": "cnn1d", "keras_samples_per_s": 20000,
                     "course_lib_samples_per_s": 19000, "ratio_ours_over_keras": 0.95}]}},
            "quality": {"mode": "full", "data": {
                "n_train": 4000, "n_test": 1000, "seeds": [0, 1, 2],
                "rows": [{"model": "cnn", "description": "1-D CNN", "unit": "unit05",
                          "published_accuracy": 0.94, "test_accuracy_mean": 0.9312,
                          "test_accuracy_std": 0.0041, "epochs": 150, "batch_size": 100,
                          "train_seconds_median": 8.04, "runs": [{}, {}, {}]},
                         {"model": "cnn_bn", "description": "unit05's CNN", "unit": "unit05",
                          "role": "course reference", "published_accuracy": 0.94,
                          "test_accuracy_mean": 0.97, "test_accuracy_std": 0.001,
                          "fresh_accuracy_mean": 0.965, "fresh_accuracy_std": 0.002,
                          "beats_published": True, "epochs": 30, "batch_size": 100,
                          "train_seconds_median": 7.0, "runs": [{}, {}, {}]},
                         {"model": "mlp_dropout", "description": "unit04's MLP",
                          "unit": "unit04", "role": "course reference",
                          "published_accuracy": 0.68, "test_accuracy_mean": 0.70,
                          "test_accuracy_std": 0.01, "fresh_accuracy_mean": 0.675,
                          "fresh_accuracy_std": 0.01, "beats_published": False, "epochs": 60,
                          "batch_size": 64, "train_seconds_median": 9.0,
                          "runs": [{}, {}, {}]}]}},
        },
    }  # fmt: skip


def _row(markdown: str, first_cell: str) -> list[str]:
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row starting with {first_cell!r} in:\n{markdown}")


def test_grading_table_has_seconds_ratios_and_target():
    text = report.render(_results())
    assert _row(text, report.TOOL_LABELS["medl"]) == [
        report.TOOL_LABELS["medl"],
        "12.5",
        "0.90×",
        "20.2",
        "1.10×",
        "20.0",
        "1.40×",
    ]
    assert _row(text, report.TOOL_LABELS["nbconvert"])[3:] == ["–"] * 4
    assert "measured 0.90×: **met**" in text
    assert "sandboxed kernel start 1.0" in text and "`import tensorflow` alone: 4.2 s" in text
    assert "16 full (generation-2) garbage collections took 7.7 s" in text
    assert "made 120 calls into the student's kernel (median 25.0 ms each, 3.5 s in all)" in text


def test_batch_table_has_speedup_memory_and_quick_mark():
    text = report.render(_results())
    assert _row(text, "2") == ["2", "200.0", "10.0", "1.55×", "400.0", "2.00", "1,400 MB",
                               "850 MB", "650 MB", "2,900 MB"]  # fmt: skip
    assert "load average was 3.5 before and 4.0 after" in text
    assert "2. Batch throughput (unit02)** (quick run" in text
    assert "measured 1.55×: **not met**" in text


def test_train_and_quality_tables():
    text = report.render(_results())
    assert _row(text, "MLP 40-100-100-10")[1:] == ["40,000", "60,000", "50,000", "90,000", "–",
                                                   "1.50×"]  # fmt: skip
    # An older results file (one fit setting) still renders; the CNN is at 0.95.
    assert _row(text, "1-D CNN, 3 × Conv1D(25, 5) (unit05)")[1:] == ["20,000", "–", "–",
                                                                     "19,000", "–", "0.95×"]  # fmt: skip
    assert "best `Model.fit` setting for every model: **not met**" in text
    assert "batch size 32 and initial weights" in text
    # An older row (no fresh samples, no role) is a published setup with no verdict.
    assert _row(text, "cnn: 1-D CNN")[1:] == ["published setup", "unit05", "94%", "93.1% ± 0.4%",
                                              "–", "150 × batch 100", "8.0", ""]  # fmt: skip
    assert _row(text, "cnn_bn: unit05's CNN")[4:6] + _row(text, "cnn_bn: unit05's CNN")[-1:] == [
        "97.0% ± 0.1%", "96.5% ± 0.2%", "**yes**"]  # fmt: skip
    assert _row(text, "mlp_dropout: unit04's MLP")[-1] == "no"
    assert "every course reference above its published row, on fresh samples: **not met**" in text
    assert "mean ± std over 3 seed(s)" in text


def test_machine_line_and_missing_sections():
    text = report.render(_results())
    assert "2 CPUs (Test CPU)" in text and "commit 0123456789" in text
    assert "Not measured yet: notebooks, units, kernels." in text


def test_kernels_table_has_both_modes_and_the_ratio():
    results = _results()
    results["sections"]["kernels"] = {"mode": "full", "data": {
        "unit": "unit01", "submissions": 4, "repeats": 3,
        "runs_s": {"warm": [30.0, 31.0, 29.0], "cold": [52.0, 50.0, 51.0]},
        "seconds_per_submission": {"warm": 7.5, "cold": 12.75},
        "saved_per_submission_s": 5.25, "ratio_warm_to_cold": 0.59}}  # fmt: skip
    text = report.render(results)
    assert _row(text, "cold")[1:] == ["12.75", "52.0, 50.0, 51.0"]
    assert _row(text, "warm")[1:] == ["7.50", "30.0, 31.0, 29.0"]
    assert "Warm / cold: 0.59×; 5.25 s saved per notebook." in text
    assert "4 copies of unit01's reference" in text


def test_readme_section_is_replaced_between_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n\nbefore\n{report.START}\nold table\n{report.END}\nafter\n")
    report.update_readme(_results(), readme)
    text = readme.read_text()
    assert text.startswith("# title\n\nbefore\n" + report.START + "\n")
    assert text.endswith(report.END + "\nafter\n")
    assert "old table" not in text and "| 2 | 200.0 | 10.0 |" in text
    report.update_readme(_results(), readme)  # idempotent
    assert readme.read_text() == text


@pytest.mark.parametrize(
    "text",
    [
        "no markers",
        f"{report.END} then {report.START}",
        f"{report.START}{report.START}{report.END}",
    ],
)
def test_readme_without_proper_markers_is_refused(text):
    with pytest.raises(ValueError, match="bench:start"):
        report.replace_section(text, "body")


def test_one_seed_shows_no_spread_and_failed_sections_are_named():
    results = _results()
    row = results["sections"]["quality"]["data"]["rows"][0]
    row["runs"], row["test_accuracy_std"] = [{}], 0.0
    results["errors"] = {"batch": "Traceback ...\nRuntimeError: medl grade exited 1\n"}
    text = report.render(results)
    assert _row(text, "cnn: 1-D CNN")[4] == "93.1%"
    assert "Section batch failed in the last run: `RuntimeError: medl grade exited 1`." in text


def _unit_row(unit: str, medl: float, nbgrader: float) -> dict:
    def tool(seconds: float, ratio: float | None) -> dict:
        return {"seconds_per_submission": seconds, "ratio_to_nbgrader": ratio,
                "single_submission_s": seconds + 2}  # fmt: skip

    return {"unit": unit, "submissions": 2, "repeats": 1,
            "tools": {"medl": tool(medl, round(medl / nbgrader, 2)),
                      "nbgrader": tool(nbgrader, 1.0), "nbconvert": tool(nbgrader - 1, None)}}  # fmt: skip


def test_class_hours_divide_the_work_by_speedup_and_shards():
    from bench import class_cost

    # 500 students × 36 s on one worker, twice as fast with two: 2.5 h.
    assert class_cost.class_hours(36.0, 500, speedup=2.0) == pytest.approx(2.5)
    # 10 shards: 50 students each, plus each shard's set-up, paid in parallel.
    assert class_cost.class_hours(36.0, 500, speedup=2.0, machines=10, setup_s=360) == (
        pytest.approx((360 + 50 * 18) / 3600)
    )
    # An uneven split: the busiest shard decides (34 of 100 students over 3 shards).
    assert class_cost.class_hours(36.0, 100, speedup=1.0, machines=3) == pytest.approx(
        34 * 36 / 3600
    )


def test_units_section_renders_every_unit_and_the_hours_table():
    results = _results()
    results["sections"]["units"] = {"mode": "full", "data": {"units": [
        _unit_row("unit02", 10.0, 12.0), _unit_row("unit01", 8.0, 8.0)]}}  # fmt: skip
    text = report.render(results)
    assert _row(text, "unit01")[1:] == ["8.0", "8.0", "7.0", "1.00×", "10.0", "10.0", "9.0"]
    assert _row(text, "unit02")[4] == "0.83×"
    # 18 s per student over both units, section 2's speed-up 1.55: 500 × 18 / 1.55 s.
    assert _row(text, "500")[1] == f"{500 * 18 / 1.55 / 3600:.1f}"
    assert "2 unit(s) (unit01, unit02): 18.0 s of one worker per student" in text
    del results["sections"]["batch"]
    assert "(needs the `units` and `batch` sections)" in report.render(results)


def test_a_units_run_keeps_the_rows_of_units_it_did_not_grade():
    from bench.__main__ import _merged_rows

    old = {"data": {"units": [_unit_row("unit01", 8.0, 8.0), _unit_row("unit02", 10.0, 12.0)]}}
    new = {"tools": {}, "units": [_unit_row("unit02", 11.0, 12.0), _unit_row("unit03", 20.0, 21.0)]}
    merged = _merged_rows("units", old, new)
    assert [row["unit"] for row in merged["units"]] == ["unit01", "unit02", "unit03"]
    assert merged["units"][1]["tools"]["medl"]["seconds_per_submission"] == 11.0


def test_a_notebooks_run_on_some_units_keeps_the_other_units_rows():
    from bench.__main__ import _merged_rows

    old = {"data": {"notebooks": [{"unit": "unit01", "median_s": 21.0},
                                  {"unit": "unit08", "median_s": 94.0}]}}  # fmt: skip
    new = {"machine": {}, "notebooks": [{"unit": "unit08", "median_s": 80.0}]}
    merged = _merged_rows("notebooks", old, new)
    assert merged["notebooks"] == [{"unit": "unit01", "median_s": 21.0},
                                   {"unit": "unit08", "median_s": 80.0}]  # fmt: skip


def test_a_quality_run_on_some_models_keeps_the_others_in_their_order():
    from bench.__main__ import _merged_rows

    old = {"data": {"rows": [{"model": name, "epochs": 1} for name in ("linear", "gru", "gru_steps")]}}
    new = {"seeds": [0], "rows": [{"model": "gru_steps", "epochs": 15}]}
    merged = _merged_rows("quality", old, new)
    assert [(row["model"], row["epochs"]) for row in merged["rows"]] == [
        ("linear", 1), ("gru", 1), ("gru_steps", 15)]  # fmt: skip
    assert merged["seeds"] == [0]


@pytest.mark.parametrize("args, message", [
    (["--units", "unit99"], "unknown unit(s) unit99"),
    (["--models", "resnet"], "unknown model(s) resnet"),
], ids=["unit", "model"])  # fmt: skip
def test_unknown_units_or_models_are_one_line_before_anything_runs(capsys, tmp_path, args, message):
    from bench.__main__ import cli

    with pytest.raises(SystemExit) as exit_info:
        cli(["--only", "quality", "--out", str(tmp_path / "r.json"), *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_the_cost_sections_course_hands_in_the_reference_for_every_student(tmp_path):
    # The grading and units sections grade copies of the reference; a course they cannot
    # build fails them in their first second (it did, unseen, until this test).
    from bench.grading_cost import prepare_course

    course = prepare_course(tmp_path / "course", "unit01", ["student01", "student02"])
    reference = course.reference("unit01")
    for student in ("student01", "student02"):
        submitted = course.root / "submitted" / student / "unit01" / "unit01.ipynb"
        assert [c.source for c in nbformat.read(submitted, as_version=4).cells] == [
            c.source for c in reference.cells
        ]
