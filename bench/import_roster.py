"""Benchmark of the roster import (花名册导入): a realistic 100,000-row .xlsx, read, previewed
and committed, each phase in a fresh Python process, timed, with its peak memory.

    .venv/bin/python bench/import_roster.py [--rows 100000] [--keep]

The database is the one DATABASE_URL names; unset, a throwaway SQLite file in a temporary
directory. Either way the script migrates it first and imports into its own compound (code
BENCH-<timestamp>), so it can run on top of existing data. The goal (the issue's "done when"):
preview + commit of 100,000 rows in under 30 s with peak memory under 1 GB.

Phases (each a subprocess; peak memory is that process's maximum resident set size):
  read     only open the file and iterate its rows (python-calamine);
  preview  upload (store + header check) and preview: read, check every row, match against
           the registry, store the rejected rows;
  commit   read again, match, and write everything in one transaction;
  again    upload and preview the same file once more: must find nothing to change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英桂兰玉兰淑珍建国建华志强国华文华丽娟晓明小红海燕俊杰子涵雨欣浩然梓萱思远家豪佳怡子轩欣怡宇航诗涵博文一诺芳敏静伟磊洋勇军杰娜艳"
HEADERS = [
    "楼栋", "单元", "房号", "建筑面积（㎡）", "姓名", "性别", "出生日期", "身份证号", "联系电话",
    "与户主关系", "居住类型", "独居", "残疾", "低保", "党员", "网格", "备注",
]  # fmt: skip
# --- the roster ------------------------------------------------------------------------------


def generate(path: Path, rows: int, seed: int = 20240312) -> dict:
    """Write a roster of about `rows` residents: 4-entrance buildings of 18 floors, 4 flats a
    floor, 1–5 people a flat (owners, their families, some tenants), a grid per entrance, and
    about 0.5% bad rows of the kinds real rosters have."""
    from openpyxl import Workbook

    from laoyuan.core.pii import id_check_digit

    rng = random.Random(seed)
    today = dt.date.today()
    used_ids: set[str] = set()

    def id_number(birth: dt.date, male: bool) -> str:
        while True:
            seq = f"{rng.randrange(100):02d}"
            sex = str(rng.choice("13579" if male else "02468"))
            first17 = f"510104{birth:%Y%m%d}{seq}{sex}"
            number = first17 + id_check_digit(first17)
            if number not in used_ids:
                used_ids.add(number)
                return number

    def birth(low: int, high: int) -> dt.date:
        return today - dt.timedelta(days=rng.randrange(low * 365, high * 365))

    def name() -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民花名册")
    ws.append(["基准测试小区居民花名册"])
    ws.append(HEADERS)
    written = bad = 0
    building = 0
    while written < rows:
        building += 1
        for entrance in range(1, 5):
            grid = f"{building}栋{entrance}单元网格"
            for floor in range(1, 19):
                for flat in range(1, 5):
                    room = f"{floor}{flat:02d}"
                    area = f"{rng.randrange(4500, 9500) / 100:.2f}"
                    rented = rng.random() < 0.15
                    people = []
                    if rented:
                        for _ in range(rng.choice((1, 2, 3))):
                            male = rng.random() < 0.5
                            people.append((birth(20, 45), male, "其他", "租户"))
                    else:
                        size = rng.choice((1, 2, 2, 3, 3, 4, 5))
                        head_male = rng.random() < 0.5
                        people.append((birth(30, 92), head_male, "户主", "业主"))
                        if size > 1:
                            people.append((birth(30, 90), not head_male, "配偶", "业主"))
                        for _ in range(size - 2):
                            people.append((birth(0, 35), rng.random() < 0.5, "子女", "业主家属"))
                    for born, male, relation, tenure in people:
                        age = (today - born).days // 365
                        row = [
                            str(building),
                            str(entrance),
                            room,
                            area,
                            name(),
                            "男" if male else "女",
                            born.isoformat(),
                            id_number(born, male),
                            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                            relation,
                            tenure,
                            "是" if len(people) == 1 and age >= 65 else "",
                            "是" if rng.random() < 0.03 else "",
                            "是" if rng.random() < 0.02 else "",
                            "是" if rng.random() < 0.08 else "",
                            grid,
                            "",
                        ]
                        roll = rng.random()
                        if roll < 0.005:  # about one row in 200 is bad, in the usual ways
                            bad += 1
                            kind = rng.randrange(5)
                            if kind == 0:
                                row[7] = row[7][:17] + ("0" if row[7][17] != "0" else "1")
                            elif kind == 1:
                                row[2] = ""
                            elif kind == 2:
                                row[8] = "1234"
                            elif kind == 3:
                                row[6] = "去年"
                            else:
                                row[3] = "七十"
                        ws.append(row)
                        written += 1
                        if written >= rows:
                            break
                    if written >= rows:
                        break
                if written >= rows:
                    break
            if written >= rows:
                break
    wb.save(path)
    return {"rows": written, "bad": bad, "buildings": building, "size": path.stat().st_size}


# --- phases (each in its own process) ----------------------------------------------------------


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laoyuan.settings")
    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """CPU time of this process: what the work costs whatever else the machine is doing (the
    database server's own time is not included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_migrate(args) -> dict:
    _django()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from laoyuan.core.models import Role, RoleAssignment, User
    from laoyuan.registry.models import Community, Compound, District, Street

    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    district, _ = District.objects.get_or_create(code="BENCH", defaults={"name": "基准区"})
    street, _ = Street.objects.get_or_create(
        code="BENCH", defaults={"name": "基准街道", "district": district}
    )
    community, _ = Community.objects.get_or_create(
        code="BENCH", defaults={"name": "基准社区", "street": street}
    )
    compound = Compound.objects.create(
        community=community, code=f"BENCH-{stamp}", name="基准测试小区", year_built=1995
    )
    user, created = User.objects.get_or_create(
        username="bench-importer", defaults={"display_name": "基准导入员"}
    )
    if created:
        RoleAssignment.objects.create(
            user=user, role=Role.COMMUNITY_WORKER, level="community", community=community
        )
    return {"seconds": time.perf_counter() - started, "compound": compound.code}


def phase_read(args) -> dict:
    _django()
    from laoyuan.registry.roster.reading import open_roster

    started = time.perf_counter()
    cpu0 = _cpu_seconds()
    sheet = open_roster(Path(args.file), name=Path(args.file).name)
    rows = sum(1 for _ in sheet.rows)
    return {"seconds": time.perf_counter() - started, "cpu": _cpu_seconds() - cpu0, "rows": rows}


def _upload_and_preview(args):
    from laoyuan.core.models import User
    from laoyuan.registry.models import Compound
    from laoyuan.registry.roster import actions

    actor = User.objects.get(username="bench-importer")
    compound = Compound.objects.get(code=args.compound)
    with open(args.file, "rb") as fh:
        batch = actions.import_batch_create(
            actor=actor, compound=compound, file=fh, name=Path(args.file).name
        )
    return actions.import_batch_preview(batch_id=batch.pk)


def phase_preview(args) -> dict:
    _django()
    started = time.perf_counter()
    cpu0 = _cpu_seconds()
    batch = _upload_and_preview(args)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu0
    assert batch.status == "previewed", batch.error_message
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "batch": batch.pk,
        "rows": batch.rows_read,
        "valid": batch.rows_valid,
        "rejected": batch.rows_rejected,
        "duplicate": batch.rows_duplicate,
        "plan": [batch.plan_create, batch.plan_update, batch.plan_unchanged],
    }


def phase_commit(args) -> dict:
    _django()
    from laoyuan.core.models import User
    from laoyuan.registry.models import ImportBatch
    from laoyuan.registry.roster import actions

    batch = ImportBatch.objects.get(pk=args.batch)
    actor = User.objects.get(username="bench-importer")
    started = time.perf_counter()
    cpu0 = _cpu_seconds()
    assert actions.import_batch_request_commit(actor=actor, batch=batch)
    batch = actions.import_batch_commit(batch_id=batch.pk)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu0
    assert batch.status == "committed", batch.error_message
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "rows": batch.rows_valid,
        "done": [batch.done_create, batch.done_update, batch.done_unchanged],
        "details": {k: v for k, v in batch.done_details.items() if k != "area_changes"},
    }


def phase_again(args) -> dict:
    _django()
    started = time.perf_counter()
    cpu0 = _cpu_seconds()
    batch = _upload_and_preview(args)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu_seconds() - cpu0,
        "rows": batch.rows_read,
        "plan": [batch.plan_create, batch.plan_update, batch.plan_unchanged],
    }


PHASES = {
    "migrate": phase_migrate,
    "read": phase_read,
    "preview": phase_preview,
    "commit": phase_commit,
    "again": phase_again,
}


def run_phase(name: str, env: dict, **params) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", name]
    for key, value in params.items():
        command += [f"--{key}", str(value)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--compound", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = PHASES[args.phase](args)
        result["peak_mb"] = _peak_mb()
        print(json.dumps(result, ensure_ascii=False))
        return

    workdir = Path(tempfile.mkdtemp(prefix="laoyuan-bench-import-"))
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "laoyuan.settings")
    env.setdefault("SECRET_KEY", "bench-only-secret-key")
    env.setdefault("LAOYUAN_DATA_KEY", "YmVuY2gtb25seS1kYXRhLWtleS0xMjM0NTY3ODkwMTI")
    env["LAOYUAN_VAR_DIR"] = str(workdir)  # media (the stored roster) goes here
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    database = env["DATABASE_URL"].split("@")[-1]

    roster = workdir / "bench-roster.xlsx"
    started = time.perf_counter()
    made = generate(roster, args.rows)
    print(
        f"Generated {made['rows']:,} rows ({made['bad']} bad, {made['buildings']} buildings, "
        f"{made['size'] / 1048576:.1f} MB) in {time.perf_counter() - started:.1f} s: {roster}"
    )
    print(f"Database: {database}")
    setup = run_phase("migrate", env)
    compound = setup["compound"]
    results = {
        "read": run_phase("read", env, file=roster),
        "preview": run_phase("preview", env, file=roster, compound=compound),
    }
    results["commit"] = run_phase("commit", env, batch=results["preview"]["batch"])
    results["again"] = run_phase("again", env, file=roster, compound=compound)

    preview, commit = results["preview"], results["commit"]
    print(
        f"Preview: {preview['rows']:,} rows read, {preview['valid']:,} valid, "
        f"{preview['rejected']} rejected, {preview['duplicate']} duplicate; "
        f"plan create/update/unchanged = {preview['plan']}"
    )
    print(f"Commit: created/updated/unchanged = {commit['done']}; {commit['details']}")
    print(f"Re-import preview: create/update/unchanged = {results['again']['plan']}")
    print()
    print(f"{'phase':<22}{'seconds':>9}{'cpu s':>8}{'rows/s':>11}{'peak MB':>10}")
    for label, key in (
        ("read file only", "read"),
        ("preview", "preview"),
        ("commit", "commit"),
        ("re-import preview", "again"),
    ):
        r = results[key]
        print(
            f"{label:<22}{r['seconds']:>9.2f}{r['cpu']:>8.2f}"
            f"{r['rows'] / r['seconds']:>11,.0f}{r['peak_mb']:>10.0f}"
        )
    total = preview["seconds"] + commit["seconds"]
    peak = max(preview["peak_mb"], commit["peak_mb"])
    cpu = preview["cpu"] + commit["cpu"]
    print(
        f"{'preview + commit':<22}{total:>9.2f}{cpu:>8.2f}"
        f"{preview['rows'] / total:>11,.0f}{peak:>10.0f}"
    )
    load = os.getloadavg()[0]
    print(f"(load average at the end: {load:.1f} on {os.cpu_count()} CPUs; wall time suffers")
    print(" when other work shares the machine, CPU time much less)")
    verdict = "met" if total < 30 and peak < 1024 else "NOT met"
    print(f"\nTarget (100,000 rows: preview + commit < 30 s, peak < 1 GB): {verdict}")
    if args.keep:
        print(f"Kept {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
