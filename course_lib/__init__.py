"""course_lib: what students import for The Mathematical Engineering of Deep Learning.

Data loaders, training loops, metrics, plots and gradient-check helpers. It never contains
a graded answer: the functions students write in the notebooks are theirs alone.

Submodules are imported lazily so that ``import course_lib`` stays cheap and does not pull
in TensorFlow until it is needed.
"""

from course_lib.determinism import seed_everything

__all__ = ["seed_everything"]
__version__ = "0.1.0"
