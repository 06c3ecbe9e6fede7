"""How fast import_issue is: a year of generated day files imported one after another.

    python bench/import_year.py [--days 365] [--pages 8]
    (or: make bench BENCH_ARGS="--days 30")

Each day file is written in the style of the seed export, damage included: page markers, about
three articles a page built from the seed's sentences with sources, datelines and bylines,
paragraphs broken mid-sentence and now and then one duplicated out of place, and a notices page
with a wedding, the rate card and lost-certificate declarations in the standard wordings.

The import runs against a throw-away test database (SQLite in memory by default, test_<name> on
PostgreSQL when DATABASE_URL points to one), never against the archive's own data. Figures are
printed, not asserted: a timing is a measurement, not a test.
"""

import argparse
import datetime
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample" / "page-export-2024-10-22.txt"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曲迟毕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰海文琦雨想"
PLACES = ["芝罘区", "莱山区", "福山区", "牟平区", "蓬莱区", "龙口市", "莱阳市", "栖霞市", "海阳市"]
TRADES = ["五金店", "海鲜酒楼", "物流有限公司", "建筑工程有限公司", "果品合作社", "商贸有限公司"]


def name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def company(rng):
    return f"烟台市{rng.choice(PLACES)}{name(rng)}{rng.choice(TRADES)}"


def seed_sentences():
    text = SAMPLE.read_text(encoding="utf-8")
    lines = [
        line
        for line in text.split("\n")
        if line.endswith("。") and len(line) > 40 and "声明作废" not in line
    ]
    sentences = {s + "。" for line in lines for s in line.split("。") if 10 <= len(s) <= 120}
    return sorted(sentences)


def article(rng, sentences, number):
    paragraphs = [
        "".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(rng.randint(4, 8))
    ]
    opening = rng.random()
    if opening < 0.3:
        paragraphs[0] = f"本报讯(记者 {name(rng)} 通讯员 {name(rng)}) " + paragraphs[0]
    elif opening < 0.5:
        paragraphs[0] = "据新华社电 " + paragraphs[0]
    elif opening < 0.65:
        paragraphs[0] = f"新华社北京{rng.randint(1, 12)}月{rng.randint(1, 28)}日电 " + paragraphs[0]
    else:
        paragraphs.append(f"({name(rng)})")
    blocks = [[paragraph] for paragraph in paragraphs]
    if rng.random() < 0.3:
        for index in range(3, len(blocks), 3):
            numeral = "一二三四五六七八九"[index // 3 - 1]
            blocks[index].insert(0, f"## {numeral}、{rng.choice(sentences)[:14]}")
    # The export's damage: a paragraph broken mid-sentence, sometimes across a page break,
    # and now and then its continuation printed a second time where it does not belong.
    broken = blocks[rng.randrange(len(blocks) - 1)]
    text = broken[-1]
    cut = rng.randint(8, len(text) - 8)
    while not "\u4e00" <= text[cut - 1] <= "\u9fff":
        cut += 1
    broken[-1:] = [text[:cut], "\n\n" if rng.random() < 0.3 else "", text[cut:]]
    if rng.random() < 0.1 and len(text[cut:]) >= 15:
        rng.choice(blocks[:-1]).append(text[cut:])
    headline = re.sub(r"^\(.*?\)", "", rng.choice(sentences))[:24]
    lines = [f"{'#' if number % 3 == 1 else '##'} {headline}({number})", ""]
    for block in blocks:
        for paragraph in filter(None, block):
            lines += [paragraph, ""]
    return lines


def declarations(rng, date):
    found = []
    for _ in range(rng.randint(6, 14)):
        kind = rng.random()
        if kind < 0.25:
            issued = date - datetime.timedelta(days=rng.randint(10, 300))
            found.append(
                f"{name(rng)}遗失{company(rng)}开具的收款收据,开具日期:{issued.year}年"
                f"{issued.month}月{issued.day}日,票号:{rng.randint(1, 9999999):07d},"
                f"金额:{rng.randint(1, 200) * 100}元,声明作废。"
            )
        elif kind < 0.45:
            found.append(f"{company(rng)}公章一枚遗失,声明作废。")
        elif kind < 0.65:
            found.append(f"{name(rng)}遗失学生证,编号:{rng.randint(10**9, 10**10 - 1)},声明作废。")
        elif kind < 0.8:
            found.append(
                f"{company(rng)}遗失营业执照副本,统一社会信用代码:91350100M000100Y43,声明作废。"
            )
        else:
            found.append(
                f"{name(rng)}的鲁烟渔{rng.randint(10000, 99999)}国籍证书丢失,"
                f"编号:YD{rng.randint(10**9, 10**10 - 1)};{name(rng)}的鲁烟渔养"
                f"{rng.randint(10000, 99999)}登记证丢失,编号:YD{rng.randint(10**9, 10**10 - 1)}。"
                "以上证件声明作废。"
            )
    return found


def day_file(rng, sentences, date, pages):
    from notices.models import lunar_date

    lines, number = [], 0
    for page in range(1, pages + 1):
        notices_page = page == pages // 2 + 1
        lines += [f"=== A{page:02d} {'公告' if notices_page else '要闻'} ===", ""]
        if notices_page:
            day = date + datetime.timedelta(days=rng.randint(1, 60))
            lunar = lunar_date(day).removeprefix("农历")
            lines += [
                "## 结婚启事",
                "",
                f"【农历 {lunar}】 新郎 {name(rng)} 新娘 {name(rng)} "
                f"于公历{day.year}年{day.month}月{day.day}日正式结为夫妇。"
                "愿修百年之好,共赴白头之约。特此登报,敬告亲友。",
                "",
                "公告栏 6631203 6631205 房产证、土地证、营运证、营业执照(800元) 公章、收据(张)"
                "及其它各类证件400元 身份证(个)150元 学生证(个)20元 声明 "
                + " ".join(declarations(rng, date)),
                "",
            ]
            continue
        for _ in range(3):
            number += 1
            lines += article(rng, sentences, number)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--pages", type=int, default=8, help="pages per day, one of notices")
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article
    from notices.models import Notice
    from paper.importing import parse_export, read_export

    rng = random.Random(20241022)
    sentences = seed_sentences()
    first_day = datetime.date(2023, 1, 1)
    days = [first_day + datetime.timedelta(days=n) for n in range(options.days)]
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for day in days:
            path = Path(folder) / f"{day}.txt"
            path.write_text(day_file(rng, sentences, day, options.pages), encoding="utf-8")
            files.append((day, path))
        size = sum(path.stat().st_size for _, path in files)

        started = time.perf_counter()
        repairs = sum(len(parse_export(read_export(path)).repairs) for _, path in files)
        parse_seconds = time.perf_counter() - started

        test_database = connection.creation.create_test_db(verbosity=0, serialize=False)
        try:
            timings = {}
            for label, extra in (("import", []), ("import --replace", ["--replace"])):
                started = time.perf_counter()
                for day, path in files:
                    call_command("import_issue", str(path), "--date", str(day), *extra, verbosity=0)
                timings[label] = time.perf_counter() - started
            articles, notices = Article.objects.count(), Notice.objects.count()
            vendor = connection.vendor
        finally:
            connection.creation.destroy_test_db(test_database, verbosity=0)

    count = len(files)
    print(f"{count} day files, {options.pages} pages each, {size / count / 1024:.1f} KiB a file")
    print(f"{articles} articles, {notices} notices, {repairs} repairs; database: {vendor}")
    print(f"parse only:        {count / parse_seconds:8.1f} files/s  ({parse_seconds:.2f} s)")
    for label, seconds in timings.items():
        print(
            f"{label + ':':<18} {count / seconds:8.1f} files/s  ({seconds:.2f} s, "
            f"{articles / seconds:.0f} articles/s, {notices / seconds:.0f} notices/s)"
        )


if __name__ == "__main__":
    main()
