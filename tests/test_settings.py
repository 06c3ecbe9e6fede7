import os
import subprocess
import sys
from pathlib import Path

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
