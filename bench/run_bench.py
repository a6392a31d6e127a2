"""Page benchmark on PostgreSQL with a 100,000-question bank: `make bench`.

    python bench/run_bench.py [--duration 10] [--connections 4] [--reload]

1. Creates and migrates the database ``perf_bench`` (BENCH_DATABASE_URL to change it).
2. Loads the generated bank (bench/generate_bank.py, in /tmp/bank100k) with
   ``manage.py load_bank``, timing the first load and a re-run; a database that already holds
   it is reused (the marker: a question imported from the generated notes) unless --reload.
3. Creates 10,000 learners in bulk (unusable passwords: no hashing) and logs a few hundred of
   them in by writing their sessions directly.
4. Counts the SQL queries of each page once (Django test client, CaptureQueriesContext).
5. Starts gunicorn (2 workers, production settings, plain HTTP on 127.0.0.1) and measures each
   scenario of bench/scenarios.json with wrk (Debian's package; installed with apt-get when
   missing) on loopback only, for a bounded time; then stops gunicorn.

Figures go to bench/results/bench.txt and bench/results/bench.md (a table for the README).
Throughput is reported as a ratio to the trivial view's in the same run.
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BANK = Path("/tmp/bank100k")  # noqa: S108
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perf_bench")
LEARNERS = 10_000
SESSIONS = 200
QUESTION_IDS = 2_000
PYTHON = sys.executable

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
# This process only sets up data and counts queries; the server runs with production settings.
os.environ["DJANGO_DEBUG"] = "1"
os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
# The server must read the sessions this process writes: both sign with this key.
SECRET_KEY = "bench-only-secret-key-never-used-in-production-" + "x" * 20
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def manage(*args: str, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True, env=env)
    return time.perf_counter() - started


def ensure_database() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        log(f"load generator: {found}")
        return found
    log("wrk is missing: installing Debian's package (apt-get install -y wrk)")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def load_bank(reload: bool) -> list[str]:
    """Load the generated bank unless it is there; return lines for the report."""
    from questions.models import Question

    if not (BANK / "taxonomy.json").exists():
        log(f"generating the bank in {BANK}")
        subprocess.run([PYTHON, "bench/generate_bank.py", "--out", str(BANK)], cwd=ROOT, check=True)
    first_note = sorted(BANK.glob("*.txt"))[0].name
    loaded = Question.objects.filter(import_key__startswith=f"{first_note}:").exists()
    if loaded and not reload:
        log("the generated bank is already loaded: reusing it (--reload to load it again)")
        return ["bank: reused from an earlier run (load times in bench/results/load_100k.txt)"]
    if reload:
        log("emptying the database for a fresh load")
        manage("flush", "--no-input")
    log("loading the bank (first load)")
    first = manage("load_bank", "--fixtures", str(BANK))
    log("loading it again (re-run)")
    second = manage("load_bank", "--fixtures", str(BANK))
    lines = [
        f"first load of the 100k bank: {first:.1f} s",
        f"re-run (nothing changed): {second:.1f} s ({second / first:.0%} of the first load)",
    ]
    (RESULTS / "load_100k.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def vacuum() -> None:
    """What an operator runs after a bulk load: the visibility map lets PostgreSQL count the
    visible questions from an index instead of reading the table."""
    import psycopg

    log("VACUUM ANALYZE")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def ensure_learners() -> list[str]:
    """10,000 learners and SESSIONS logged-in sessions; return session keys."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from interviewprep.models import User

    learners = User.objects.filter(email__endswith="@bench.invalid")
    missing = LEARNERS - learners.count()
    if missing > 0:
        start = learners.count()
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"learner{n}@bench.invalid",
                    display_name=f"Learner {n}",
                    password=unusable,
                )
                for n in range(start, start + missing)
            ],
            batch_size=2000,
        )
        log(f"created {missing} learners")
    keys = []
    rng = random.Random(7)
    users = list(learners.order_by("pk")[:LEARNERS])
    for user in rng.sample(users, SESSIONS):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def question_ids() -> list[int]:
    from questions.models import Question

    ids = list(Question.objects.visible().values_list("pk", flat=True))
    return random.Random(11).sample(ids, min(QUESTION_IDS, len(ids)))


def count_queries(scenarios: list[dict], question: int, user_email: str) -> dict[str, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from interviewprep.models import User

    client = Client()
    client.force_login(User.objects.get(email=user_email))
    counts = {}
    for scenario in scenarios:
        path = scenario["path"].replace("{question}", str(question))
        anonymous = Client()
        cache.clear()  # counted with the list page's sidebar not cached yet: the worst case
        with CaptureQueriesContext(connection) as queries:
            response = (client if scenario.get("login") else anonymous).get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[scenario["name"]] = len(queries)
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to https.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "interviewprep.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


LUA = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local ids = {%(ids)s}
local n = 0
request = function()
  n = n + 1
  local path = paths[1]:gsub("{question}", ids[math.random(#ids)])
  local headers = {}
  if #cookies > 0 then headers["Cookie"] = cookies[math.random(#cookies)] end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%d, \\"p95\\": %%d, "
    .. "\\"p99\\": %%d, \\"errors\\": %%d, \\"non2xx\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def lua_list(items: list[str]) -> str:
    return ", ".join(json.dumps(item, ensure_ascii=False) for item in items)


def measure(
    wrk: str,
    port: int,
    scenario: dict,
    cookies: list[str],
    ids: list[int],
    args: argparse.Namespace,
) -> dict:
    path = quote(scenario["path"], safe="/?=&{}")
    script = RESULTS / "scenario.lua.tmp"
    script.write_text(
        LUA
        % {
            "paths": lua_list([path]),
            "cookies": lua_list([f"sessionid={key}" for key in cookies])
            if scenario.get("login")
            else "",
            "ids": lua_list([str(i) for i in ids]),
        },
        encoding="utf-8",
    )
    command = [
        wrk,
        "-t2",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    # Warm-up: caches, pools and lazily imported modules of both workers.
    subprocess.run([*command[:3], "-d2s", *command[4:]], capture_output=True, check=True)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^RESULT (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result for {scenario['name']}:\n{output}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    script.unlink()
    return result


def report(
    results: dict[str, dict],
    scenarios: list[dict],
    queries: dict[str, int],
    header: list[str],
    args: argparse.Namespace,
) -> str:
    baseline = next(s["name"] for s in scenarios if s.get("baseline"))
    base_rps = results[baseline]["rps"]
    lines = [*header, ""]
    table = [
        "| page | req/s | vs trivial | p50 ms | p95 ms | p99 ms | SQL queries | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    misses = []
    for scenario in scenarios:
        name = scenario["name"]
        r = results[name]
        ratio = r["rps"] / base_rps
        checks = []
        targets = scenario.get("targets", {})
        if "ratio_min" in targets:
            ok = ratio >= targets["ratio_min"]
            checks.append(f"{'met' if ok else 'MISSED'}: ≥ {targets['ratio_min']:.0%} of trivial")
            ok or misses.append(name)
        if "p95_ms_max" in targets:
            ok = r["p95"] / 1000 < targets["p95_ms_max"]
            checks.append(f"{'met' if ok else 'MISSED'}: p95 < {targets['p95_ms_max']} ms")
            ok or misses.append(name)
        errors = r["errors"] + r["non2xx"]
        table.append(
            f"| {name} | {r['rps']:.0f} | {ratio:.0%} | {r['p50'] / 1000:.1f} | "
            f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {queries[name]} | "
            f"{'; '.join(checks) or '-'}{f' ({errors} errors)' if errors else ''} |"
        )
    lines += table
    lines += [
        "",
        f"wrk -t2 -c{args.connections} -d{args.duration}s per page (after a 2 s warm-up), "
        "gunicorn -w 2 (sync workers), PostgreSQL 15, all on one 2-core machine over loopback.",
        "Misses: " + (", ".join(misses) if misses else "none"),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (max 60)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--reload", action="store_true", help="load the bank again")
    parser.add_argument("--only", help="measure only scenarios whose name contains this")
    args = parser.parse_args()
    args.duration = min(max(args.duration, 1), 60)
    RESULTS.mkdir(parents=True, exist_ok=True)
    scenarios = json.loads((ROOT / "bench" / "scenarios.json").read_text("utf-8"))["scenarios"]

    wrk = ensure_wrk()
    ensure_database()
    manage("migrate", "--no-input", "-v0")
    import django

    django.setup()
    header = [f"database: {urlsplit(DATABASE_URL).path.lstrip('/')}"]
    header += load_bank(args.reload)
    vacuum()
    from questions.models import Question

    header.append(
        f"bank: {Question.objects.count()} questions and notes "
        f"({Question.objects.visible().count()} visible)"
    )
    cookies = ensure_learners()
    header.append(f"learners: {LEARNERS}; {len(cookies)} logged-in sessions used by the clients")
    ids = question_ids()
    queries = count_queries(scenarios, ids[0], "learner0@bench.invalid")
    from django.db import connections

    connections.close_all()
    manage(
        "collectstatic",
        "--no-input",
        "-v0",
        env={
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-collectstatic-" + "x" * 40,
        },
    )

    port = free_port()
    log(f"starting gunicorn on 127.0.0.1:{port}")
    server = start_gunicorn(port)
    results = {}
    try:
        for scenario in scenarios:
            if args.only and args.only not in scenario["name"] and not scenario.get("baseline"):
                continue
            log(f"measuring {scenario['name']} for {args.duration} s")
            results[scenario["name"]] = measure(wrk, port, scenario, cookies, ids, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log("gunicorn stopped")
    measured = [s for s in scenarios if s["name"] in results]
    text = report(results, measured, queries, header, args)
    (RESULTS / "bench.txt").write_text(text, encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("|")]
    (RESULTS / "bench.md").write_text("\n".join(table) + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
