"""Generate a synthetic archive of realistic size for benchmarks.

Thirty years of a daily is about 11,000 issues, 1,000,000 articles and 300,000 notices. The text
is made of the seed issue's own sentences, with personal names, place names and document numbers
mixed in at known rates, so that query classes from one character to rare names and numbers have
realistic frequencies. On PostgreSQL rows are streamed with COPY and the token indexes are built
after the load, which is several times faster than updating them row by row.
"""

import datetime
import multiprocessing
import random
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from articles.models import Article
from notices.models import DocumentType, LostItem, Notice
from notices.validators import CREDIT_CODE_CHARS
from paper.fields import tsvector_literal
from paper.models import Issue, Page
from paper.search import search_fields
from paper.text import number_keys

SAMPLE_EXPORT = Path(settings.BASE_DIR) / "sample" / "page-export-2024-10-22.txt"

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱"
    "汤尹黎易常武乔贺赖龚文迟曲毕修栾隋衣初"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娥建国文辉力林斌宇浩凯健俊帆帅旭宁"
    "瑞晨博鑫雪琳晶欣怡佳悦彤梦涵雨轩泽航鹏飞海波汝林和丰庆德兴福志永春云霖岚嘉颖睿哲瀚"
)
PAGE_NAMES = ["要闻", "要闻", "综合", "经济", "城事", "区市", "民生", "文体", "公告", "专版"]
SOURCES = ["本报讯", "本报讯", "本报讯", "新华社", "据新华社电", ""]
# Words placed in a known share of articles: ~1 % each (mid) and ~0.02 % each (rare).
MID_WORDS = [
    "海参",
    "樱桃",
    "苹果",
    "葡萄酒",
    "港口",
    "渔港",
    "机场",
    "高铁",
    "海岸线",
    "帆船",
    "养老院",
    "医保卡",
    "社区食堂",
    "冬泳",
    "马拉松",
    "消防站",
    "台风",
    "暴雨",
    "海水浴场",
    "灯塔",
]
RARE_WORDS = ["鸾俦", "崆峒岛", "养马岛", "蓬莱阁", "昆嵛山", "牟氏庄园", "八仙渡", "芝罘湾"]


def seed_sentences():
    """The sentences of the sample issue's articles: the vocabulary of the synthetic archive."""
    sentences = []
    for line in SAMPLE_EXPORT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith(("#", "=")) or "声明作废" in line or "结为夫妇" in line:
            continue
        sentences.extend(s + "。" for s in re.split(r"[。;]", line) if len(s) > 8)
    return sentences


def resident_id(rng):
    body = f"370{rng.randint(600, 699)}{rng.randint(1950, 2005)}"
    body += f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    # calc_check_digit() takes a whole number and ignores its last character.
    return body + ric.calc_check_digit(body + "0")


def credit_code(rng):
    body = "913706" + "".join(rng.choice(CREDIT_CODE_CHARS) for _ in range(11))
    return body + uscc.calc_check_digit(body)


class Writer:
    """Generates one chunk of issues' rows; runs in worker processes."""

    def __init__(self, seed, document_types):
        self.sentences = seed_sentences()
        self.seed = seed
        self.document_types = document_types

    def name(self, rng):
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))

    def article(self, rng):
        sentences = rng.sample(self.sentences, rng.randint(5, 11))
        if rng.random() < 0.3:
            sentences.insert(
                rng.randrange(len(sentences)), f"{self.name(rng)}介绍说,工作进展顺利。"
            )
        if rng.random() < 0.2:
            word = rng.choice(MID_WORDS)
            sentences.insert(rng.randrange(len(sentences)), f"这里的{word}吸引了不少市民。")
        if rng.random() < 0.004:
            word = rng.choice(RARE_WORDS)
            sentences.insert(rng.randrange(len(sentences)), f"{word}一带风景秀丽。")
        if rng.random() < 0.05:
            sentences.append(f"咨询电话:{rng.randint(6000000, 6999999)}。")
        headline = sentences[0][: rng.randint(10, 24)].rstrip(",、。")
        return {
            "headline": headline,
            "source": rng.choice(SOURCES),
            "byline": self.name(rng) if rng.random() < 0.5 else "",
            "body": "\n".join(sentences),
        }

    def lost_items(self, rng):
        items = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            type_id, type_name = rng.choice(self.document_types)
            holder = (
                self.name(rng)
                if rng.random() < 0.7
                else f"烟台{rng.choice(GIVEN)}{rng.choice(GIVEN)}有限公司"
            )
            if type_name == "身份证":
                number = resident_id(rng)
            elif type_name == "营业执照":
                number = credit_code(rng)
            elif type_name == "国籍证书":
                number = (
                    f"(鲁烟)船登(籍)({rng.randint(1995, 2024)})YZ-{rng.randint(0, 999999):06d}号"
                )
            else:
                number = f"{rng.choice('ABCDYZ')}{rng.randint(0, 9999999):07d}"
            items.append((holder, type_id, type_name, number))
        return items

    def __call__(self, chunk):
        rng = random.Random(f"{self.seed}:{chunk[0][0]}")
        articles, notices, items = [], [], []
        for issue_id, date, pages, article_count, notice_count, first_notice_id in chunk:
            created = timezone.make_aware(datetime.datetime.combine(date, datetime.time(6)))
            for n in range(article_count):
                page_id = pages[n * len(pages) // article_count]
                fields = self.article(rng)
                search = search_fields(
                    fields["headline"], fields["source"], fields["byline"], fields["body"]
                )
                articles.append(
                    (
                        issue_id,
                        page_id,
                        date,
                        n + 1,
                        fields["headline"],
                        fields["source"],
                        fields["byline"],
                        fields["body"],
                        "published",
                        False,
                        "",
                        created,
                        created,
                        search["search_text"],
                        search["search_numbers"],
                        tsvector_literal(search["search_tokens"]),
                    )
                )
            notice_page = pages[-1]
            for n in range(notice_count):
                notice_id = first_notice_id + n
                lost = self.lost_items(rng)
                clauses = [f"{h}遗失{t},编号:{num}" for h, _, t, num in lost]
                text = (
                    clauses[0] + ",声明作废。"
                    if len(clauses) == 1
                    else ";".join(clauses) + "。以上证件声明作废。"
                )
                search = search_fields(text)
                notices.append(
                    (
                        notice_id,
                        "lost",
                        issue_id,
                        notice_page,
                        date,
                        n + 1,
                        f"YT{date:%Y%m%d}-{n + 1:03d}",
                        text,
                        150 * len(lost),
                        "published",
                        False,
                        "",
                        created,
                        created,
                        search["search_text"],
                        search["search_numbers"],
                        tsvector_literal(search["search_tokens"]),
                    )
                )
                for order, (holder, type_id, _, number) in enumerate(lost, start=1):
                    items.append(
                        (notice_id, holder, type_id, number, *number_keys(number), order, 1)
                    )
        return articles, notices, items


ARTICLE_COLUMNS = (
    'issue_id, page_id, pub_date, "order", headline, source, byline, body, status, needs_review, '
    "review_note, created, updated, search_text, search_numbers, search_tokens"
)
NOTICE_COLUMNS = (
    'id, kind, issue_id, page_id, pub_date, "order", reference, text, fee, status, needs_review, '
    "review_note, created, updated, search_text, search_numbers, search_tokens"
)
ITEM_COLUMNS = (
    'notice_id, holder, document_type_id, number, number_key, number_digests, "order", quantity'
)
TEXT_DEFAULTS = {
    Article: ["kicker", "subheadline", "dateline", '"column"'],
    Notice: ["headline", "announcer", "credit_code"],
    LostItem: ["document_name", "issuer", "other_identifier"],
}


class Command(BaseCommand):
    help = "Generate a synthetic archive: N daily issues with pages, articles and notices."

    def add_arguments(self, parser):
        parser.add_argument("--issues", type=int, required=True, help="number of daily issues")
        parser.add_argument(
            "--start", type=datetime.date.fromisoformat, default=datetime.date(1995, 1, 1)
        )
        parser.add_argument("--pages", type=int, default=24, help="pages per issue")
        parser.add_argument("--articles", type=int, default=91, help="articles per issue")
        parser.add_argument("--notices", type=int, default=27, help="notices per issue")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **options):
        if options["issues"] < 1 or options["pages"] < 1 or options["articles"] < 0:
            raise CommandError("--issues and --pages must be at least 1, --articles at least 0")
        dates = [options["start"] + datetime.timedelta(days=n) for n in range(options["issues"])]
        if Issue.objects.filter(date__range=(dates[0], dates[-1])).exists():
            raise CommandError(
                f"the archive already has issues between {dates[0]} and {dates[-1]}: "
                "choose another --start or an empty database"
            )
        started = time.monotonic()
        postgres = connection.vendor == "postgresql"
        with transaction.atomic():
            chunks = self.create_issues(dates, options)
            self.log(f"issues and pages: {time.monotonic() - started:.0f} s")
            if postgres:
                self.drop_token_indexes()
            counts = self.write_documents(chunks, options, postgres)
        loaded = time.monotonic()
        self.log(
            f"{counts[0]} articles, {counts[1]} notices, {counts[2]} items loaded in "
            f"{loaded - started:.0f} s"
        )
        if postgres:
            self.build_token_indexes()
            self.log(f"token indexes built and analysed in {time.monotonic() - loaded:.0f} s")
        self.stdout.write(
            self.style.SUCCESS(f"archive generated in {time.monotonic() - started:.0f} s")
        )

    def log(self, message):
        if self.verbosity_level:
            self.stdout.write(message)

    def execute(self, *args, **options):
        self.verbosity_level = options.get("verbosity", 1)
        return super().execute(*args, **options)

    def create_issues(self, dates, options):
        issues = Issue.objects.bulk_create(Issue(date=date, is_published=True) for date in dates)
        pages = Page.objects.bulk_create(
            Page(
                issue=issue,
                code=f"{'AB'[n // 16]}{n % 16 + 1:02d}",
                name=PAGE_NAMES[n % len(PAGE_NAMES)],
                order=n + 1,
            )
            for issue in issues
            for n in range(options["pages"])
        )
        pages_by_issue = {}
        for page in pages:
            pages_by_issue.setdefault(page.issue_id, []).append(page.pk)
        next_notice = (Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        rows = []
        for issue in issues:
            rows.append(
                (
                    issue.pk,
                    issue.date,
                    pages_by_issue[issue.pk],
                    options["articles"],
                    options["notices"],
                    next_notice,
                )
            )
            next_notice += options["notices"]
        return [rows[i : i + 20] for i in range(0, len(rows), 20)]

    def write_documents(self, chunks, options, postgres):
        document_types = list(DocumentType.objects.values_list("pk", "name"))
        writer = Writer(options["seed"], document_types)
        counts = [0, 0, 0]
        done = 0
        with multiprocessing.get_context("fork").Pool(options["workers"]) as pool:
            for articles, notices, items in pool.imap(writer, chunks):
                if postgres:
                    self.copy(Article, ARTICLE_COLUMNS, articles)
                    self.copy(Notice, NOTICE_COLUMNS, notices)
                    self.copy(LostItem, ITEM_COLUMNS, items)
                else:
                    self.insert(Article, ARTICLE_COLUMNS, articles)
                    self.insert(Notice, NOTICE_COLUMNS, notices)
                    self.insert(LostItem, ITEM_COLUMNS, items)
                counts = [
                    counts[0] + len(articles),
                    counts[1] + len(notices),
                    counts[2] + len(items),
                ]
                done += 1
                if done % 25 == 0 or done == len(chunks):
                    self.log(
                        f"  {done}/{len(chunks)} chunks, {counts[0]} articles, {counts[1]} notices"
                    )
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('notices_notice', 'id'), "
                    "(SELECT max(id) FROM notices_notice))"
                )
        return counts

    def copy(self, model, columns, rows):
        defaults = TEXT_DEFAULTS[model]
        all_columns = ", ".join([columns, *defaults])
        sql = f"COPY {model._meta.db_table} ({all_columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            blanks = ("",) * len(defaults)
            for row in rows:
                copy.write_row(row + blanks)

    def insert(self, model, columns, rows):
        names = [c.strip().strip('"') for c in columns.split(",")]
        objects = []
        for row in rows:
            values = dict(zip(names, row, strict=True))
            if "search_tokens" in values:
                values["search_tokens"] = ""
            objects.append(model(**values))
        model.objects.bulk_create(objects, batch_size=500)

    def drop_token_indexes(self):
        with connection.cursor() as cursor:
            for table in ("articles_article", "notices_notice"):
                cursor.execute(f"DROP INDEX IF EXISTS {table}_search_tokens")

    def build_token_indexes(self):
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '2GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            for table in ("articles_article", "notices_notice"):
                began = time.monotonic()
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_search_tokens "
                    f"ON {table} USING gin (search_tokens)"
                )
                cursor.execute(f"ANALYZE {table}")
                cursor.execute(
                    "SELECT pg_size_pretty(pg_relation_size(%s)), "
                    "pg_size_pretty(pg_total_relation_size(%s))",
                    [f"{table}_search_tokens", table],
                )
                index_size, table_size = cursor.fetchone()
                self.log(
                    f"  {table}: token index {index_size} built in "
                    f"{time.monotonic() - began:.0f} s; table with indexes {table_size}"
                )
            # The other tables too: the planner's estimates should not wait for autovacuum,
            # which may be off or minutes away, before the first benchmark runs.
            for table in ("paper_issue", "paper_page", "notices_lostitem"):
                cursor.execute(f"ANALYZE {table}")
