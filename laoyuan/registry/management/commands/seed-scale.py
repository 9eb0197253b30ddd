"""`laoyuan seed-scale --preset district [--seed N]`: generate a synthetic district at scale.

See `laoyuan.registry.scale` for what it writes. Refuses to run twice with the same preset and
seed; a different seed adds another, separate district.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from laoyuan.registry import scale


class Command(BaseCommand):
    help = "生成规模测试数据：一个完整的合成区（街道、社区、小区、楼栋、房屋、住户、居民、业主）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--preset",
            choices=sorted(scale.PRESETS),
            default="district",
            help="规模预设：district（约35万户、90万人）或 small（测试用，约1200户）",
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子（0–99999），默认 1")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, preset: str, seed: int, no_progress: bool, **options) -> None:
        bar: tqdm | None = None
        show = not no_progress and options.get("verbosity", 1) > 0

        def start(total: int) -> None:
            nonlocal bar
            if show:
                bar = tqdm(total=total, unit="户", desc=f"生成 {preset}", file=sys.stderr)

        def advance(households: int) -> None:
            if bar is not None:
                bar.update(households)

        try:
            report = scale.seed_scale(
                preset=preset, seed=seed, progress=advance, total_callback=start
            )
        except scale.AlreadyGenerated as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.total = bar.n  # the plan's estimate of vacant units was only an estimate
                bar.close()
        for line in report.lines():
            self.stdout.write(line)
