"""Course data sets as NumPy arrays, all available offline.

Example:
    >>> from course_lib import data
    >>> x, y = data.load("mnist1d", split="train")  # float32 (4000, 40), int64 (4000,)
    >>> data.names()
    ['breast_cancer', 'digits', 'iris', 'mnist1d', 'rings', 'wine']
    >>> data.info("iris").input_shape
    (4,)

Nothing here downloads: the scikit-learn sets ship inside scikit-learn, MNIST-1D is
generated locally (and cached, see :mod:`course_lib.data.cache`) and ``rings`` is
generated. Importing this package is cheap: scikit-learn and ``mnist1d`` are imported
only when their set is loaded, and TensorFlow never is (the TFDS wrappers live in
:mod:`course_lib.tfds_builders`).
"""

# The data set modules are imported for their side effect: each registers its sets.
from course_lib.data import mnist1d_set, sklearn_sets, toy  # noqa: F401
from course_lib.data.registry import SPLITS, DatasetInfo, info, load, names

__all__ = ["SPLITS", "DatasetInfo", "info", "load", "names"]
