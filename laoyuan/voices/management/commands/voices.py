"""`laoyuan voices`: the text engine of residents' voices (社情民意) on sheets.

    laoyuan voices train FILE --text-col C --label-col L [--model-out PATH]
    laoyuan voices train --street ID [--without-starter]
    laoyuan voices classify FILE --text-col C [--model PATH] [--out PATH]
    laoyuan voices group FILE --text-col C [--out PATH] [--threshold 0.35]

FILE is .xlsx, .xls or .csv (UTF-8 or GB18030); outputs are .xlsx or .csv by their extension.
With --street, `train` reads the street's confirmed and corrected voices from the database
instead of a FILE (plus the starter set) and saves the street's model (voices.training).
Outputs never contain phone or ID numbers: texts are written redacted. The model is a pickle:
only pass --model files written by `voices train` on this installation.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from laoyuan.voices.engine.classifier import (
    ModelFileError,
    VoiceClassifier,
    default_model_path,
    train,
)
from laoyuan.voices.engine.similarity import GROUP_THRESHOLD, group
from laoyuan.voices.engine.tables import TableError, output_kind, read_column, write_table
from laoyuan.voices.engine.text import MAX_CHARS, VoiceTextError, check, redact

CLASSIFY_HEADER = ["行号", "意见内容", "一级分类", "二级分类", "改造类别", "置信度", "依据"]
GROUP_HEADER = ["组号", "条数", "代表性意见", "成员行号"]
REPRESENTATIVE_CHARS = 200


def _default_out(source: Path, suffix: str) -> Path:
    ext = source.suffix.lower() if source.suffix.lower() in (".xlsx", ".csv") else ".xlsx"
    return source.with_name(f"{source.stem}-{suffix}{ext}")


class Command(BaseCommand):
    help = "社情民意文本引擎：训练分类模型（train）、批量归类（classify）、归并相似意见（group）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="operation", required=True, metavar="{train,classify,group}"
        )

        t = sub.add_parser("train", help="用本街道已标注的意见训练分类模型")
        t.add_argument("file", nargs="?", help=".xlsx/.xls/.csv 文件（使用 --street 时不要）")
        t.add_argument("--text-col", help="意见内容所在列的表头")
        t.add_argument("--label-col", help="一级分类所在列的表头")
        t.add_argument(
            "--street",
            type=int,
            help="街道编号（ID）：用数据库中本街道人工确认或更正过分类的意见训练本街道的模型",
        )
        t.add_argument(
            "--without-starter",
            action="store_true",
            help="与 --street 一起用：不加入老院自带的标注意见",
        )
        t.add_argument("--model-out", help=f"模型保存位置（默认 {default_model_path()}）")

        c = sub.add_parser("classify", help="为每条意见给出分类和置信度")
        c.add_argument("file")
        c.add_argument("--text-col", required=True)
        c.add_argument("--model", help="voices train 保存的模型（默认同上；不存在时用关键词规则）")
        c.add_argument("--out", help="结果文件 .xlsx/.csv（默认：原文件名-分类结果）")

        g = sub.add_parser("group", help="把相近的意见归成一组，输出热点问题表")
        g.add_argument("file")
        g.add_argument("--text-col", required=True)
        g.add_argument("--out", help="结果文件 .xlsx/.csv（默认：原文件名-热点问题）")
        g.add_argument(
            "--threshold",
            type=float,
            default=GROUP_THRESHOLD,
            help=f"相似度阈值 0–1，越高分组越严（默认 {GROUP_THRESHOLD}）",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            operation = options["operation"]
            if operation == "train":
                self.train(options)
            elif operation == "classify":
                self.classify(options)
            else:
                self.group(options)
        except (TableError, ModelFileError, VoiceTextError) as exc:
            raise CommandError(str(exc)) from exc

    def _texts(self, rows: list, *, skip_bad: bool) -> tuple[list, list[str]]:
        """Rows whose text can be used, and a Chinese line for each one that cannot."""
        good, problems = [], []
        for row in rows:
            try:
                check(row.text, max_chars=MAX_CHARS)
            except VoiceTextError as exc:
                problems.append(_("第{row}行：{error}").format(row=row.number, error=exc))
                continue
            good.append(row)
        if problems and not skip_bad:
            raise CommandError("\n".join(problems[:20]))
        return good, problems

    def _say_problems(self, problems: list[str]) -> None:
        if problems:
            self.stderr.write(_("有{n}行被跳过：").format(n=len(problems)))
            for line in problems[:20]:
                self.stderr.write("  " + line)
            if len(problems) > 20:
                self.stderr.write(_("  ……另有{n}行").format(n=len(problems) - 20))

    def train(self, options: dict) -> None:
        if options.get("street") is not None:
            self.train_street(options)
            return
        if options.get("without_starter"):
            raise CommandError(_("--without-starter 只能和 --street 一起用。"))
        missing = [
            flag
            for flag, key in (
                ("FILE", "file"),
                ("--text-col", "text_col"),
                ("--label-col", "label_col"),
            )
            if not options.get(key)
        ]
        if missing:
            raise CommandError(
                _("请给出 {missing}（或用 --street 从数据库训练）。").format(
                    missing="、".join(missing)
                )
            )
        model_out = Path(options["model_out"] or default_model_path())
        if model_out.suffix.lower() not in (".joblib", ".pkl"):
            raise CommandError(_("模型文件名应以 .joblib 结尾，例如 classifier.joblib。"))
        rows = read_column(
            options["file"], text_col=options["text_col"], label_col=options["label_col"]
        )
        rows, problems = self._texts(rows, skip_bad=True)
        unlabelled = [r for r in rows if not r.label]
        rows = [r for r in rows if r.label]
        self._say_problems(problems)
        if unlabelled:
            self.stdout.write(_("{n}行没有填写分类，未参与训练。").format(n=len(unlabelled)))
        result = train([r.text for r in rows], [r.label for r in rows])
        for note in result.notes:
            self.stdout.write(note)
        if result.fallback:
            self.stdout.write(
                self.style.WARNING(_("未训练模型：归类将使用关键词规则（置信度较低）。"))
            )
        ev = result.evaluation
        if ev is not None:
            self.stdout.write(
                _(
                    "留出五分之一检验（分层抽样，固定随机种子）：训练{train}条，检验{test}条。"
                ).format(train=ev.n_train, test=ev.n_test)
            )
            self.stdout.write(
                _("宏平均 F1（macro-F1）：{f1:.3f}    准确率：{acc:.3f}").format(
                    f1=ev.macro_f1, acc=ev.accuracy
                )
            )
            self.stdout.write(
                f"{_('类别'):<12}{'精确率':>8}{'召回率':>8}{'F1':>8}{_('检验条数'):>8}"
            )
            for c in ev.per_class:
                self.stdout.write(
                    f"{c.label:<12}{c.precision:>10.3f}{c.recall:>10.3f}{c.f1:>10.3f}{c.support:>10}"
                )
            self.stdout.write(_("最终模型用全部{n}条标注重新训练。").format(n=len(rows)))
        path = result.classifier.save(model_out)
        self.stdout.write(self.style.SUCCESS(_("模型已保存：{path}").format(path=path)))

    def train_street(self, options: dict) -> None:
        """Train a street's model from its confirmed and corrected voices in the database."""
        from laoyuan.registry.models import Street
        from laoyuan.voices import services, training

        if options.get("file") or options.get("model_out"):
            raise CommandError(_("--street 从数据库训练：不要同时给出文件或 --model-out。"))
        street = Street.objects.filter(pk=options["street"]).first()
        if street is None:
            raise CommandError(_("没有编号为 {id} 的街道。").format(id=options["street"]))
        status = training.train_street(
            street_id=street.pk, with_starter=not options["without_starter"], by="manage.py"
        )
        self.stdout.write(
            _("{street}：人工确认或更正的意见{own}条，自带标注{starter}条。").format(
                street=street, own=status.own_labels, starter=status.starter_labels
            )
        )
        for note in status.notes:
            self.stdout.write(note)
        if status.fallback:
            self.stdout.write(self.style.WARNING(_("未训练新模型：本街道继续使用现有模型。")))
            return
        if status.macro_f1 is not None:
            self.stdout.write(
                _("宏平均 F1（macro-F1）：{f1:.3f}    准确率：{acc:.3f}").format(
                    f1=status.macro_f1, acc=status.accuracy
                )
            )
        self.stdout.write(
            self.style.SUCCESS(_("模型已保存：{path}").format(path=services.model_path(street.pk)))
        )

    def _classifier(self, model: str | None) -> VoiceClassifier:
        if model:
            return VoiceClassifier.load(model)
        path = default_model_path()
        if path.is_file():
            return VoiceClassifier.load(path)
        self.stdout.write(
            self.style.WARNING(
                _("没有找到训练好的模型（{path}）：使用关键词规则归类，置信度较低。").format(
                    path=path
                )
            )
        )
        return VoiceClassifier(pipeline=None)

    def classify(self, options: dict) -> None:
        source = Path(options["file"])
        out = Path(options["out"]) if options["out"] else _default_out(source, "分类结果")
        output_kind(out)
        classifier = self._classifier(options["model"])
        if classifier.uses_rules and options["model"]:
            self.stdout.write(self.style.WARNING(_("该模型训练时标注太少，使用的是关键词规则。")))
        rows = read_column(source, text_col=options["text_col"])
        good, problems = self._texts(rows, skip_bad=True)
        self._say_problems(problems)
        predictions = classifier.predict_many([r.text for r in good])
        by_number = dict(zip((r.number for r in good), predictions, strict=True))
        table = []
        for row in rows:
            p = by_number.get(row.number)
            text = redact(row.text)[:MAX_CHARS]
            if p is None:
                table.append([row.number, text, "", "", "", "", _("内容无法归类")])
                continue
            category = classifier.taxonomy.get(p.category) if p.category else None
            table.append(
                [
                    row.number,
                    text,
                    p.category or _("未能归类"),
                    p.subcategory or "",
                    (category.renovation_class or "") if category else "",
                    p.confidence,
                    _("模型") if p.source == "model" else _("关键词规则"),
                ]
            )
        write_table(out, CLASSIFY_HEADER, table)
        self.stdout.write(
            self.style.SUCCESS(_("已归类{n}条意见，结果：{path}").format(n=len(good), path=out))
        )

    def group(self, options: dict) -> None:
        source = Path(options["file"])
        out = Path(options["out"]) if options["out"] else _default_out(source, "热点问题")
        output_kind(out)
        threshold = options["threshold"]
        if not 0 < threshold <= 1:
            raise CommandError(
                _("相似度阈值应在0到1之间（不含0），收到的是{t}。").format(t=threshold)
            )
        rows = read_column(source, text_col=options["text_col"])
        good, problems = self._texts(rows, skip_bad=True)
        self._say_problems(problems)
        groups = group([r.text for r in good], threshold=threshold)
        table = [
            [
                number,
                g.size,
                redact(good[g.representative].text)[:REPRESENTATIVE_CHARS],
                "、".join(str(good[i].number) for i in g.members),
            ]
            for number, g in enumerate(groups, start=1)
        ]
        write_table(out, GROUP_HEADER, table)
        multi = sum(1 for g in groups if g.size > 1)
        self.stdout.write(
            self.style.SUCCESS(
                _("{n}条意见归为{k}组（其中{m}组有两条以上），热点问题表：{path}").format(
                    n=len(good), k=len(groups), m=multi, path=out
                )
            )
        )
