"""The class report page from results gathered by hand: sections, figures, honest gaps."""

import json
from html.parser import HTMLParser

from autograder.reports.class_page import PageInputs, write_page
from autograder.reports.class_results import collect
from autograder.reports.similarity import similar_pairs

SCORES = {
    "ann": {"unit98_double": (4.0, 4.0), "unit98_square": (2.0, 2.0)},
    "bob": {"unit98_double": (1.0, 4.0), "unit98_square": (2.0, 2.0)},
    "cat": {"unit98_double": (1.0, 4.0), "unit98_square": (0.0, 2.0)},
    "dan": {"unit98_double": (0.0, 4.0), "unit98_square": (0.0, 2.0)},
}


def result(cells, *, reason="", seconds=5.0, status="ok"):
    return {"status": status, "reason": reason, "seconds": seconds, "cells": cells}


def failed(gid, name, message):
    return {"grade_id": gid, "checks": [{"name": name, "passed": False, "message": message}]}


def graded_by_medl(tmp_path):
    """results.json for every student, as `medl grade` leaves them."""
    negative = "double(-1): values differ\n  expected -2, got 2"
    files = {
        "ann": result([]),
        "bob": result([failed("unit98_double", "test_negative", negative)]),
        "cat": result([failed("unit98_double", "test_negative", negative),
                       failed("unit98_square", "test_square", "square: values differ")]),  # fmt: skip
        "dan": result([], reason="the kernel exited with code 7", seconds=1.5),
    }
    for student, data in files.items():
        folder = tmp_path / "medl-results" / "unit98" / student
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(json.dumps(data))
    return collect(SCORES, tmp_path, "unit98")


class Page(HTMLParser):
    """The page's images and headings, read back as a browser would see the markup."""

    def __init__(self, text):
        super().__init__()
        self.images, self.headings, self._in_heading = [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs)["src"])
        self._in_heading = tag in ("h2", "h3")

    def handle_data(self, data):
        if self._in_heading:
            self.headings.append(data.strip())
            self._in_heading = False


def test_a_class_graded_by_medl_gets_every_section(tmp_path):
    results = graded_by_medl(tmp_path)
    planted = {"double_abs": "double(-1): values differ", "square_cubes": "cube"}
    page_path = write_page(results, tmp_path / "report", PageInputs(planted=planted))
    text = page_path.read_text()
    page = Page(text)
    assert page.images == ["cells.png", "totals.png", "seconds.png"]
    assert all((tmp_path / "report" / image).stat().st_size > 1000 for image in page.images)
    assert page.headings[:2] == ["Summary", "Scores per graded cell"]
    assert "Checks failed most" in page.headings and "Crashes, timeouts, limits" in page.headings
    # test_negative first: two students, with the message they read
    first_row = text.split("<th>most common message</th></tr>")[1].split("</tr>")[0]
    assert "test_negative" in first_row and ">2<" in first_row and "expected -2, got 2" in first_row
    assert "the kernel exited with code 7" in text
    assert "without <code>medl grade</code>" not in text
    # the planted mistake two students made, and the one nobody made
    planted_rows = text.split("Planted mistakes seen in the class")[1]
    assert planted_rows.index("double_abs") < planted_rows.index("square_cubes")


def test_plain_nbgrader_grades_say_what_they_cannot_show(tmp_path):
    results = collect(SCORES, tmp_path, "unit98")  # no medl-results folder
    assert results.graded_by_medl == 0
    text = write_page(results, tmp_path / "report", PageInputs(planted={"x": "y"})).read_text()
    assert "4 of 4 submissions were graded without <code>medl grade</code>" in text
    assert "which hidden checks failed" in text
    assert Page(text).images == ["cells.png", "totals.png"]  # no grading times to plot
    assert "Checks failed most" not in text and "Planted mistakes" not in text


def test_similar_pairs_are_shown_side_by_side_with_the_baseline(tmp_path):
    body = "total = 0\nfor x in xs:\n    total += x * x\nreturn total / len(xs)\n"
    renamed = body.replace("total", "acc").replace("x", "v")
    answers = {"ann": {"c": body}, "bob": {"c": renamed}, "cat": {"c": "return sum(xs) / 3\n"}}
    pairs = similar_pairs(answers, at_least=0.5)
    assert [(p.first, p.second) for p in pairs] == [("ann", "bob")]
    inputs = PageInputs(pairs=pairs, answers=answers, reference_similarity=0.12)
    text = write_page(collect(SCORES, tmp_path, "unit98"), tmp_path / "r", inputs).read_text()
    assert "ann and bob: 1.00" in text and "median similarity to a submission is 0.12" in text
    assert "acc += v * v" in text and "never a penalty" in text
