"""Background work of public notices (django-tasks): closing the notices whose period ended.

`close_due_notices` is meant to run periodically (every few minutes is plenty: a notice is due
from the midnight after its last day); it is idempotent and safe to run in several workers at
once (notices.actions.closing). `laoyuan notices close-due` does the same from the command line.
"""

from __future__ import annotations

from django_tasks import task

from laoyuan.notices import actions


@task()
def close_due_notices() -> int:
    """Close every published notice whose period has ended; returns how many this run closed."""
    return len(actions.notices_close_due())
