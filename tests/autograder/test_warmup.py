"""The background import of the checks' dependencies."""

import gc
import sys

from autograder.engine import warmup


def test_warmup_imports_the_check_dependencies_once():
    warmup.start()
    first = warmup._thread
    warmup.start()  # a second grading in the same process starts nothing new
    assert warmup._thread is first
    warmup.wait()
    assert not first.is_alive()
    assert all(name in sys.modules for name in warmup.MODULES)
    # What was imported is frozen: full collections during grading no longer walk it.
    assert gc.get_freeze_count() > 0


def test_a_module_that_fails_to_import_does_not_stop_the_others(monkeypatch):
    monkeypatch.setattr(warmup, "MODULES", ("medl_no_such_module", "json"))
    monkeypatch.setattr(warmup, "_thread", None)
    monkeypatch.delitem(sys.modules, "json")
    warmup.start()
    warmup.wait()
    assert "json" in sys.modules and "medl_no_such_module" not in sys.modules
