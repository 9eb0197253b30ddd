"""`laoyuan verify-votes [VOTE_ID …] [--compound CODE]`: check owners' votes against their own
records (`decisions.votes.verification`): every event, proxy and ballot of each vote's hash
chain where it belongs and as it was written, the frozen roll, each voting person's counted
ballot and a closed vote's sealed result. Prints one line per vote and every problem found,
and exits with status 1 when anything was changed, inserted or deleted behind the system's
back (a scheduled job can alert on it). Drafts have nothing to check but their creation.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laoyuan.decisions.votes.models import Vote
from laoyuan.decisions.votes.verification import verify


class Command(BaseCommand):
    help = "核验业主表决记录：表决记录链、表决名册、计入的票和封存的结果是否被改动。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("votes", nargs="*", type=int, help="表决编号；不填则核验全部")
        parser.add_argument("--compound", help="只核验这个小区（编码）的表决")

    def handle(self, *args, **options) -> None:
        votes = Vote.objects.select_related("compound").order_by("pk")
        if options["votes"]:
            votes = votes.filter(pk__in=options["votes"])
            missing = set(options["votes"]) - set(votes.values_list("pk", flat=True))
            if missing:
                raise CommandError("找不到这些表决：" + "、".join(str(i) for i in sorted(missing)))
        if options["compound"]:
            votes = votes.filter(compound__code=options["compound"])
        checked = failed = 0
        for vote in votes.iterator(chunk_size=100):
            checked += 1
            problems = verify(vote)
            head = f"表决 #{vote.pk} {vote.compound.name}「{vote.title}」（{vote.get_status_display()}）"
            if not problems:
                self.stdout.write(f"{head}：正常，{vote.chain_length} 条记录")
                continue
            failed += 1
            self.stdout.write(self.style.ERROR(f"{head}：发现 {len(problems)} 处问题"))
            for problem in problems:
                self.stdout.write(f"  - {problem.message}")
        summary = f"共核验 {checked} 次表决，{failed} 次有问题"
        if failed:
            self.stderr.write(self.style.ERROR(summary))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(summary))
