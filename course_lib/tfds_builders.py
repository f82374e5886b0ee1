"""TensorFlow Datasets builders for the course data sets, prepared offline.

Importing this module registers one builder per :mod:`course_lib.data` set, named
``medl_<name>``::

    import course_lib.tfds_builders  # noqa: F401  (registers the builders)
    import tensorflow_datasets as tfds

    ds = tfds.load("medl_mnist1d", split="train", as_supervised=True)

Registered: ``medl_breast_cancer``, ``medl_digits``, ``medl_iris``, ``medl_mnist1d``,
``medl_rings``, ``medl_wine``. Each builder's generator reads
``course_lib.data.load(name, split)``, so preparing a builder never downloads anything and
its records are exactly the arrays ``data.load`` returns, in the same order (shuffling
is disabled when writing). Features are ``x`` (float32 tensor of the set's input shape)
and ``y`` (``ClassLabel``); ``as_supervised=True`` yields ``(x, y)`` pairs. Generated sets
use their default seed.
"""

from __future__ import annotations

import numpy as np
import tensorflow_datasets as tfds

from course_lib import data

VERSION = "1.0.0"
"""Version of every builder. Bump it when a set's content changes so that TFDS
regenerates its prepared files instead of serving the old ones."""


def builder_class_name(name: str) -> str:
    """Return the CamelCase class name whose TFDS snake_case name is ``medl_<name>``.

    ``"mnist1d"`` gives ``MedlMnist1d``, ``"breast_cancer"`` gives ``MedlBreastCancer``.
    """
    return "Medl" + "".join(part.capitalize() for part in name.split("_"))


def make_builder(name: str) -> type[tfds.core.GeneratorBasedBuilder]:
    """Create (and thereby register with TFDS) the builder class for one data set.

    Args:
        name: a :func:`course_lib.data.names` entry.

    Returns:
        A ``tfds.core.GeneratorBasedBuilder`` subclass named ``medl_<name>`` in TFDS.

    Raises:
        ValueError: if ``name`` is unknown, or already registered with TFDS (importing a
            second copy of this module under another name would do that).
        RuntimeError: if TFDS derives a different name from the class name.
    """
    meta = data.info(name)

    def _info(self) -> tfds.core.DatasetInfo:
        # Built directly rather than with dataset_info_from_configs, which would let a
        # README.md or CITATIONS.bib lying next to this module override the description.
        return tfds.core.DatasetInfo(
            builder=self,
            description=meta.description,
            features=tfds.features.FeaturesDict(
                {
                    "x": tfds.features.Tensor(shape=meta.input_shape, dtype=np.float32),
                    "y": tfds.features.ClassLabel(num_classes=meta.n_classes),
                }
            ),
            supervised_keys=("x", "y"),
            # Keep data.load's row order, so TFDS and NumPy users see the same rows.
            disable_shuffling=True,
        )

    def _split_generators(self, dl_manager: tfds.download.DownloadManager) -> dict:
        # dl_manager is deliberately unused: the data comes from course_lib.data.
        return {split: self._generate_examples(split) for split in ("train", "test")}

    def _generate_examples(self, split: str):
        x, y = data.load(name, split=split)
        for index in range(len(y)):
            # Integer keys: with shuffling disabled TFDS writes records in key order.
            yield index, {"x": x[index], "y": int(y[index])}

    cls = type(
        builder_class_name(name),
        (tfds.core.GeneratorBasedBuilder,),
        {
            "__module__": __name__,
            "__doc__": f"TFDS builder for course_lib.data set {name!r}: {meta.description}",
            # TFDS 4.9.10 works code_path out through importlib_resources, which it only
            # declares for Python < 3.9, so on 3.11 the first prepare fails with
            # "No module named 'importlib_resources'" (tensorflow/datasets#11212). The
            # file is known here; a plain attribute shadows the base classproperty.
            "code_path": tfds.core.Path(__file__),
            "VERSION": tfds.core.Version(VERSION),
            "RELEASE_NOTES": {VERSION: "Initial release, generated from course_lib.data."},
            "_info": _info,
            "_split_generators": _split_generators,
            "_generate_examples": _generate_examples,
        },
    )
    if cls.name != f"medl_{name}":
        raise RuntimeError(f"TFDS named builder {cls.__name__} {cls.name!r}, not 'medl_{name}'")
    return cls


BUILDERS: dict[str, type[tfds.core.GeneratorBasedBuilder]] = {
    f"medl_{name}": make_builder(name) for name in data.names()
}
"""TFDS name -> builder class, for every course data set."""

# Module-level aliases so the classes are importable by name (and picklable).
globals().update({cls.__name__: cls for cls in BUILDERS.values()})

__all__ = ["BUILDERS", "VERSION", "builder_class_name", "make_builder"] + [
    cls.__name__ for cls in BUILDERS.values()
]
