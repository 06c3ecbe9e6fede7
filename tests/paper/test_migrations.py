"""Migrations are history: each carries what it needs, so later changes to the code cannot
change what an old migration computes.

The search migrations hold their own copy of the tokenizer; these tests keep every migration
free of project imports, pin the copies to the tokenizer they were taken from, and migrate real
rows through them on the database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL).
"""

import ast
import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article
from notices.models import Notice
from paper.fields import tsvector_literal
from paper.search import search_fields

BASE_DIR = Path(settings.BASE_DIR)

# Everything importable from the repository's root is project code.
PROJECT_NAMES = {
    path.name if path.is_dir() else path.stem
    for path in BASE_DIR.iterdir()
    if not path.name.startswith(".") and (path.is_dir() or path.suffix == ".py")
}
# A migration names the field classes of its fields; Django imports them to build the state.
ALLOWED = {"paper.fields"}

PROJECT_APPS = [config for config in apps.get_app_configs() if Path(config.path).parent == BASE_DIR]
MIGRATION_FILES = sorted(
    path for config in PROJECT_APPS for path in (Path(config.path) / "migrations").glob("*.py")
)

FROZEN_SEARCH = ["articles.migrations.0002_search", "notices.migrations.0003_search"]

TEXTS = [
    "遺失聲明 國籍證書 烟台市芝罘區",
    "（鲁烟）船登（籍）（２０２４）ＹＺ－０００１３５号",
    "(鲁烟)船登(籍)(2024)YZ-000135号 国籍证书",
    "编号:\x0b(2024)\u200bYZ-000135号\x1f 电话\t6631203\r\n\x7f",
    "O'Brien 说:\"C:\\temp\\x\" 'quoted' \\ ''",
    "ＡＢＣ　Ⅻ ﬁ ß ǅ",
    "",
]


def dotted_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_name(node.value)}.{node.attr}"
    return ""


def project_imports(source):
    """The project modules that ``source`` imports, other than the allowed ones."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import reaches into the project's own packages
                found.append("." * node.level + (node.module or ""))
                continue
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and dotted_name(node.func).split(".")[-1] in {
            "import_module",
            "__import__",
        }:
            argument = node.args[0] if node.args else None
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                found.append(f"{dotted_name(node.func)}(…)")  # cannot tell what it imports
                continue
            names = [argument.value]
        else:
            continue
        for name in names:
            allowed = any(name == ok or name.startswith(ok + ".") for ok in ALLOWED)
            if name.split(".")[0] in PROJECT_NAMES and not allowed:
                found.append(name)
    return found


def test_import_check_covers_every_project_app():
    checked = {path.parent.parent.name for path in MIGRATION_FILES}
    assert {"articles", "notices", "paper"} <= checked
    assert {"paper", "articles", "notices", "tests", "manage"} <= PROJECT_NAMES


@pytest.mark.parametrize("path", MIGRATION_FILES, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_migration_imports_no_project_code_but_field_classes(path):
    assert project_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from paper.search import search_fields",
        "import paper.migration_ops",
        "from paper import search",
        "import paper",
        "from . import helpers",
        "from .helpers import fill",
        "def forwards(apps, schema_editor):\n    from notices.models import Notice",
        "import importlib\nimportlib.import_module('paper.text')",
        "from importlib import import_module\nimport_module(name)",
    ],
)
def test_import_check_catches_project_imports(source):
    assert project_imports(source)


def test_import_check_allows_django_the_standard_library_libraries_and_field_classes():
    source = (
        "import re\nimport unicodedata\nimport opencc\n"
        "import django.db.models.deletion\nfrom django.db import migrations, models\n"
        "import paper.fields\nfrom paper.fields import TokensField\nfrom paper import fields\n"
    )
    assert project_imports(source) == []


@pytest.fixture(params=FROZEN_SEARCH)
def frozen(request):
    return importlib.import_module(request.param)


def assert_same_as_live(frozen, parts):
    expected = search_fields(*parts)
    assert frozen.search_fields(*parts) == expected
    tokens = sorted(expected["search_tokens"])
    assert frozen.tsvector_literal(tokens) == tsvector_literal(tokens)


def test_frozen_tokenizer_gives_what_the_live_one_gives_today(frozen):
    """The migration's copy computes what paper.search computes today.

    This pins "the tokenizer as it is today" while the two agree. If the live tokenizer is
    changed on purpose, the migration stays as it is, and this test's comparison target
    becomes the frozen copy (today's values written out here), not the live paper.search.
    """
    for text in [*TEXTS, "Ab\x00c"]:  # a NUL only here: PostgreSQL's text cannot hold one
        assert_same_as_live(frozen, [text])
    assert_same_as_live(frozen, TEXTS)
    # The issue's own example, written out: this much holds whatever the live code does.
    values = frozen.search_fields("(鲁烟)船登(籍)(2024)YZ-000135号")
    assert values["search_text"] == "(鲁烟)船登(籍)(2024)yz-000135号"
    assert values["search_numbers"] == "2024yz000135"
    assert {"船登", ")y", "\ue000yz", "\ue0002"} <= values["search_tokens"]


@hypothesis_settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.text(), max_size=3))
def test_frozen_tokenizer_agrees_with_the_live_one_on_any_text(parts):
    """Same as above, on generated text (see that test's docstring for when this changes)."""
    for name in FROZEN_SEARCH:
        assert_same_as_live(importlib.import_module(name), parts)


BEFORE_SEARCH = [("articles", "0001_initial"), ("notices", "0002_rate_card_and_editors")]


@pytest.fixture
def before_search(transactional_db):
    """The database as it was before the search migrations, as historical models.

    Migrated back to the latest state afterwards, whatever the test did.
    """
    try:
        MigrationExecutor(connection).migrate(BEFORE_SEARCH)
        yield applied_state().apps
    finally:
        migrate_to_latest()


def applied_state():
    """The project state of the migrations applied to the database, whatever their apps.

    (What ``MigrationExecutor.migrate()`` returns after a backwards plan over two apps leaves
    some of the unapplied migrations in.)
    """
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations)
    latest = [node for node in applied if applied.isdisjoint(loader.graph.node_map[node].children)]
    return loader.project_state(latest)


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def make_historical_rows(old_apps):
    """An issue with articles and notices, written with the models as they were then.

    Not the factories: those use today's models, which have columns the tables do not have yet.
    """
    issue = old_apps.get_model("paper", "Issue").objects.create(
        date=datetime.date(2024, 10, 22), is_published=True
    )
    page = old_apps.get_model("paper", "Page").objects.create(
        issue=issue, code="A03", name="公告", order=3
    )
    OldArticle = old_apps.get_model("articles", "Article")
    OldNotice = old_apps.get_model("notices", "Notice")
    common = {"issue": issue, "page": page, "pub_date": issue.date, "status": "published"}
    OldArticle.objects.create(
        **common,
        kicker=TEXTS[0],
        headline="烟台港國際客運 ＹＺ－０００１３５",
        source="本报讯",
        byline="記者 O'Brien",
        dateline="新華社北京10月21日電",
        column="港城\\观察",
        body="\n".join(TEXTS),
    )
    OldArticle.objects.create(**common, headline="短讯", body="")
    for number, text in enumerate(TEXTS[1:5], start=1):
        OldNotice.objects.create(**common, reference=f"YS20241022{number:03d}", text=text)


def stored_tokens(tokens):
    """The token column as the live code would store these tokens, as the database shows it."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector::text", [tsvector_literal(tokens)])
        return cursor.fetchone()[0]


def search_columns(model):
    rows = model.objects.values_list("pk", "search_text", "search_numbers", "search_tokens")
    return {pk: columns for pk, *columns in rows}


def live_search_columns(model):
    expected = {}
    for document in model.objects.all():
        values = search_fields(*document.search_parts())
        expected[document.pk] = [
            values["search_text"],
            values["search_numbers"],
            stored_tokens(values["search_tokens"]),
        ]
    return expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_migrations_fill_existing_rows_as_the_live_code_would(before_search, monkeypatch):
    make_historical_rows(before_search)
    # Batches of three: the two articles fill part of one, the four notices one and a part.
    for name in FROZEN_SEARCH:
        monkeypatch.setattr(importlib.import_module(name), "BATCH_SIZE", 3)

    migrate_to_latest()

    assert len(search_columns(Article)) == 2
    assert len(search_columns(Notice)) == 4
    assert search_columns(Article) == live_search_columns(Article)
    assert search_columns(Notice) == live_search_columns(Notice)
    # What a reader searches for finds the rows (through the token index on PostgreSQL).
    assert Article.objects.search("yz000135 国际").count() == 1
    assert Notice.objects.search("船登 ２０２４").count() == 2
    assert Notice.objects.search("o'brien c:\\temp").count() == 1
    if connection.vendor == "postgresql":
        # The token index and the fuller statistics came back with the columns.
        tables = ["articles_article", "notices_notice"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexdef FROM pg_indexes WHERE indexname = tablename || %s"
                " AND tablename = ANY(%s)",
                ["_search_tokens", tables],
            )
            indexes = dict(cursor.fetchall())
            cursor.execute(
                "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute"
                " WHERE attname = 'search_tokens' AND attrelid::regclass::text = ANY(%s)",
                [tables],
            )
            statistics = dict(cursor.fetchall())
        assert sorted(indexes) == tables
        assert all(
            definition.endswith("USING gin (search_tokens)") for definition in indexes.values()
        )
        assert statistics == dict.fromkeys(tables, 1000)


MASKING = "notices.migrations.0008_resident_ids_masked"
BEFORE_MASKING = [("notices", "0007_printed_item"), ("articles", "0006_printed_item")]
ID_TEXTS = [
    "张建国遗失居民身份证,号码:370602199001011239,声明作废。",
    "号码 370602 1990 0101 1239、３７０６０２１９９００１０１１２３９、11010519491231002x",
    "残疾人证号37060219900101123912,旧证号370602900101123;存折6222021234567890123",
    "号码370602199001011239X、1101051949123100",
]


@pytest.fixture
def before_masking(transactional_db):
    try:
        MigrationExecutor(connection).migrate(BEFORE_MASKING)
        yield applied_state().apps
    finally:
        migrate_to_latest()


def test_frozen_id_rule_gives_what_the_live_one_gives_today(monkeypatch):
    """The masking migration's copy computes what paper.text and paper.search compute today
    (see test_frozen_tokenizer_gives_what_the_live_one_gives_today for when this changes)."""
    from paper.text import number_keys

    frozen = importlib.import_module(MASKING)
    monkeypatch.setattr(frozen, "tsvector_literal", set)
    for parts in [[text] for text in ID_TEXTS + TEXTS] + [ID_TEXTS]:
        values = search_fields(*parts)
        assert frozen.search_fields(*parts, postgresql=True) == values
        for text in parts:
            assert (frozen.number_key(text), " ".join(sorted(frozen.digests(text)))) == (
                number_keys(text)
            )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_masking_migration_takes_the_ids_out_of_existing_rows(before_masking, monkeypatch):
    monkeypatch.setattr(importlib.import_module(MASKING), "BATCH_SIZE", 2)
    old = before_masking
    issue = old.get_model("paper", "Issue").objects.create(
        date=datetime.date(2024, 10, 22), is_published=True
    )
    page = old.get_model("paper", "Page").objects.create(issue=issue, code="A03", order=3)
    common = {"issue": issue, "page": page, "pub_date": issue.date, "status": "published"}
    for number, text in enumerate(ID_TEXTS, start=1):
        # As the code before the migration stored them: the numbers whole everywhere.
        notice = old.get_model("notices", "Notice").objects.create(
            **common, reference=f"YT20241022-{number:03d}", text=text, search_text=text
        )
        old.get_model("notices", "LostItem").objects.create(
            notice=notice, holder="张建国", number=text, number_key=text
        )
        old.get_model("articles", "Article").objects.create(
            **common, headline=f"通报{number}", body=text, search_text=text
        )

    migrate_to_latest()

    assert search_columns(Article) == live_search_columns(Article)
    assert search_columns(Notice) == live_search_columns(Notice)
    for item in Notice.objects.get(reference="YT20241022-001").items.all():
        assert "19900101" not in item.number_key
    assert Notice.objects.with_number("370602199001011239").count() == 4
    assert Notice.objects.with_number("37060219900101123912").count() == 1
    assert Notice.objects.search("370602 19900101 1239").count() == 4
    assert Notice.objects.search("3706021990").count() == 0
    assert Article.objects.search("３７０６０２１９９００１０１１２３９").count() == 4
    assert Article.objects.search("11010519491231002X").count() == 1
