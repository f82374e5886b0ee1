"""The instructor's page for one assignment: one self-contained HTML file and its PNGs.

What a class of several hundred needs at a glance: how the scores spread per graded cell
and in total, which checks the class fails most (with the message students read), which
planted mistakes the real failures look like, which submissions crashed, timed out or
hit a limit, what grading cost, and which submissions are near-identical. Everything the
page shows is computed from the gradebook and medl's results; nothing is sent anywhere.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from autograder.reports.class_results import ClassResults
from autograder.reports.similarity import Pair

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; }
td, th { border: 1px solid #ddd; padding: 0.3rem 0.6rem; vertical-align: top; text-align: left; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { margin: 0; white-space: pre-wrap; font-size: 0.8rem; max-width: 32rem; }
.note { background: #fff6dc; border-left: 4px solid #e0b000; padding: 0.5rem 0.8rem; }
img { max-width: 100%; }
"""


@dataclass
class PageInputs:
    """What the page shows besides the class's results.

    Attributes:
        planted: planted-mistake name -> the message its checks give (the unit's samples).
        pairs: similar submissions, most alike first (:func:`similarity.similar_pairs`).
        answers: student -> grade_id -> answer source, for the side-by-side view.
        reference_similarity: the reference's median similarity to the class.
    """

    planted: dict[str, str] = field(default_factory=dict)
    pairs: list[Pair] = field(default_factory=list)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    reference_similarity: float | None = None


def write_page(results: ClassResults, out_dir: Path, inputs: PageInputs | None = None) -> Path:
    """Write ``out_dir/index.html`` and the PNGs it embeds; return the page's path."""
    inputs = inputs or PageInputs()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sections = [
        _summary(results),
        _figure(out_dir, "cells.png", _plot_cells(results), "Scores per graded cell"),
        _figure(out_dir, "totals.png", _plot_totals(results), "Total scores"),
        _failed_checks(results),
        _planted(results, inputs.planted),
        _troubled(results),
        _timing(results, out_dir),
        _similar(inputs),
    ]
    title = f"{results.assignment}: class report"
    page = (
        f"<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>{_e(title)}"
        f"</title><style>{_STYLE}</style></head><body>\n<h1>{_e(title)}</h1>\n"
        + "\n".join(s for s in sections if s)
        + "\n</body></html>\n"
    )
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _e(text: object) -> str:
    return html.escape(str(text))


def _summary(results: ClassResults) -> str:
    subs = results.submissions
    medl = results.graded_by_medl
    text = f"<p>{len(subs)} submissions, {len(results.cells)} graded cells."
    if subs:
        totals = sorted(s.score for s in subs)
        text += (
            f" Median total {totals[len(totals) // 2]:g} of {subs[0].max_score:g};"
            f" {sum(t >= subs[0].max_score for t in totals)} with full marks.</p>"
        )
    if medl < len(subs):
        text += (
            f"<p class='note'>{len(subs) - medl} of {len(subs)} submissions were graded "
            "without <code>medl grade</code> (plain <code>nbgrader autograde</code>): the "
            "gradebook has their scores per cell, but not which hidden checks failed, "
            "their messages, whether the kernel crashed or timed out, or the grading time. "
            "Those sections cover only the submissions graded by medl.</p>"
        )
    return "<h2>Summary</h2>" + text


def _pyplot():
    """matplotlib.pyplot drawing to files only (no display on a grading server)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _figure(out_dir: Path, name: str, figure, caption: str) -> str:
    if figure is None:
        return ""
    figure.savefig(out_dir / name, dpi=110, bbox_inches="tight")
    _pyplot().close(figure)
    return f"<h2>{_e(caption)}</h2><img src='{name}' alt='{_e(caption)}'>"


def _plot_cells(results: ClassResults):
    """Stacked bars per cell: full marks, partial credit, zero."""
    plt = _pyplot()
    cells = results.cells
    if not cells:
        return None
    full, partial, zero = [], [], []
    for gid in cells:
        pairs = [s.cells[gid] for s in results.submissions if gid in s.cells]
        full.append(sum(score >= points for score, points in pairs))
        zero.append(sum(score == 0 for score, points in pairs if points > 0))
        partial.append(len(pairs) - full[-1] - zero[-1])
    labels = [gid.removeprefix(results.assignment + "_") for gid in cells]
    figure, ax = plt.subplots(figsize=(max(6, 0.7 * len(cells)), 3.6))
    ax.bar(labels, full, color="#3a923a", label="full marks")
    ax.bar(labels, partial, bottom=full, color="#e0b000", label="partial")
    ax.bar(labels, zero, bottom=[f + p for f, p in zip(full, partial)], color="#c0392b",
           label="zero")  # fmt: skip
    ax.set_ylabel("submissions")
    ax.tick_params(axis="x", rotation=40)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # off the bars
    return figure


def _plot_totals(results: ClassResults):
    plt = _pyplot()
    if not results.submissions:
        return None
    totals = [s.score for s in results.submissions]
    figure, ax = plt.subplots(figsize=(6, 3))
    ax.hist(totals, bins=min(20, max(5, len(totals) // 5)), range=(0, results.submissions[0].max_score),
            color="#4a78b5")  # fmt: skip
    ax.set_xlabel(f"total points (of {results.submissions[0].max_score:g})")
    ax.set_ylabel("submissions")
    return figure


def _failed_checks(results: ClassResults) -> str:
    ranked = results.most_failed(top=15)
    if not ranked:
        return "" if not results.graded_by_medl else "<h2>Checks failed most</h2><p>None.</p>"
    rows = "".join(
        f"<tr><td>{_e(f.grade_id)}</td><td>{_e(f.check)}</td><td class='num'>{count}</td>"
        f"<td><pre>{_e(f.message[:600])}</pre></td></tr>"
        for f, count in ranked
    )
    return (
        "<h2>Checks failed most</h2><table><tr><th>cell</th><th>check</th>"
        f"<th>students</th><th>most common message</th></tr>{rows}</table>"
    )


def _planted(results: ClassResults, planted: dict[str, str]) -> str:
    """Which planted mistakes' messages appear among the class's real failures."""
    if not planted or not results.graded_by_medl:
        return ""
    rows = []
    for name, message in sorted(planted.items()):
        students = sum(
            any(message in f.message for f in s.failed) for s in results.submissions
        )
        rows.append((students, name, message))
    rows.sort(key=lambda row: (-row[0], row[1]))
    body = "".join(
        f"<tr><td>{_e(name)}</td><td class='num'>{n}</td><td><pre>{_e(message)}</pre></td></tr>"
        for n, name, message in rows
    )
    return (
        "<h2>Planted mistakes seen in the class</h2><p>Each planted mistake of the unit's "
        "contract tests, with how many submissions failed with its message: the mistakes "
        "students actually make, and the ones no one makes.</p><table><tr><th>planted "
        f"mistake</th><th>students</th><th>message</th></tr>{body}</table>"
    )


def _troubled(results: ClassResults) -> str:
    if not results.graded_by_medl:
        return ""
    troubled = results.troubled()
    if not troubled:
        return "<h2>Crashes, timeouts, limits</h2><p>Every submission ran to the end.</p>"
    rows = "".join(
        f"<tr><td>{_e(s.student)}</td><td>{_e(s.status)}</td><td class='num'>{s.score:g}</td>"
        f"<td>{_e(s.reason)}</td></tr>"
        for s in troubled
    )
    return (
        "<h2>Crashes, timeouts, limits</h2><table><tr><th>student</th><th>status</th>"
        f"<th>score</th><th>reason</th></tr>{rows}</table>"
    )


def _timing(results: ClassResults, out_dir: Path) -> str:
    seconds = sorted(s.seconds for s in results.submissions if s.seconds is not None)
    if not seconds:
        return ""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(6, 3))
    ax.hist(seconds, bins=min(20, max(5, len(seconds) // 5)), color="#7a5cb5")
    ax.set_xlabel("seconds per submission")
    ax.set_ylabel("submissions")
    median = seconds[len(seconds) // 2]
    text = (
        f"<p>Median {median:.1f} s, slowest {seconds[-1]:.1f} s, "
        f"{sum(seconds) / 3600:.2f} h of grading in all (one worker).</p>"
    )
    return _figure(out_dir, "seconds.png", figure, "Grading time") + text


def _similar(inputs: PageInputs) -> str:
    if not inputs.pairs:
        return ""
    baseline = (
        f" The reference solution's median similarity to a submission is "
        f"{inputs.reference_similarity:.2f}: code that follows the skeleton looks alike."
        if inputs.reference_similarity is not None
        else ""
    )
    parts = [
        "<h2>Similar submissions</h2><p>Pairs whose answer cells are near-identical after "
        "names, literals, comments and layout are normalised (winnowed fingerprints), most "
        "alike first. Evidence for you to read, never a penalty." + baseline + "</p>"
    ]
    for pair in inputs.pairs:
        parts.append(
            f"<h3>{_e(pair.first)} and {_e(pair.second)}: {pair.similarity:.2f}</h3>"
            f"<p>Similarity to the reference: {pair.reference[0]:.2f} and "
            f"{pair.reference[1]:.2f}.</p><table><tr><th>cell</th><th>similarity</th>"
            f"<th>{_e(pair.first)}</th><th>{_e(pair.second)}</th></tr>"
        )
        for cell in sorted(pair.cells, key=lambda c: -c.similarity):
            left = inputs.answers.get(pair.first, {}).get(cell.grade_id, "")
            right = inputs.answers.get(pair.second, {}).get(cell.grade_id, "")
            parts.append(
                f"<tr><td>{_e(cell.grade_id)}</td><td class='num'>{cell.similarity:.2f}</td>"
                f"<td><pre>{_e(left)}</pre></td><td><pre>{_e(right)}</pre></td></tr>"
            )
        parts.append("</table>")
    return "\n".join(parts)
