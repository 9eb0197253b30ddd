"""`laoyuan import-voices FILE --compound CODE --kind questionnaire|hotline [--date YYYY-MM-DD]
[--occasion …] [--opinion-col 列名 …] [--commit]`: import residents' voices (意见导入) from a
questionnaire sheet (问卷) or a 12345 hotline export, through the same checks, batch record and
audit log as the web page.

Without --commit it only previews: it prints the figures, the first new voices with their
proposed categories and every rejected row. The command does the work itself (no task worker).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from laoyuan.core.models import User
from laoyuan.registry.models import Compound
from laoyuan.registry.roster.reading import RosterFileError
from laoyuan.registry.roster.spreadsheets import reasons_text
from laoyuan.voices.importing import actions
from laoyuan.voices.importing.actions import layout, needs_columns
from laoyuan.voices.importing.queries import voice_import_row_errors
from laoyuan.voices.importing.spreadsheets import rejected_workbook
from laoyuan.voices.models import ImportKind, ImportStatus, VoiceImport


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式不对：{text}（请写成2024-05-03）") from None


class Command(BaseCommand):
    help = (
        "导入居民意见：问卷表或12345工单表（.xlsx、.xls、.csv）；默认只检查，加 --commit 才写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="问卷表或12345工单表")
        parser.add_argument("--compound", required=True, help="小区编码，如 WFY")
        parser.add_argument(
            "--kind",
            required=True,
            choices=ImportKind.values,
            help="questionnaire（问卷表）或 hotline（12345工单表）",
        )
        parser.add_argument("--date", help="默认日期 YYYY-MM-DD（文件没有日期列时必填）")
        parser.add_argument("--occasion", default="", help="场次，如“2024年春季居民问卷”")
        parser.add_argument(
            "--opinion-col",
            action="append",
            default=[],
            help="问卷中意见所在列的列名（可重复，每个填了内容的格子成为一条意见）",
        )
        parser.add_argument("--commit", action="store_true", help="检查后写入新的意见")
        parser.add_argument(
            "--user", help="以哪个用户的名义导入（检查其权限并记入审计日志）；不填则记为系统操作"
        )
        parser.add_argument(
            "--rejected-out", type=Path, help="把未导入的行另存为 .xlsx（电话已脱敏）"
        )
        parser.add_argument(
            "--show", type=int, default=20, help="最多列出多少个有问题的行（默认20，0为全部）"
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            compound = Compound.objects.select_related("community").get(code=options["compound"])
        except Compound.DoesNotExist:
            raise CommandError(f"找不到编码为 {options['compound']} 的小区") from None
        actor = None
        if options["user"]:
            try:
                actor = User.objects.get(username=options["user"], is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"找不到用户 {options['user']}") from None
        said_on = _date(options["date"]) if options["date"] else None
        try:
            with path.open("rb") as fh:
                batch = actions.voice_import_create(
                    actor=actor,
                    compound=compound,
                    kind=options["kind"],
                    file=fh,
                    name=path.name,
                    said_on=said_on,
                    occasion=options["occasion"],
                    opinion_headers=options["opinion_col"],
                )
        except RosterFileError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied:
            raise CommandError(
                f"用户 {options['user']} 没有导入 {compound.name} 意见的权限"
            ) from None
        if needs_columns(batch):
            headers = [c["header"] for c in layout(batch)["columns"] if c["header"]]
            raise CommandError(
                "没有找到意见列：请用 --opinion-col 指明哪几列是居民的意见。文件中的列是："
                + "、".join(f"“{h}”" for h in headers)
            )
        batch = actions.voice_import_preview(batch_id=batch.pk)
        if batch.status == ImportStatus.FAILED:
            raise CommandError(batch.error_message)
        self._report(batch, limit=options["show"])
        if options["rejected_out"] and batch.rows_rejected:
            options["rejected_out"].write_bytes(
                rejected_workbook(batch, voice_import_row_errors(batch).iterator(chunk_size=2000))
            )
            self.stdout.write(f"未导入的行已保存到 {options['rejected_out']}")
        if not options["commit"]:
            self.stdout.write(
                self.style.WARNING("这只是检查，没有写入任何数据。确认无误后加 --commit 导入。")
            )
            return
        if not actions.can_commit(batch):
            self.stdout.write("没有新的意见可以导入：已新增0条意见。")
            return
        actions.voice_import_request_commit(actor=actor, batch=batch)
        batch = actions.voice_import_commit(batch_id=batch.pk)
        if batch.status != ImportStatus.COMMITTED:
            raise CommandError(batch.error_message or "导入没有完成。")
        self.stdout.write(
            self.style.SUCCESS(f"已导入（批次 #{batch.pk}）：已新增{batch.done_create}条意见。")
        )

    def _report(self, batch: VoiceImport, *, limit: int) -> None:
        data = layout(batch)
        where = f"工作表“{batch.sheet_name}”" if batch.sheet_name else ""
        self.stdout.write(
            f"批次 #{batch.pk} · {batch.compound.name} · {batch.get_kind_display()} · "
            f"{batch.original_name}（{where}表头在第 {batch.header_row} 行）"
        )
        self.stdout.write(
            f"读取 {batch.rows_read} 行：有效 {batch.rows_valid}，有问题 {batch.rows_rejected}，"
            f"已导入过 {batch.rows_already}；将新增 {data.get('voices_new', 0)} 条意见"
        )
        for note in data.get("notes", []):
            self.stdout.write(f"注意：{note}")
        if data.get("unused"):
            self.stdout.write("识别了但不导入的列：" + "、".join(data["unused"]))
        if data.get("ignored"):
            self.stdout.write("已忽略的列：" + "、".join(data["ignored"]))
        for voice in data.get("sample", [])[:5]:
            category = voice["category"] or "（未能归类）"
            self.stdout.write(
                f"  第 {voice['row']} 行 [{category} {voice['confidence']}] {voice['text']}"
            )
        errors = voice_import_row_errors(batch)
        shown = list(errors if limit == 0 else errors[:limit])
        for row in shown:
            self.stdout.write(f"  第 {row.row_number} 行：{reasons_text(row.problems)}")
        hidden = batch.rows_rejected - len(shown)
        if limit and hidden > 0:
            self.stdout.write(f"  ……还有 {hidden} 行有问题（用 --show 0 列出全部）")
