"""`laoyuan renewal`: renewal work from the command line.

laoyuan renewal remind                      tell staff about rectification items past their
                                            deadline (run daily from cron; in the background)
laoyuan renewal seed-scale --district CODE  fill a generated district (`laoyuan seed-scale`)
                                            with projects, funding, surveys and items, for
                                            the benchmarks (synthetic only)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laoyuan.registry.models import District
from laoyuan.renewal import scale
from laoyuan.renewal.tasks import remind_overdue


class Command(BaseCommand):
    help = "老旧小区改造：提醒超期的整治事项（remind）；为规模测试数据生成改造数据（seed-scale）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True, metavar="{remind,seed-scale}")
        sub.add_parser("remind", help="通知登记人：整治事项已超过期限（后台任务）")
        s = sub.add_parser(
            "seed-scale", help="为合成区生成改造项目、资金台账、满意度答卷和整治事项"
        )
        s.add_argument("--district", required=True, help="合成区的编码（SCALE-…）")
        s.add_argument("--seed", type=int, default=1, help="随机种子，默认 1")

    def handle(self, *args, operation: str, **options) -> None:
        if operation == "remind":
            result = remind_overdue.enqueue()
            self.stdout.write(f"已排入后台任务：{result.id}")
            return
        code = options["district"]
        if not code.startswith("SCALE-"):
            raise CommandError("只为合成区（编码以 SCALE- 开头）生成数据，不碰真实数据。")
        district = District.objects.filter(code=code).first()
        if district is None:
            raise CommandError(f"没有编码为 {code} 的区。")
        try:
            report = scale.seed_renewal_scale(district, seed=options["seed"])
        except scale.AlreadySeeded as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
