"""course_lib: what students import for The Mathematical Engineering of Deep Learning.

Data loaders, training loops, metrics, plots and gradient-check helpers. It never contains
a graded answer: the functions students write in the notebooks are theirs alone.

Submodules are imported lazily so that ``import course_lib`` stays cheap and does not pull
in TensorFlow until it is needed. Notebooks start with
``tf = course_lib.quiet.import_tensorflow_quietly()``, which keeps TensorFlow's C++
start-up notices out of the student's notebook.
"""

import os as _os

from course_lib.determinism import seed_everything

# TensorFlow's C++ info and warning lines after start-up (set before TensorFlow loads).
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__all__ = ["seed_everything"]
__version__ = "0.1.0"
