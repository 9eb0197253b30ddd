"""`laoyuan voices train|classify|group` end to end on files in a temporary folder, and its
answers to bad input: a clear Chinese message, a non-zero exit, no traceback."""

import csv
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from tests.voices.helpers import DUPLICATES, LABELLED, read_csv

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    out = StringIO()
    call_command("voices", *args, stdout=out, stderr=out)
    return out.getvalue()


def read_table(path: Path) -> list[list]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh))
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def write_xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "classifier.joblib"
    output = run(
        "train", str(LABELLED), "--text-col", "意见内容", "--label-col", "一级分类",
        "--model-out", str(path),
    )  # fmt: skip
    return path, output


def test_train_prints_held_out_macro_f1_per_class_figures_and_saves(model):
    path, output = model
    assert path.is_file()
    assert "训练262条，检验66条" in output
    assert "宏平均 F1（macro-F1）：0.9" in output
    assert "加装电梯与适老化" in output and "检验条数" in output
    assert "模型已保存" in output


def test_classify_writes_category_subcategory_and_confidence_per_row(model, tmp_path):
    # given a questionnaire sheet (.xlsx) with a title row, a phone column and phones in texts
    sheet = write_xlsx(
        tmp_path / "问卷.xlsx",
        [
            ["五福夜话意见收集表"],
            ["序号", "联系电话", "您的意见"],
            [1, "13812345678", "楼上漏水渗到我家天花板，电话13812345678"],
            [2, "13900001111", "-小区没有快递柜，快递都堆在门卫室"],
            [3, "", ""],
            [4, "", "下水道又堵了，污水冒出来"],
        ],
    )
    out = tmp_path / "结果.xlsx"
    # when it is classified with the trained model
    output = run(
        "classify",
        str(sheet),
        "--text-col",
        "您的意见",
        "--model",
        str(model[0]),
        "--out",
        str(out),
    )
    # then each row has its category, subcategory, class and confidence; the empty one says why
    rows = read_table(out)
    assert rows[0] == ["行号", "意见内容", "一级分类", "二级分类", "改造类别", "置信度", "依据"]
    by_row = {int(r[0]): r for r in rows[1:]}
    assert by_row[3][2:4] == ["邻里关系", "楼上漏水"]
    assert by_row[4][2] == "公共服务" and by_row[4][6] == "模型"
    assert by_row[6][2:5] == ["管网", "排水与化粪池", "基础类"] and 0.3 < by_row[6][5] <= 1
    assert by_row[5][6] == "内容无法归类"
    assert "第5行：内容是空的" in output
    # and no phone number, no formula, nothing of the phone column reaches the output
    flat = " ".join(str(c) for r in rows for c in r)
    assert "13812345678" not in flat and "13900001111" not in flat and "[电话]" in flat
    # and a text Excel would read as a formula is written as text
    assert by_row[4][1].startswith("'-小区")


def test_classify_without_a_model_uses_keyword_rules_and_says_so(tmp_path, settings):
    settings.VAR_DIR = tmp_path  # no trained model there
    source = tmp_path / "v.csv"
    source.write_text("内容\n楼道灯坏了晚上看不见\n", encoding="gb18030")
    output = run("classify", str(source), "--text-col", "内容")
    assert "使用关键词规则归类" in output
    rows = read_table(tmp_path / "v-分类结果.csv")
    assert rows[1][2:4] == ["房屋本体", "楼梯扶手与楼道灯"] and rows[1][6] == "关键词规则"


def test_train_with_too_few_labels_falls_back_and_says_so(tmp_path):
    source = tmp_path / "few.csv"
    rows = read_csv(LABELLED)[:30]
    with open(source, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["内容", "分类"])
        w.writerows([r["意见内容"], r["一级分类"]] for r in rows)
    out_model = tmp_path / "m.joblib"
    output = run(
        "train",
        str(source),
        "--text-col",
        "内容",
        "--label-col",
        "分类",
        "--model-out",
        str(out_model),
    )
    assert "已标注的意见太少" in output and "改用分类目录中的关键词规则" in output
    assert "未训练模型" in output
    # the saved file still classifies, by rules, and says so
    out = tmp_path / "c.csv"
    output = run(
        "classify", str(source), "--text-col", "内容", "--model", str(out_model), "--out", str(out)
    )
    assert "使用的是关键词规则" in output
    assert read_table(out)[1][6] == "关键词规则"


def test_group_writes_the_hot_issues_table_largest_first(tmp_path):
    out = tmp_path / "热点.xlsx"
    output = run("group", str(DUPLICATES), "--text-col", "意见内容", "--out", str(out))
    assert "62条意见归为" in output
    rows = read_table(out)
    assert rows[0] == ["组号", "条数", "代表性意见", "成员行号"]
    sizes = [int(r[1]) for r in rows[1:]]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 5
    # the biggest group is the flying-wire charging one: rows 10–14 of the sheet
    assert rows[1][3] == "10、11、12、13、14" and "飞线充电" in rows[1][2]
    members = [int(x) for r in rows[1:] for x in str(r[3]).split("、")]
    assert sorted(members) == list(range(2, 64))  # every row once, none lost


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        (
            "voices.txt",
            b"hello",
            ["--text-col", "x"],
            "只能导入 Excel（.xlsx、.xls）或 CSV（.csv）文件",
        ),
        ("voices.xlsx", b"not excel", ["--text-col", "x"], "内容不是 Excel 文件"),
        (
            "voices.csv",
            "序号,意见\n1,漏水\n".encode(),
            ["--text-col", "内容"],
            "没有名为“内容”的列",
        ),
        ("voices.csv", b"", ["--text-col", "x"], "文件是空的"),
        ("voices.csv", "内容\n\n".encode(), ["--text-col", "内容"], "下面没有任何数据行"),
        (
            "voices.csv",
            "内容\n漏水\n".encode(),
            ["--text-col", "内容", "--out", "r.pdf"],
            "只能保存为 .xlsx 或 .csv",
        ),
    ],
)
def test_bad_files_get_a_clear_chinese_error(tmp_path, name, content, args, message):
    path = tmp_path / name
    path.write_bytes(content)
    args = [a if a != "r.pdf" else str(tmp_path / "r.pdf") for a in args]
    with pytest.raises(CommandError, match=message):
        run("group", str(path), *args)


def test_train_names_a_missing_label_column(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("内容,类别\n漏水,管网\n", encoding="utf-8")
    with pytest.raises(CommandError, match="没有名为“一级分类”的列。现有的列：“内容”、“类别”"):
        run(
            "train",
            str(path),
            "--text-col",
            "内容",
            "--label-col",
            "一级分类",
            "--model-out",
            str(tmp_path / "m.joblib"),
        )


def test_a_20000_character_text_is_skipped_with_its_row_named(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("内容\n" + "漏" * 20_000 + "\n楼道灯坏了\n", encoding="utf-8")
    output = run("group", str(path), "--text-col", "内容", "--out", str(tmp_path / "g.csv"))
    assert "第2行：内容太长：共20000个字" in output
    assert len(read_table(tmp_path / "g.csv")) == 2  # header + the one usable voice


def test_a_file_that_is_not_our_model_is_refused(tmp_path):
    fake = tmp_path / "m.joblib"
    fake.write_bytes(b"\x80\x04junk")
    source = tmp_path / "v.csv"
    source.write_text("内容\n漏水\n", encoding="utf-8")
    with pytest.raises(CommandError, match="不是 voices train 保存的模型"):
        run("classify", str(source), "--text-col", "内容", "--model", str(fake))


def test_from_the_shell_bad_input_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("序号\n1\n", encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "laoyuan", "voices", "group", str(path), "--text-col", "内容"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "没有名为“内容”的列" in done.stderr
    assert "Traceback" not in done.stderr
