"""How to grade one notebook: the one frozen options object from the CLI to the worker.

``medl grade`` and ``medl grade-notebook`` build a :class:`GradingOptions` once; the batch
carries it unchanged in every job (adding only what the batch decides: threads per
kernel and the course's hidden paths), and the worker hands it to
:func:`autograder.engine.isolated.grade_notebook`. Nothing on the way re-declares a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.contract.runner import CHECKS_ROOT
from autograder.engine.sandbox import DEVICES, ISOLATIONS, Limits


@dataclass(frozen=True)
class GradingOptions:
    """Everything that decides how a notebook is graded, besides the notebook itself.

    Attributes:
        limits: time, memory, output, transfer and thread limits of the kernel.
        device: ``"cpu"``, ``"gpu"`` or ``"auto"`` (see :func:`~autograder.engine.sandbox.plan_launch`).
        show_details: include check failure messages in the reports and executed notebook.
        isolation: ``"auto"``, ``"bubblewrap"``, ``"unshare"`` or ``"none"``.
        checks_root: folder of the hidden checks.
        hidden: more paths to hide from the student (results folder, other submissions).
    """

    limits: Limits = field(default_factory=Limits)
    device: str = "cpu"
    show_details: bool = True
    isolation: str = "auto"
    checks_root: Path = CHECKS_ROOT
    hidden: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        # The CLI turns these into one-line errors before they get here; this guards the API.
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}; got {self.device!r}")
        if self.isolation not in ISOLATIONS:
            raise ValueError(
                f"isolation must be one of {', '.join(ISOLATIONS)}; got {self.isolation!r}"
            )

    def with_(self, **changes) -> GradingOptions:
        """A copy with ``changes`` (the options stay frozen)."""
        return replace(self, **changes)

    def sharing_cores(self, workers: int, cores: int) -> GradingOptions:
        """Threads per kernel when ``workers`` kernels share ``cores`` (unless set already)."""
        if self.limits.threads:
            return self
        threads = max(1, cores // max(1, workers))
        return self.with_(limits=replace(self.limits, threads=threads))
