"""Backups: pg_dump of a populated archive restores, with pg_restore, to the same archive.

The commands are those of README.md's "Backups" section.
"""

import shutil
import subprocess

import psycopg
import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from articles.models import Article
from notices.models import Notice
from tests.factories import import_sample_issue, make_archive, make_wedding_notice

pytestmark = pytest.mark.postgres


def conninfo(name):
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=name,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
    )


def fingerprint(name):
    """Every table's rows (a digest over all columns), every sequence's position, every index."""
    with psycopg.connect(conninfo(name)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        rows = {
            table: conn.execute(
                "SELECT count(*),"
                " md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), ''))"
                f' FROM "{table}" t'
            ).fetchone()
            for table in tables
        }
        sequences = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
    return {"rows": rows, "sequences": sequences, "indexes": indexes}


@pytest.fixture
def restored_name():
    name = connection.settings_dict["NAME"] + "_restored"
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield name
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_of_a_populated_archive_restores_to_the_same_archive(
    postgres_only, restored_name, tmp_path
):
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is not installed (Debian: postgresql-client)")
    import_sample_issue()
    make_archive(30)
    make_wedding_notice()
    editor = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    original = connection.settings_dict["NAME"]
    dump = tmp_path / "yantai.dump"
    db = connection.settings_dict
    target = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    target += ["--username", db["USER"]]

    subprocess.run(["pg_dump", *target, "--format=custom", f"--file={dump}", original], check=True)
    subprocess.run(["createdb", *target, restored_name], check=True)
    subprocess.run(
        ["pg_restore", *target, "--no-owner", "--exit-on-error", "--dbname", restored_name, dump],
        check=True,
    )

    before, after = fingerprint(original), fingerprint(restored_name)
    assert before["rows"]["articles_article"][0] == Article.objects.count() > 120
    assert before["rows"]["notices_notice"][0] == Notice.objects.count() > 30
    assert after["rows"] == before["rows"]
    assert after["sequences"] == before["sequences"]
    assert after["indexes"] == before["indexes"]

    # The restored database serves the archive: search (its own index) and a notice's proof.
    connection.close()
    connection.settings_dict["NAME"] = restored_name
    try:
        client = Client()
        found = client.get("/search/", {"q": "yz000135"}).content.decode()
        assert "国籍证书" in found
        notice = Notice.objects.get(items__number__contains="YZ-000135")
        assert client.get(notice.get_absolute_url() + "proof/").status_code == 200
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
