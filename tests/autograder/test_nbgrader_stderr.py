"""TensorFlow's stderr noise must never zero a graded cell under plain nbgrader autograde.

The control run uses nbgrader's defaults and loses the points, which shows the test can
fail; the medl config keeps them, while real stderr text from a student still scores zero.
"""

import shutil

import pytest

from autograder.authoring import cells as authoring
from autograder.contract import notebook as notebooks
from autograder.course.directory import Course

pytestmark = pytest.mark.slow

WARNING_CELL = """
import warnings
import tensorflow as tf
import keras

tf.get_logger().warning("a TensorFlow logger warning")
keras.layers.Dense(2, input_shape=(3,))  # Keras warns: pass an Input instead
warnings.warn("a library UserWarning")
print("checks passed")
"""

STDERR_CELL = """
import sys
sys.stderr.write("this is not a library warning\\n")
"""


def make_course(root, repo, *, medl_config: bool) -> Course:
    root.mkdir()
    if medl_config:
        shutil.copy2(repo / "nbgrader_config.py", root / "nbgrader_config.py")
    else:
        (root / "nbgrader_config.py").write_text(
            'c = get_config()\nc.CourseDirectory.source_directory = "solutions"\n'
            'c.CourseDirectory.release_directory = "assignments"\n'
        )
    nb = authoring.notebook(
        [
            authoring.code("from course_lib.testing import public_checks"),
            authoring.tests(WARNING_CELL, "unit97_warnings", 1).copy(),
            authoring.tests(STDERR_CELL, "unit97_stderr", 1).copy(),
        ]
    )
    for cell in nb.cells:  # no hidden checks exist for this toy unit
        cell.source = notebooks.strip_hidden_tests(cell.source)
    notebooks.write(nb, root / "solutions" / "unit97" / "unit97.ipynb")
    course = Course(root)
    course.nbgrader("generate_assignment", "unit97", "--force")
    course.submit("student", "unit97", notebooks.read(course.release_notebook("unit97")))
    # Cold kernels, as plain nbgrader starts them: TensorFlow's import notices included.
    course.nbgrader("autograde", "unit97", "--force", warm=False)
    return course


def test_tensorflow_warnings_do_not_cost_points(tmp_path, repo):
    course = make_course(tmp_path / "medl", repo, medl_config=True)
    scores = course.scores("unit97")["student"]
    assert scores["unit97_warnings"] == (1.0, 1.0), course.cell_output(
        "student", "unit97", "unit97_warnings"
    )
    assert scores["unit97_stderr"] == (0.0, 1.0)


def test_without_medl_config_the_same_warnings_zero_the_cell(tmp_path, repo, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    course = make_course(tmp_path / "plain", repo, medl_config=False)
    assert course.scores("unit97")["student"]["unit97_warnings"] == (0.0, 1.0)
