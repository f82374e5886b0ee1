"""Whether students see the hidden checks' failure messages: always, never, or after due.

Set in the course's nbgrader_config.py, next to nbgrader's own settings:

    c.MedlGrade.details = "after_due"   # or "show" (default) or "hide"
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

POLICIES = ("show", "hide", "after_due")


def configured_policy(course_root: Path) -> str:
    """The ``MedlGrade.details`` setting of the course's nbgrader_config.py ("show" if unset)."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(course_root) / "nbgrader_config.py"
    if not path.is_file():
        return "show"
    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    policy = config.get("MedlGrade", {}).get("details", "show")
    if policy not in POLICIES:
        raise ValueError(f"MedlGrade.details must be one of {', '.join(POLICIES)}; got {policy!r}")
    return policy


def details_visible(policy: str, *, duedate: datetime | None, now: datetime | None = None) -> bool:
    """Apply ``policy``; with "after_due" and no due date, details stay hidden."""
    if policy not in POLICIES:
        raise ValueError(f"details policy must be one of {', '.join(POLICIES)}; got {policy!r}")
    if policy != "after_due":
        return policy == "show"
    if duedate is None:
        return False
    now = now or datetime.now(timezone.utc)
    if duedate.tzinfo is None:  # nbgrader stores naive UTC datetimes
        duedate = duedate.replace(tzinfo=timezone.utc)
    return now >= duedate
