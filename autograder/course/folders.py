"""A course's folders as nbgrader's own configuration sets them.

``nbgrader_config.py`` may move every folder (``c.CourseDirectory.source_directory =
"source"`` is nbgrader's default; this repository uses ``solutions``), the gradebook
(``db_url``) and the layout (``directory_structure``). :func:`course_folders` reads them
through nbgrader's config loading, once, in the coordinating process; everything else
gets plain paths from the :class:`CourseFolders` it returns, so grading workers never
import nbgrader.

Every mistake a user can make here (no course folder, an unknown assignment, nothing
submitted) raises :class:`CourseError` with one line saying what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STEPS = ("source", "release", "submitted", "autograded", "feedback")


class CourseError(ValueError):
    """A user's mistake about the course: the message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class CourseFolders:
    """Where nbgrader keeps each step of a course.

    Attributes:
        root: the course directory.
        steps: step name (``"source"``, ``"release"``, ``"submitted"``, ``"autograded"``,
            ``"feedback"``) -> folder name, as configured.
        structure: nbgrader's ``directory_structure``, e.g.
            ``"{nbgrader_step}/{student_id}/{assignment_id}"``.
        db_url: the gradebook's SQLAlchemy URL.
        details: the ``MedlGrade.details`` policy (``"show"``, ``"hide"``, ``"after_due"``).
        checks: the course's own folder of hidden checks (``MedlGrade.checks``, relative
            to the course directory), or None for the checks shipped with medl.
    """

    root: Path
    steps: dict
    structure: str
    db_url: str
    details: str = "show"
    checks: Path | None = None

    def path(self, step: str, student: str, assignment: str) -> Path:
        """The folder of ``step`` for ``student`` (``"."`` for none) and ``assignment``."""
        relative = self.structure.format(
            nbgrader_step=self.steps[step], student_id=student, assignment_id=assignment
        )
        return (self.root / relative).resolve()

    def source_notebooks(self, assignment: str) -> list[Path]:
        """The source notebooks of ``assignment``.

        Raises:
            CourseError: when the assignment has no source notebook.
        """
        folder = self.path("source", ".", assignment)
        found = sorted(folder.glob("*.ipynb"))
        if not found:
            known = self.assignments()
            hint = f"known assignments: {', '.join(known)}" if known else "none exists yet"
            raise CourseError(
                f"no source notebook for assignment {assignment!r} in {folder} "
                f"({self.steps['source']}/ per nbgrader_config.py; {hint})"
            )
        return found

    def assignments(self) -> list[str]:
        """The assignments that have a source folder."""
        folder = self.root / self.steps["source"]
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def submitted_students(self, assignment: str) -> list[str]:
        """The students with a submission of ``assignment``, sorted.

        Raises:
            CourseError: when nobody submitted it.
        """
        pattern = self.structure.format(nbgrader_step=self.steps["submitted"], student_id="*",
                                        assignment_id=assignment)  # fmt: skip
        depth = Path(pattern).parts.index("*") - len(Path(pattern).parts)
        found = sorted(p.parts[depth] for p in self.root.glob(pattern) if p.is_dir())
        if not found:
            raise CourseError(
                f"nobody submitted {assignment!r}: {self.root / pattern} matches no folder "
                "(collect submissions first, e.g. `nbgrader collect` or `nbgrader zip_collect`)"
            )
        return found

    def secrets(self) -> tuple[Path, ...]:
        """Every folder of the course a student must not read (all but the release)."""
        names = [self.steps[s] for s in STEPS if s != "release"]
        paths = [self.root / name for name in names]
        if self.db_url.startswith("sqlite:///"):
            paths.append(Path(self.db_url.removeprefix("sqlite:///")))
        return tuple(paths)


def course_folders(root: Path) -> CourseFolders:
    """Read the course at ``root`` the way nbgrader does (its config files and defaults).

    Raises:
        CourseError: if ``root`` is not a folder, or the config sets an unknown
            ``MedlGrade.details`` or a ``MedlGrade.checks`` that is not a folder.
    """
    root = Path(root).expanduser().resolve()
    if not root.is_dir():
        raise CourseError(
            f"no course directory at {root}: pass the folder holding nbgrader_config.py"
        )
    coursedir, config = _nbgrader_coursedir(root)
    steps = {step: getattr(coursedir, f"{step}_directory") for step in STEPS}
    details = config.get("MedlGrade", {}).get("details", "show")
    if details not in ("show", "hide", "after_due"):
        raise CourseError(
            f"c.MedlGrade.details in {root / 'nbgrader_config.py'} must be show, hide or "
            f"after_due; got {details!r}"
        )
    checks = config.get("MedlGrade", {}).get("checks")
    if checks is not None:
        checks = (root / str(checks)).resolve()
        if not checks.is_dir():
            raise CourseError(
                f"c.MedlGrade.checks in {root / 'nbgrader_config.py'} names {checks}, which "
                "is not a folder: point it at the folder holding unitNN/test_*.py"
            )
    return CourseFolders(root=root, steps=steps, structure=coursedir.directory_structure,
                         db_url=coursedir.db_url, details=details, checks=checks)  # fmt: skip


def _nbgrader_coursedir(root: Path):
    """nbgrader's CourseDirectory with nbgrader's config files applied, as its apps do.

    The same files and order as ``nbgrader`` run in ``root``: ``nbgrader_config.py`` /
    ``.json`` in each Jupyter config directory (system first, the user's last), then the
    course's own ``nbgrader_config.py``. Loaded with traitlets' loaders directly: an
    nbgrader app would also rewire logging and put the working directory on sys.path.
    """
    from jupyter_core.paths import jupyter_config_path
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    config = Config()
    folders = [*reversed(jupyter_config_path()), str(root)]
    for folder in folders:
        for loader in (PyFileConfigLoader, JSONFileConfigLoader):
            suffix = ".py" if loader is PyFileConfigLoader else ".json"
            if not (Path(folder) / f"nbgrader_config{suffix}").is_file():
                continue
            if loader is JSONFileConfigLoader and folder == str(root):
                continue  # nbgrader reads only the .py file from the course directory
            try:
                config.merge(loader(f"nbgrader_config{suffix}", path=folder).load_config())
            except Exception as exc:  # a broken config file is the user's to fix
                raise CourseError(f"cannot read {Path(folder) / f'nbgrader_config{suffix}'}: "
                                  f"{exc}") from None  # fmt: skip
    return CourseDirectory(config=config, root=str(root)), config
