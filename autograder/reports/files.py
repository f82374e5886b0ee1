"""Per-submission reports: results.json, JUnit XML and a Markdown summary.

results.json is the record the batch runner resumes from and merges; JUnit lets any CI
show each hidden check as a test; the Markdown summary is what a student reads in a
GitHub Actions run ($GITHUB_STEP_SUMMARY). All are written atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

from autograder.reports import atomic

RESULTS = "results.json"
JUNIT = "junit.xml"
SUMMARY = "summary.md"


def write_all(result: dict, out_dir: Path, *, show_details: bool) -> dict[str, Path]:
    """Write the three reports for one graded submission (``NotebookGrade.to_dict()``)."""
    out_dir = Path(out_dir)
    paths = {
        "junit": atomic.write_text(out_dir / JUNIT, junit_xml(result, show_details=show_details)),
        "summary": atomic.write_text(
            out_dir / SUMMARY, markdown(result, show_details=show_details)
        ),
    }
    # results.json last: its presence marks the submission as done for --resume.
    paths["results"] = atomic.write_text(out_dir / RESULTS, json.dumps(result, indent=2) + "\n")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(markdown(result, show_details=show_details) + "\n")
    return paths


def read_result(out_dir: Path) -> dict | None:
    """The results.json of a finished submission, or None if absent or unreadable."""
    try:
        return json.loads((Path(out_dir) / RESULTS).read_text())
    except (OSError, ValueError):
        return None


def junit_xml(result: dict, *, show_details: bool) -> str:
    """One <testcase> per hidden check, grouped in one <testsuite> per graded cell."""
    suites = ET.Element("testsuites", name=result["assignment"])
    for cell in result["cells"]:
        checks = cell["checks"] or [{"name": "cell", "passed": False, "message": cell["error"]}]
        failures = sum(not c["passed"] for c in checks)
        suite = ET.SubElement(suites, "testsuite", name=cell["grade_id"], tests=str(len(checks)),
                              failures=str(failures))  # fmt: skip
        for check in checks:
            case = ET.SubElement(suite, "testcase", classname=cell["grade_id"], name=check["name"])
            if not check["passed"]:
                failure = ET.SubElement(case, "failure", message="check failed")
                failure.text = check["message"] if show_details else "details hidden until release"
    if result["status"] != "ok" or result["reason"]:
        ET.SubElement(suites, "properties").append(
            ET.Element("property", name="reason", value=result["reason"])
        )
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def markdown(result: dict, *, show_details: bool) -> str:
    """A short Markdown report: total, a table of cells, then what went wrong."""
    lines = [
        f"## {result['assignment']}: {result['score']:g} / {result['max_score']:g} points",
        "",
        "| graded cell | score | checks passed |",
        "|---|---:|---:|",
    ]
    for cell in result["cells"]:
        passed = sum(c["passed"] for c in cell["checks"])
        lines.append(f"| `{cell['grade_id']}` | {cell['score']:g} / {cell['points']:g} "
                     f"| {passed} / {len(cell['checks'])} |")  # fmt: skip
    if result["reason"]:
        lines += ["", f"**Grading stopped early:** {result['reason']}"]
    if result.get("integrity"):
        lines += ["", "**Restored from the assignment:**", *(f"- {m}" for m in result["integrity"])]
    failed = [(cell, c) for cell in result["cells"] for c in cell["checks"] if not c["passed"]]
    errors = [cell for cell in result["cells"] if cell["error"] and not cell["checks"]]
    if show_details and (failed or errors):
        lines += ["", "### What went wrong", ""]
        for cell in errors:
            lines += [f"- `{cell['grade_id']}`: {cell['error']}"]
        for cell, check in failed:
            lines += [f"- `{cell['grade_id']}` / `{check['name']}`:", "", "```",
                      check["message"].strip(), "```"]  # fmt: skip
    elif failed:
        lines += ["", f"{len(failed)} hidden checks failed; details are shown after the due date."]
    protections = result.get("protections") or {}
    if protections:
        active = ", ".join(f"{k}={v}" for k, v in protections.items())
        lines += ["", f"<sub>sandbox: {active}</sub>"]
    return "\n".join(lines) + "\n"
