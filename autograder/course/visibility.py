"""Whether students see the hidden checks' failure messages: always, never, or after due.

Set in the course's nbgrader_config.py, next to nbgrader's own settings (read by
:func:`autograder.course.folders.course_folders`):

    c.MedlGrade.details = "after_due"   # or "show" (default) or "hide"
"""

from __future__ import annotations

from datetime import datetime, timezone

POLICIES = ("show", "hide", "after_due")


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
