"""What a bubblewrap sandbox shows the student's kernel, and what it hides.

The root is mounted read-only; every secret (hidden checks, solutions, the course's
gradebook and outputs, the repository, the grader's home) is covered by an empty,
read-only tmpfs (a file by /dev/null); only what the kernel needs to run is mounted back
(the interpreter, its site-packages, ``course_lib``), and any secret inside those is
covered again. /tmp is a fresh tmpfs of limited size, the kernel's only writable space
apart from the bridge's response and socket folders.
"""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

import autograder
import course_lib

# Top-level folders where checkouts, courses and home directories live; the kernel sees
# them empty, apart from the interpreter and course_lib mounted back.
USER_DATA_ROOTS = ("/work", "/home", "/srv", "/mnt", "/media", "/var/tmp")

# Inside bubblewrap the kernel works in a tmpfs; this is where its files live.
SANDBOX_TMP = "/tmp"
SANDBOX_WORKDIR = "/tmp/work"


def secret_paths(*, checks_root: Path, source: Path, extra: tuple[Path, ...] = ()) -> list[Path]:
    """The paths a student must not see, that exist here.

    Covers the hidden checks, the autograder package (checks and sample mutants), the
    source notebook's folder and its ``solutions``/``source`` parent, the course folder
    around it (gradebook, autograded, feedback), the repository checkout (its git history
    holds the checks), the grader's home, :data:`USER_DATA_ROOTS`, and ``extra`` (e.g.
    the results folder).
    """
    package = Path(autograder.__file__).resolve().parent
    source_dir = Path(source).resolve().parent
    candidates = [Path(checks_root), package, source_dir, Path.home(), *map(Path, extra)]
    # Other checkouts of the course (a second clone, an instructor's working copy) hold
    # the same secrets under other paths: hide the usual homes of user data wholesale.
    candidates += [Path(p) for p in USER_DATA_ROOTS]
    if source_dir.parent.name in ("solutions", "source"):
        candidates.append(source_dir.parent)
        course = source_dir.parent.parent
        if (course / "nbgrader_config.py").is_file() or (course / "gradebook.db").is_file():
            candidates.append(course)
    if (package.parent / "pyproject.toml").is_file() or (package.parent / ".git").exists():
        candidates.append(package.parent)
    found = {p.resolve() for p in candidates if p.exists()}
    # Never hide the whole root or /tmp (the latter is a fresh tmpfs anyway).
    return sorted(p for p in found if p not in (Path("/"), Path(SANDBOX_TMP)))


def bwrap_base(*, gpu: bool) -> list[str]:
    """bubblewrap with its namespaces and a read-only root, before any other mount."""
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    args += ["--hostname", "sandbox", "--die-with-parent", "--new-session"]
    if os.geteuid() == 0:
        # Root keeps every capability inside the sandbox unless told otherwise; with
        # CAP_SYS_ADMIN a student could simply unmount what hides the checks.
        args += ["--cap-drop", "ALL"]
    if gpu:
        for device in sorted(glob.glob("/dev/nvidia*")):
            args += ["--dev-bind", device, device]
    return args


def bwrap_mounts(secrets: list[Path], *, binds: list[tuple[Path, bool]], disk_mb: int) -> list[str]:
    """The mount arguments: private /tmp, hidden secrets, needed paths, then ``binds``.

    Args:
        secrets: paths to hide (see :func:`secret_paths`).
        binds: host folders to mount at the same path inside, each with whether the
            kernel may write to it.
        disk_mb: size of the private /tmp.
    """
    args = ["--size", str(int(disk_mb) * 2**20), "--tmpfs", SANDBOX_TMP]
    outermost = [p for p in secrets if not any(s in p.parents for s in secrets)]
    for path in outermost:
        args += _hide(path)
    # Mount back what the kernel needs, then hide again any secret inside those. Mount
    # points are made inside the hiding tmpfs, which is why it stays writable until the end.
    exposed = [p for p in _needed_paths() if _under(p, [*outermost, Path(SANDBOX_TMP)])]
    for path in exposed:
        args += ["--ro-bind", str(path), str(path)]
    rehidden = [p for p in secrets if _under(p, exposed)]
    for path in rehidden:
        args += _hide(path)
    for path, writable in binds:
        args += ["--bind" if writable else "--ro-bind", str(path), str(path)]
    for path in [*outermost, *rehidden]:
        if path.is_dir():
            args += ["--remount-ro", str(path)]
    return args


def _needed_paths() -> list[Path]:
    # What the kernel cannot start without: the interpreter and the student library.
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix)}
    paths.add(Path(course_lib.__file__).resolve().parent)
    return sorted({p.resolve() for p in paths if p.exists()})


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _hide(path: Path) -> list[str]:
    # Directories get an empty tmpfs (made read-only once everything is mounted); files
    # get /dev/null bound over them.
    if path.is_dir():
        return ["--tmpfs", str(path)]
    return ["--ro-bind", "/dev/null", str(path)]
