import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent


def run_django(env_overrides, code="import django; django.setup(); print('started')"):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env["DJANGO_SETTINGS_MODULE"] = "paper.settings"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = run_django({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_allows_a_development_key():
    result = run_django({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_environment_chooses_database_and_hosts():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], "
        "settings.ALLOWED_HOSTS, settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    )
    result = run_django(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://archive@db.internal:5432/archive",
            "DJANGO_ALLOWED_HOSTS": "archive.example.cn,www.archive.example.cn",
            "DJANGO_HTTPS": "1",
        },
        code,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 2)[:2] == ["django.db.backends.postgresql", "archive"]
    assert "['archive.example.cn', 'www.archive.example.cn'] False True" in result.stdout


def test_no_database_url_means_sqlite_in_the_project():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
    )
    result = run_django({"DJANGO_DEBUG": "1"}, code)
    assert result.stdout.strip() == f"django.db.backends.sqlite3 {ROOT / 'db.sqlite3'}"


def test_gunicorn_runs_the_site_with_a_10_second_statement_timeout_unless_told_otherwise():
    import runpy

    for preset, expected in ((None, "10000"), ("2500", "2500")):
        env = {} if preset is None else {"DJANGO_DB_STATEMENT_TIMEOUT": preset}
        with mock.patch.dict(os.environ, env, clear=False):
            if preset is None:
                os.environ.pop("DJANGO_DB_STATEMENT_TIMEOUT", None)
            runpy.run_path(str(ROOT / "paper" / "gunicorn.conf.py"))
            assert os.environ["DJANGO_DB_STATEMENT_TIMEOUT"] == expected


def test_postgresql_connections_carry_jit_and_parallel_workers_off_and_the_statement_timeout():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(repr(settings.DATABASES['default'].get('OPTIONS', {}).get('options')))"
    )
    key = {"DJANGO_SECRET_KEY": "x" * 50}
    postgres = {**key, "DATABASE_URL": "postgres://archive@db.internal:5432/archive"}
    cases = [
        # Management commands: no timeout (gunicorn.conf.py sets 10 s).
        (postgres, "'-c jit=off -c max_parallel_workers_per_gather=0'"),
        (
            {**postgres, "DJANGO_DB_STATEMENT_TIMEOUT": "10000"},
            "'-c jit=off -c max_parallel_workers_per_gather=0 -c statement_timeout=10000'",
        ),
        (
            {**postgres, "DJANGO_DB_STATEMENT_TIMEOUT": "2500"},
            "'-c jit=off -c max_parallel_workers_per_gather=0 -c statement_timeout=2500'",
        ),
        (
            {**postgres, "DJANGO_DB_STATEMENT_TIMEOUT": "0"},
            "'-c jit=off -c max_parallel_workers_per_gather=0'",
        ),  # 0: none set
        (
            {
                **postgres,
                "DATABASE_URL": postgres["DATABASE_URL"] + "?options=-c%20work_mem%3D8MB",
                "DJANGO_DB_STATEMENT_TIMEOUT": "10000",
            },
            # The URL's own options are kept.
            "'-c work_mem=8MB -c jit=off -c max_parallel_workers_per_gather=0"
            " -c statement_timeout=10000'",
        ),
        ({**key, "DATABASE_URL": "sqlite:////tmp/archive.sqlite3"}, "None"),
        (
            {
                **key,
                "DATABASE_URL": "sqlite:////tmp/archive.sqlite3",
                "DJANGO_DB_STATEMENT_TIMEOUT": "2500",
            },
            "None",
        ),
    ]
    for env, expected in cases:
        result = run_django(env, code)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected, env


def test_media_go_to_a_folder_or_to_an_s3_compatible_bucket(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MEDIA_ROOT, settings.SERVE_MEDIA, settings.STORAGES['default'])"
    )
    folder = run_django({"DJANGO_DEBUG": "1", "DJANGO_MEDIA_ROOT": str(tmp_path)}, code)
    assert folder.stdout.strip() == (
        f"{tmp_path} True {{'BACKEND': 'django.core.files.storage.FileSystemStorage'}}"
    )
    bucket = run_django(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_MEDIA_BUCKET": "yantai-pages",
            "DJANGO_MEDIA_ENDPOINT": "https://oss.example.cn",
            "DJANGO_MEDIA_DOMAIN": "media.example.cn",
        },
        code,
    )
    assert "False {'BACKEND': 'storages.backends.s3.S3Storage'" in bucket.stdout
    options = bucket.stdout
    assert "'bucket_name': 'yantai-pages', 'endpoint_url': 'https://oss.example.cn'" in options
    assert "'custom_domain': 'media.example.cn', 'querystring_auth': False" in bucket.stdout
