"""Production configuration, logs, and backup/restore."""

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from questions.models import EditorialFlag, Question, QuestionRevision, QuestionSource
from questions.search import backends as search

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7Hq2-not-a-real-secret-but-long-and-random-enough-for-check-deploy-9fK",
    "DJANGO_ALLOWED_HOSTS": "interviewprep.example.com",
    "EMAIL_HOST": "smtp.example.com",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "TASKS_BACKEND": "database",
}


def run_django(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_production_settings():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_refuse_a_per_process_cache_with_several_workers():
    """Without Redis, a second worker would keep a revoked role or a deactivated account
    signed in from its own memory for up to USER_TIMEOUT."""
    alone = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        {**alone, "WEB_CONCURRENCY": "2"},
    )
    assert result.returncode == 1
    assert "interviewprep.E001" in result.stderr
    # With Redis, or with one worker, the same settings pass.
    for env in ({**PRODUCTION_ENV, "WEB_CONCURRENCY": "2"}, {**alone, "WEB_CONCURRENCY": "1"}):
        result = run_django(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], env)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_shared_cache_check_names_sessions_kept_per_process(settings):
    from interviewprep.cache import check_shared_cache

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.WEB_CONCURRENCY = 3
    assert [error.id for error in check_shared_cache()] == [
        "interviewprep.E001",
        "interviewprep.E002",
    ]
    settings.WEB_CONCURRENCY = 1
    assert check_shared_cache() == []


HOST_COOKIES_CHECK = """
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

# The page's static URLs need no collected manifest for this check.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client(secure=True, headers={
        "host": "interviewprep.example.com", "x-forwarded-proto": "https"}).get("/accounts/login/")
cookie = response.cookies[settings.CSRF_COOKIE_NAME]
print(settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_DOMAIN,
      settings.SESSION_COOKIE_PATH, settings.SESSION_COOKIE_SECURE)
print(response.status_code, cookie.key, cookie["secure"], cookie["path"], repr(cookie["domain"]))
"""


def test_production_cookies_carry_the_host_prefix():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "interviewprep.settings"}
    result = run_django(["-c", HOST_COOKIES_CHECK], env)
    assert result.returncode == 0, result.stderr
    session, csrf = result.stdout.splitlines()[-2:]
    assert session == "__Host-sessionid None / True"
    assert csrf == "200 __Host-csrftoken True / ''"


def test_secret_key_is_required_when_not_debugging():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_django(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_logs_are_json_lines():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('interviewprep').warning('attempt %s expired', 7)"
    )
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "interviewprep.settings"}
    result = run_django(["-c", code], env)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["level"] == "WARNING"
    assert record["logger"] == "interviewprep"
    assert record["message"] == "attempt 7 expired"


def _to_milliseconds(rows) -> list[dict]:
    # Django's JSON serialiser keeps datetimes to the millisecond, by design.
    return [
        {
            k: v.replace(microsecond=v.microsecond // 1000 * 1000) if isinstance(v, datetime) else v
            for k, v in row.items()
        }
        for row in rows
    ]


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(loaded_bank, tmp_path):
    backup = tmp_path / "backup.json"
    before = {
        "questions": _to_milliseconds(Question.objects.order_by("pk").values()),
        "sources": QuestionSource.objects.count(),
        "revisions": list(QuestionRevision.objects.order_by("pk").values_list("pk", "body_html")),
        "flags": list(EditorialFlag.objects.order_by("pk").values_list("pk", "status")),
        "tags": set(Question.tags.through.objects.values_list("question", "tag")),
    }

    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--exclude=admin.logentry",
        f"--output={backup}",
        verbosity=0,
    )
    call_command("flush", "--no-input", verbosity=0)
    assert not Question.objects.exists()
    call_command("loaddata", str(backup), verbosity=0)

    after = {
        "questions": _to_milliseconds(Question.objects.order_by("pk").values()),
        "sources": QuestionSource.objects.count(),
        "revisions": list(QuestionRevision.objects.order_by("pk").values_list("pk", "body_html")),
        "flags": list(EditorialFlag.objects.order_by("pk").values_list("pk", "status")),
        "tags": set(Question.tags.through.objects.values_list("question", "tag")),
    }
    for a, b in zip(after["questions"], before["questions"], strict=True):
        assert a == b, {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert after == before
    # The search index follows the restored rows.
    found = search.search_questions(Question.objects.all(), "幻觉")
    assert "什么是大模型幻觉？" in [q.title for q in found]


def test_passwords_are_hashed_with_argon2_in_production():
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
        "print(make_password('correct horse battery staple'))"
    )
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "interviewprep.settings"}
    result = run_django(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_postgresql_scans_start_at_the_first_row():
    """A search ranks the first matches a scan finds; synchronised scans (PostgreSQL's default)
    would let the same search rank other candidates on the next request."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_postgresql_prepares_the_statements_a_connection_repeats():
    """Parameters are bound by the server, and a statement run five times on a connection is
    prepared there: planning is skipped from then on (the user's row: 0.24 -> 0.12 ms)."""
    from django.db import connection

    from interviewprep.backends import _read_user
    from tests.factories import UserFactory

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    user = UserFactory()
    for _ in range(6):
        assert _read_user(user.pk) == user
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("FROM interviewprep_user u" in statement for statement in prepared)


def test_manage_py_without_settings_says_what_to_do_in_one_line():
    """The README's `manage.py` commands, run without DJANGO_DEBUG or production's variables:
    a clear message naming the fix, not a traceback."""
    result = run_django(["manage.py", "createsuperuser", "--no-input"], {})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr
    assert "make createsuperuser" in result.stderr


def test_the_readme_backup_commands_are_make_targets():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("createsuperuser", "backup", "restore"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile


@pytest.mark.parametrize(("pool_max", "pool"), [("1", "1 1"), ("8", "2 8")])
def test_a_worker_of_one_thread_gets_a_pool_of_one_connection(pool_max, pool):
    """``DB_POOL_MAX`` follows the threads of a worker; one thread keeps one connection open
    (a minimum above the maximum made every request fail)."""
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "p = settings.DATABASES['default']['OPTIONS']['pool']; "
        "print(p['min_size'], p['max_size'])"
    )
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "DB_POOL_MAX": pool_max,
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
    }
    result = run_django(["-c", script], env)
    assert result.stdout.split("\n")[-2] == pool, result.stdout + result.stderr
