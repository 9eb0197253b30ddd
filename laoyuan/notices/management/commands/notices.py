"""`laoyuan notices close-due`: close the public notices (公示) whose period has ended, with their
closing records, as the periodic task `notices.tasks.close_due_notices` does. Safe to run at any
time and alongside a worker: what is closed already is left alone.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from laoyuan.notices import actions
from laoyuan.notices.models import Notice


class Command(BaseCommand):
    help = "公示：close-due 结束公示期已满的公示并写入结束记录（异议条数、已答复、未办结）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True, metavar="{close-due}")
        sub.add_parser("close-due", help="结束公示期已满的公示")

    def handle(self, *args, operation: str, **options) -> None:
        closed = actions.notices_close_due()
        if not closed:
            self.stdout.write("没有到期的公示。")
            return
        self.stdout.write(f"已结束 {len(closed)} 条公示：")
        for notice in Notice.objects.filter(pk__in=closed).select_related("closing"):
            c = notice.closing
            self.stdout.write(
                f"  #{notice.pk} {notice.title}（{notice.ends_on:%Y-%m-%d} 期满）："
                f"异议 {c.objections} 条，已答复 {c.answered} 条，未办结 {c.unresolved} 条"
            )
