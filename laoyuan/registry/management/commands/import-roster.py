"""`laoyuan import-roster FILE --compound CODE [--commit]`: import a resident roster (花名册)
from the command line, through the same checks, batch record and audit log as the web page.

Without --commit it only previews: it prints what a commit would do and every rejected row.
The command does the work itself (no task worker needed).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from laoyuan.core.models import User
from laoyuan.registry.models import Compound, ImportBatch, ImportStatus
from laoyuan.registry.roster import actions
from laoyuan.registry.roster.queries import import_row_errors
from laoyuan.registry.roster.reading import RosterFileError
from laoyuan.registry.roster.spreadsheets import reasons_text, rejected_workbook


class Command(BaseCommand):
    help = "导入居民花名册（.xlsx、.xls、.csv）：默认只检查（预览），加 --commit 才写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="花名册文件")
        parser.add_argument("--compound", required=True, help="小区编码，如 WFY")
        parser.add_argument("--commit", action="store_true", help="检查后写入有效的行")
        parser.add_argument(
            "--user",
            help="以哪个用户的名义导入（检查其导入权限并记入审计日志）；不填则记为系统操作",
        )
        parser.add_argument(
            "--rejected-out", type=Path, help="把未导入的行另存为 .xlsx（身份证号、电话已脱敏）"
        )
        parser.add_argument(
            "--show", type=int, default=20, help="最多列出多少个有问题的行（默认20，0为全部）"
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            compound = Compound.objects.get(code=options["compound"])
        except Compound.DoesNotExist:
            raise CommandError(f"找不到编码为 {options['compound']} 的小区") from None
        actor = None
        if options["user"]:
            try:
                actor = User.objects.get(username=options["user"], is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"找不到用户 {options['user']}") from None
        try:
            with path.open("rb") as fh:
                batch = actions.import_batch_create(
                    actor=actor, compound=compound, file=fh, name=path.name
                )
        except RosterFileError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied:
            raise CommandError(
                f"用户 {options['user']} 没有导入 {compound.name} 花名册的权限"
            ) from None
        batch = actions.import_batch_preview(batch_id=batch.pk)
        if batch.status == ImportStatus.FAILED:
            raise CommandError(batch.error_message)
        self._report_preview(batch, limit=options["show"])
        if options["rejected_out"] and (batch.rows_rejected or batch.rows_duplicate):
            options["rejected_out"].write_bytes(
                rejected_workbook(batch, import_row_errors(batch).iterator(chunk_size=2000))
            )
            self.stdout.write(f"未导入的行已保存到 {options['rejected_out']}")
        if not options["commit"]:
            self.stdout.write(
                self.style.WARNING("这只是检查，没有写入任何数据。确认无误后加 --commit 导入。")
            )
            return
        if batch.rows_valid == 0:
            raise CommandError("没有可以导入的有效行。")
        actions.import_batch_request_commit(actor=actor, batch=batch)
        batch = actions.import_batch_commit(batch_id=batch.pk)
        if batch.status != ImportStatus.COMMITTED:
            raise CommandError(batch.error_message or "导入没有完成。")
        details = batch.done_details
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入（批次 #{batch.pk}）：新增居民 {batch.done_create} 人，"
                f"更新 {batch.done_update} 人，无变化 {batch.done_unchanged} 人；"
                f"新建房屋 {details['units']} 套、住户 {details['households']} 户，"
                f"登记业主 {details['owners_create']} 人，面积变更 {details['areas_changed']} 套。"
            )
        )

    def _report_preview(self, batch: ImportBatch, *, limit: int) -> None:
        details = batch.plan_details
        where = f"工作表“{batch.sheet_name}”" if batch.sheet_name else ""
        self.stdout.write(
            f"批次 #{batch.pk} · {batch.compound.name} · {batch.original_name}"
            f"（{where}表头在第 {batch.header_row} 行）"
        )
        self.stdout.write(
            f"读取 {batch.rows_read} 行：有效 {batch.rows_valid}，"
            f"有问题 {batch.rows_rejected}，重复 {batch.rows_duplicate}"
        )
        self.stdout.write(
            f"导入后将：新增居民 {batch.plan_create} 人，更新 {batch.plan_update} 人，"
            f"无变化 {batch.plan_unchanged} 人；新建楼栋 {details['buildings']}、"
            f"单元 {details['entrances']}、房屋 {details['units']}、住户 {details['households']}、"
            f"网格 {details['grids']}；登记业主 {details['owners_create']} 人、"
            f"产权关系 {details['ownerships']} 条；面积变更 {details['areas_changed']} 套"
        )
        for note in details.get("notes", []):
            self.stdout.write(f"注意：{note}")
        if details.get("ignored_columns"):
            self.stdout.write("已忽略的列：" + "、".join(details["ignored_columns"]))
        errors = import_row_errors(batch)
        shown = errors if limit == 0 else errors[:limit]
        for row in shown:
            self.stdout.write(f"  第 {row.row_number} 行：{reasons_text(row.problems)}")
        hidden = batch.rows_rejected + batch.rows_duplicate - (len(shown) if limit else 0)
        if limit and hidden > 0:
            self.stdout.write(f"  ……还有 {hidden} 行有问题（用 --show 0 列出全部）")
