"""`laoyuan load-demo [--reset]`: load the demo scenario and print the demo accounts.

Idempotent: loading twice changes nothing but the demo passwords, which are set again. See
`laoyuan.registry.demo`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laoyuan.registry import demo


class Command(BaseCommand):
    help = "载入演示场景（成都锦江区沙河街道五福苑、苏州姑苏区沧浪街道）并列出演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="先删除已有的演示数据（演示区及其下全部地点和人员），再重新载入",
        )

    def handle(self, *args, reset: bool, **options) -> None:
        try:
            report = demo.load_demo(reset=reset)
        except demo.DemoResetBlocked as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
