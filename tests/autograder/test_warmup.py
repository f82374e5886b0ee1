"""The background import of the checks' dependencies."""

import sys

from autograder import warmup


def test_warmup_imports_the_check_dependencies_once():
    warmup.start()
    first = warmup._thread
    warmup.start()  # a second grading in the same process starts nothing new
    assert warmup._thread is first
    assert warmup.wait() == []
    assert all(name in sys.modules for name in warmup.MODULES)


def test_wait_reports_an_import_that_failed(monkeypatch):
    monkeypatch.setattr(warmup, "MODULES", ("medl_no_such_module",))
    monkeypatch.setattr(warmup, "_thread", None)
    monkeypatch.setattr(warmup, "_errors", [])
    warmup.start()
    errors = warmup.wait()
    assert len(errors) == 1 and errors[0].startswith("medl_no_such_module: ModuleNotFoundError")
