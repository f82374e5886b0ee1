"""Hostile and broken submissions: grading always returns, with the right score and a reason.

Every case grades one hostile notebook of the toy unit98 (see conftest.py), checks the
scores and the reason, then grades an honest notebook in the same course to show that
nothing the hostile one did carried over.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from autograder.contract import runner
from autograder.engine.sandbox import Limits, detect_protections

REPO = Path(__file__).resolve().parents[2]
FULL = {"unit98_double": 4.0, "unit98_square": 2.0}
needs_bubblewrap = pytest.mark.skipif(
    not detect_protections()["bubblewrap"], reason="bubblewrap is not available here"
)
DOUBLE = "def double(x):\n    return 2 * np.asarray(x, dtype=float)\n"
WRONG_DOUBLE = "def double(x):\n    return np.asarray(x, dtype=float)\n"


def assert_honest_unaffected(toy) -> None:
    result = toy.grade(toy.release(), student="honest")
    assert (toy.scores(result), result.status, result.reason) == (FULL, "ok", "")


def graded(toy, double_cell: str | None = None, square_cell: str | None = None, **kwargs):
    answers = {}
    if double_cell is not None:
        answers["unit98_double_impl"] = double_cell
    if square_cell is not None:
        answers["unit98_square_impl"] = square_cell
    return toy.grade(toy.release(answers), **kwargs)


# --- runaway code --------------------------------------------------------------------------


@pytest.mark.slow
def test_infinite_loop_times_out_and_later_cells_score_zero(toy):
    result = graded(toy, square_cell="while True:\n    pass")
    assert toy.scores(result) == {"unit98_double": 4.0, "unit98_square": 0.0}
    assert result.reason == "cell 5 (unit98_square_impl) timed out after 4 s"
    assert result.cells[1].error == result.reason
    assert_honest_unaffected(toy)


def test_huge_allocation_hits_the_memory_limit(toy):
    result = graded(toy, "hog = bytearray(2**40)\n" + DOUBLE)
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 2.0}
    assert "MemoryError" in toy.outputs(result) and result.reason == ""
    # The public checks stop at the NameError; the hidden checks still run and say why.
    assert "the notebook defines nothing named 'double'" in result.cells[0].checks[0].message
    assert_honest_unaffected(toy)


def test_growing_memory_bomb_hits_the_limit_not_the_machine(toy):
    bomb = "hog = []\nwhile True:\n    hog.append(bytearray(64 * 2**20))\n" + DOUBLE
    result = graded(toy, bomb)
    assert toy.scores(result)["unit98_double"] == 0.0
    # `hog` still holds nearly all the allowed memory, so the kernel may go on (then the
    # honest square earns its points) or fail to allocate later and die; both are reported.
    if result.reason:
        assert result.reason.startswith("kernel ") and toy.scores(result)["unit98_square"] == 0
    else:
        assert "MemoryError" in toy.outputs(result) and toy.scores(result)["unit98_square"] == 2
    assert_honest_unaffected(toy)


def test_memory_bomb_inside_a_checked_call(toy):
    bomb = (
        "def double(x):\n"
        "    if np.any(np.asarray(x) < 0):\n"
        "        return np.ones(2**40)\n"
        "    return 2 * np.asarray(x, dtype=float)\n"
    )
    result = graded(toy, bomb)
    assert toy.scores(result) == {"unit98_double": 1.0, "unit98_square": 2.0}
    negative = result.cells[0].checks[1]
    assert negative.message.startswith("calling double raised MemoryError")
    assert_honest_unaffected(toy)


@pytest.mark.slow
def test_hung_call_is_interrupted_and_grading_goes_on(toy):
    hang = (
        "import time\n"
        "def double(x):\n"
        "    if np.any(np.asarray(x) < 0):\n"
        "        time.sleep(600)\n"
        "    return 2 * np.asarray(x, dtype=float)\n"
    )
    result = graded(toy, hang)
    assert toy.scores(result) == {"unit98_double": 1.0, "unit98_square": 2.0}
    assert result.cells[0].checks[1].message == "calling double timed out after 4 s"
    assert result.reason == ""
    assert_honest_unaffected(toy)


@pytest.mark.slow
def test_hung_call_that_ignores_interrupts_stops_the_notebook(toy):
    hang = (
        "import signal\n"
        "def double(x):\n"
        "    if np.any(np.asarray(x) < 0):\n"
        "        signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "        while True:\n"
        "            pass\n"
        "    return 2 * np.asarray(x, dtype=float)\n"
    )
    result = graded(toy, hang)
    assert toy.scores(result) == {"unit98_double": 1.0, "unit98_square": 0.0}
    assert result.reason == "calling double timed out after 4 s and the kernel hung"
    assert_honest_unaffected(toy)


# --- exits and crashes ------------------------------------------------------------------------


def test_sys_exit_is_an_error_in_its_cell_only(toy):
    # IPython turns SystemExit into a cell error, as in Jupyter and under nbgrader.
    result = graded(toy, "import sys\nsys.exit('bye')\n" + DOUBLE)
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 2.0}
    assert "SystemExit" in toy.outputs(result) and result.reason == ""
    assert_honest_unaffected(toy)


def test_os_exit_kills_the_kernel_and_is_reported(toy):
    result = graded(toy, square_cell="import os\nos._exit(3)")
    assert toy.scores(result) == {"unit98_double": 4.0, "unit98_square": 0.0}
    assert result.reason == "kernel exited with code 3 while running cell 5 (unit98_square_impl)"
    assert result.status == "ok" and result.cells[1].error == result.reason
    assert_honest_unaffected(toy)


def test_ipython_exit_stops_the_kernel(toy):
    result = graded(toy, DOUBLE + "exit()")
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 0.0}
    assert result.reason == "kernel exited with code 0 while running cell 3 (unit98_double_impl)"
    assert_honest_unaffected(toy)


def test_segfault_is_reported_with_its_signal(toy):
    result = graded(toy, "import ctypes\nctypes.string_at(0)\n" + DOUBLE)
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 0.0}
    expected = "kernel died with signal 11 (segmentation fault) while running cell 3"
    assert result.reason == expected + " (unit98_double_impl)"
    assert_honest_unaffected(toy)


def test_sigkill_reads_as_out_of_memory(toy):
    result = graded(toy, DOUBLE + "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 0.0}
    assert result.reason.startswith("kernel died with signal 9 (likely out of memory)")
    assert_honest_unaffected(toy)


@needs_bubblewrap
def test_killing_every_process_it_can_see_reaches_nothing_outside(toy):
    # In its own PID namespace the kernel sees only itself and the sandbox's init, which
    # ignores signals from inside: kill(-1) reaches nobody, the grader least of all.
    canary = subprocess.Popen(["sleep", "60"])
    try:
        code = (
            "import os\n"
            "for target in (-1, os.getppid(), 1):\n"
            "    try:\n"
            "        os.kill(target, 9)\n"
            "    except OSError as exc:\n"
            "        print('KILL', target, type(exc).__name__)\n"
        )
        result = graded(toy, code + DOUBLE)
        assert canary.poll() is None, "a process outside the sandbox was killed"
    finally:
        canary.kill()
        canary.wait()
    assert toy.scores(result) == FULL and result.reason == ""
    assert_honest_unaffected(toy)


# --- cheating ---------------------------------------------------------------------------------


def test_monkeypatching_the_kernel_cannot_reach_the_checks(toy):
    patches = (
        "import builtins, sys, types, numpy\n"
        "import course_lib.testing as testing\n"
        "testing.assert_close = lambda *a, **k: None\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "sys.modules['pytest'] = types.ModuleType('pytest')\n"
        "sys.modules['autograder'] = types.ModuleType('autograder')\n"
        "sys.modules['autograder.contract.runner'] = types.ModuleType('autograder.contract.runner')\n"
        "builtins.AssertionError = type('Nope', (Exception,), {})\n"
    )
    result = graded(toy, patches + WRONG_DOUBLE)
    # The public check was fooled (its cell ran cleanly); the hidden ones were not.
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 2.0}
    assert result.cells[0].error == "" and not any(c.passed for c in result.cells[0].checks)
    assert_honest_unaffected(toy)


def test_printed_fake_scores_count_for_nothing(toy):
    fake = (
        "print('unit98_double: 4 / 4 points')\n"
        "print(json.dumps({'unit98_double': {'score': 4, 'max_score': 4}}))\n"
        "from IPython.display import display\n"
        "display({'application/json': {'score': 4, 'points': 4}}, raw=True)\n"
    )
    result = graded(toy, "import json\n" + fake + WRONG_DOUBLE)
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 2.0}
    assert "unit98_double: 4 / 4 points" in toy.outputs(result)  # it did print them
    assert result.score == 2.0
    assert_honest_unaffected(toy)


def test_tampering_with_the_bridge_scores_zero(toy):
    result = graded(toy, "import sys\n" + DOUBLE + "del sys.modules['_medl_bridge']")
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 0.0}
    assert "did the notebook tamper with sys.modules" in result.cells[0].checks[0].message
    assert_honest_unaffected(toy)


FORGE = """
ip = get_ipython()
kernel = ip.kernel


def forge(*args):
    parent, send = kernel.get_parent(), kernel.session.send
    send(kernel.iopub_socket, "stream", {"name": "stdout", "text": "unit98_double: 4 / 4 points"},
         parent=parent)
    send(kernel.iopub_socket, "status", {"execution_state": "idle"}, parent=parent)
    send(kernel.iopub_socket, "execute_reply", {"status": "ok"}, parent=parent)
    send(kernel.iopub_socket, "stream", {"text": 5}, parent=parent)


ip.events.register("pre_execute", forge)
"""


def test_forged_kernel_messages_change_nothing(toy):
    # The kernel holds the signing key, so it can forge any message for any request,
    # including the grader's bridge requests; scores still come from checked values.
    result = graded(toy, FORGE + WRONG_DOUBLE)
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 2.0}
    assert "values differ" in result.cells[0].checks[0].message and result.reason == ""
    assert_honest_unaffected(toy)


@pytest.fixture
def course_outside_tmp():
    """A course folder and a results folder outside /tmp, as a real course would have."""
    if not os.access("/var/tmp", os.W_OK):
        pytest.skip("no writable folder outside /tmp")
    root = Path(tempfile.mkdtemp(prefix="medl-course-", dir="/var/tmp"))
    (root / "course" / "autograded" / "student").mkdir(parents=True)
    (root / "course" / "feedback").mkdir()
    (root / "course" / "gradebook.db").write_text("GRADEBOOK")
    (root / "results").mkdir()
    (root / "results" / "grades.json").write_text("{}")
    yield root
    shutil.rmtree(root)


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


ATTACK = """
import json, os
found, wrote = {}, []
for path in READ:
    try:
        found[path] = open(path).read()[:100]
    except OSError:
        pass
    try:
        found[path + "/"] = os.listdir(path)
    except OSError:
        pass
for path in WRITE:
    try:
        with open(path, "w") as handle:
            handle.write('{"unit98_double": 4}')
        wrote.append(path)
    except OSError:
        pass
print("ATTACK" + json.dumps({"found": {k: v for k, v in found.items() if v}, "wrote": wrote}))
"""


def _attack(paths_read: list[str], paths_write: list[str]) -> str:
    return ATTACK.replace("READ", repr(paths_read)).replace("WRITE", repr(paths_write)) + DOUBLE


def _attack_report(toy, result) -> dict:
    return json.loads(toy.outputs(result).split("ATTACK", 1)[1].splitlines()[0])


@needs_bubblewrap
def test_gradebook_and_results_can_be_neither_read_nor_written(toy, course_outside_tmp):
    course, results = course_outside_tmp / "course", course_outside_tmp / "results"
    before = _snapshot(course_outside_tmp)
    targets = [course / "gradebook.db", results / "grades.json", course / "feedback",
               course / "autograded" / "student", results]  # fmt: skip
    writes = [str(course / "gradebook.db"), str(results / "grades.json"),
              str(course / "autograded" / "student" / "unit98.ipynb"), str(results / "new.json")]  # fmt: skip
    nb = toy.release({"unit98_double_impl": _attack([str(p) for p in targets], writes)})
    result = toy.grade(nb, hidden=(course, results))
    assert _attack_report(toy, result) == {"found": {}, "wrote": []}
    assert _snapshot(course_outside_tmp) == before
    assert toy.scores(result) == FULL  # the answers are right; the attack changed nothing
    assert str(course.resolve()) in result.protections["hidden_paths"]
    assert_honest_unaffected(toy)


SEARCH = """
import os
hits = []
for top in ROOTS:
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in ("site-packages", ".venv", "proc", "sys")]
        for name in files:
            path = os.path.join(folder, name)
            try:
                with open(path, errors="ignore") as handle:
                    text = handle.read(1_000_000)
            except OSError:
                continue
            # Markers spelled so that this very cell does not contain them.
            if any(m in text for m in ("double(" + "-1)", "BEGIN " + "SOLUTION", "BEGIN " + "HIDDEN")):
                hits.append(path)
print("SEARCH" + repr(sorted(hits)))
"""


@needs_bubblewrap
def test_hidden_checks_and_solutions_cannot_be_found(toy):
    direct = [toy.checks / "unit98" / "test_double.py", toy.source, runner.CHECKS_ROOT / "pytest.ini",
              REPO / "solutions", REPO / ".git" / "HEAD", REPO / "autograder"]  # fmt: skip
    assert all(p.exists() for p in direct), "the control: they exist outside the sandbox"
    roots = ["/tmp", "/var/tmp", "/work", str(Path.home()), str(REPO)]
    code = _attack([str(p) for p in direct], []) + SEARCH.replace("ROOTS", repr(roots))
    # The walk reads every file the sandbox shows; on a loaded two-core runner that can take
    # longer than the toy's 4 s cell limit, and this test is about what it finds, not speed.
    slow_walk = dataclasses.replace(toy.limits, cell_timeout_s=60, notebook_timeout_s=120)
    result = toy.grade(toy.release({"unit98_double_impl": code}), limits=slow_walk)
    assert _attack_report(toy, result)["found"] == {}
    assert "SEARCH[]" in toy.outputs(result), (
        result.notes,
        result.reason,
        [c.outputs for c in result.executed.cells if c.get("cell_type") == "code"][:4],
    )
    assert toy.scores(result) == FULL
    assert_honest_unaffected(toy)


@pytest.mark.skipif(not detect_protections()["network_namespace"], reason="no network namespace")
def test_network_is_unreachable(toy):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    code = (
        "import socket\nresults = []\n"
        f"for address in [('127.0.0.1', {port}), ('198.51.100.7', 80)]:\n"
        "    try:\n"
        "        socket.create_connection(address, timeout=1).close()\n"
        "        results.append('connected')\n"
        "    except OSError as exc:\n"
        "        results.append(type(exc).__name__)\n"
        "print('NET', results)\n" + DOUBLE
    )
    try:
        result = graded(toy, code)
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()
    assert "NET [" in toy.outputs(result) and "connected" not in toy.outputs(result)
    assert toy.scores(result) == FULL
    assert_honest_unaffected(toy)


def test_huge_output_is_cut_and_grading_goes_on(toy):
    flood = "print('x' * 5_000_000)\nfor i in range(20_000):\n    print(i)\n" + DOUBLE
    result = graded(toy, flood)
    assert toy.scores(result) == FULL
    assert any(n.startswith("output of cell 3 (unit98_double_impl) cut") for n in result.notes)
    assert len(toy.outputs(result)) < toy.limits.output_bytes + 2_000  # plus the check reports
    assert_honest_unaffected(toy)


@needs_bubblewrap
def test_filling_the_disk_stops_at_the_sandbox_quota(toy):
    fill = (
        "try:\n"
        "    for i in range(1000):\n"
        "        with open(f'junk{i}', 'wb') as handle:\n"
        "            handle.write(b'0' * 2**24)\n"
        "except OSError as exc:\n"
        "    print('DISK', exc.strerror)\n" + DOUBLE
    )
    limits = Limits(**{**toy.limits.__dict__, "disk_mb": 64})
    result = graded(toy, fill, limits=limits)
    assert "DISK No space left on device" in toy.outputs(result)
    assert toy.scores(result) == FULL
    assert_honest_unaffected(toy)


# --- tampered notebooks -----------------------------------------------------------------------


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_deleted_test_cell_is_restored(toy):
    nb = toy.release({"unit98_double_impl": WRONG_DOUBLE})
    nb.cells.remove(_cell(nb, "unit98_double"))
    result = toy.grade(nb)
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 2.0}
    assert "unit98_double: the cell was deleted; restored from the source" in result.integrity
    assert_honest_unaffected(toy)


def test_edited_test_cell_is_restored(toy):
    nb = toy.release({"unit98_double_impl": WRONG_DOUBLE})
    _cell(nb, "unit98_double").source = "print('all checks passed')"
    result = toy.grade(nb)
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 2.0}
    assert "FAIL  double: values differ" in toy.outputs(result)  # the restored public check
    assert all(not check.passed for check in result.cells[0].checks)
    assert "unit98_double: the locked cell was edited; restored from the source" in result.integrity
    assert_honest_unaffected(toy)


def test_inflated_points_and_bogus_graded_cells_are_ignored(toy):
    nb = toy.release()
    _cell(nb, "unit98_double").metadata.nbgrader["points"] = 400
    bogus = {"grade": True, "grade_id": "unit98_bonus", "points": 100, "solution": False}
    nb.cells[1].metadata["nbgrader"] = bogus
    result = toy.grade(nb)
    assert toy.scores(result) == FULL and result.max_score == 6.0
    assert any(
        m.startswith("unit98_double: points changed from 4 to 400") for m in result.integrity
    )
    assert any("'unit98_bonus' is not in the source" in m for m in result.integrity)
    assert_honest_unaffected(toy)


def test_corrupt_notebook_json_is_an_error_with_zero_scores(toy):
    path = toy.hand_in(toy.release())
    path.write_text('{"cells": [ this is not json')
    result = toy.grade(path)
    assert result.status == "error" and "cannot be graded" in result.reason
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 0.0}
    assert all(cell.error == result.reason for cell in result.cells)
    assert_honest_unaffected(toy)


def test_missing_notebook_is_an_error_with_zero_scores(toy):
    result = toy.grade(toy.root / "submitted" / "nobody" / "unit98" / "unit98.ipynb")
    assert result.status == "error" and "no notebook at" in result.reason
    assert toy.scores(result) == {"unit98_double": 0.0, "unit98_square": 0.0}
    assert json.dumps(result.to_dict())  # the report is still complete and JSON-able
    assert_honest_unaffected(toy)
