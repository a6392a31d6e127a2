"""Page benchmark on PostgreSQL with a 100,000-question bank: `make bench`.

    python bench/run_bench.py [--duration 10] [--connections 4] [--reload]

1. Creates and migrates the database ``perf_bench`` (BENCH_DATABASE_URL to change it).
2. Loads the generated bank (bench/generate_bank.py, in /tmp/bank100k) with
   ``manage.py load_bank``, timing the first load and a re-run; a database that already holds
   it is reused (the marker: a question imported from the generated notes) unless --reload.
3. Empties its Redis database (BENCH_REDIS_URL, db 3 by default), which holds the cache and
   the sessions as in production. Creates 10,000 learners in bulk (unusable passwords: no
   hashing); gives a few hundred of them a practice history (reviewed cards, some due now)
   and a running interview (started by the interviews service), clears the practice of a few
   dozen others (new learners, who start the bank from its first question), and logs both
   groups in by writing
   their sessions directly into the settings' session store (Redis in front of the
   database), where the server reads them.
4. Counts the SQL queries of each page once (Django test client, CaptureQueriesContext),
   sending the request as wrk will, CSRF checked: with nothing of the bank cached, or, for a
   scenario marked ``warm``, for the second of two requests.
5. Starts gunicorn (2 workers, production settings with REDIS_URL, plain HTTP on 127.0.0.1)
   and measures each scenario of bench/scenarios.json with wrk (Debian's package; installed
   with apt-get when missing) on loopback only, for a bounded time; then stops gunicorn. A
   ``warm`` scenario's distinct requests are each sent once before it is measured.

Figures go to bench/results/bench.txt and bench/results/bench.md (a table for the README).
Throughput is reported as a ratio to the trivial view's, measured again just before each page:
the machine's speed drifts within a run (the trivial view alone moved by 15% between two
4-second measurements a minute apart), and a page measured minutes after the baseline was
divided by another machine's speed.
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
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BANK = Path("/tmp/bank100k")  # noqa: S108
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perf_bench")
# Production keeps the cache and the sessions in Redis: so does the server here. This database
# number belongs to the benchmark alone; it is emptied at the start of every run.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
LEARNERS = 10_000
SESSIONS = 200
QUESTION_IDS = 2_000
# Practice state of each logged-in learner: reviewed cards, of which due now.
CARDS = 300
DUE = 40
# Learners logged in with no practice at the start of a run (a scenario's "learners": "new").
NEWCOMERS = 50
# The bench's running interviews end this far after a run starts (see ensure_attempts).
ATTEMPT_DEADLINE = timedelta(days=30)
# Concrete requests drawn per scenario (placeholders filled, a learner's cookies); wrk sends
# them in random order.
REQUESTS = 5_000
# The session and CSRF cookie names of production settings (interviewprep/settings.py).
SERVER_COOKIES = ("__Host-sessionid", "__Host-csrftoken")
PYTHON = sys.executable

os.environ["DATABASE_URL"] = DATABASE_URL
# Set before django.setup(): the sessions this process writes go to the server's session store.
os.environ["REDIS_URL"] = REDIS_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
# This process only sets up data and counts queries; the server runs with production settings.
os.environ["DJANGO_DEBUG"] = "1"
os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
# The server must read the sessions this process writes: both sign with this key.
SECRET_KEY = "bench-only-secret-key-never-used-in-production-" + "x" * 20
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
sys.path.insert(0, str(ROOT))


class Learner(NamedTuple):
    """A logged-in bench learner: what its requests carry."""

    session: str  # session key
    csrf: str  # CSRF secret, sent as the csrftoken cookie and the X-CSRFToken header
    attempt: int  # its running interview
    questions: list[int]  # that interview's questions


class Request(NamedTuple):
    """One request of a scenario, as wrk sends it."""

    path: str
    headers: dict[str, str]


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
    """What an operator runs after a bulk load (the bank, then the learners' cards, which
    every run replaces): the visibility map lets PostgreSQL count the visible questions from
    an index instead of reading the table, and the planner sees the cards as they are."""
    import psycopg

    log("VACUUM ANALYZE")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def ensure_learners() -> list:
    """10,000 learners; return the SESSIONS of them whom the clients log in as."""
    from django.contrib.auth.hashers import make_password

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
    users = list(learners.order_by("pk")[:LEARNERS])
    return random.Random(7).sample(users, SESSIONS)


def ensure_practice(users: list) -> None:
    """The practice state of ``users``, made afresh at each run because "due" is relative to
    now: CARDS reviewed cards each (random practicable questions), DUE of them due now, the
    others due within a month; the rest of the bank is new to them. Cards only: the practice
    queue does not read the review history.
    """
    from django.utils import timezone

    from questions.models import Question
    from quizzes.models import Card, CardState, Rating

    Card.objects.filter(user__in=users).delete()
    now = timezone.now()
    rng = random.Random(13)
    practicable = list(Question.objects.practicable().values_list("pk", "live_revision__number"))
    cards = []
    for user in users:
        for n, (question, revision) in enumerate(rng.sample(practicable, CARDS)):
            if n < DUE:
                due = now - timedelta(hours=rng.uniform(1, 72))
            else:
                due = now + timedelta(days=rng.uniform(0.1, 30))
            reviewed = min(due, now) - timedelta(days=rng.uniform(1, 30))
            first = reviewed - timedelta(days=rng.uniform(0, 60))
            rating = rng.choice([Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.GOOD, Rating.EASY])
            cards.append(
                Card(
                    user=user,
                    question_id=question,
                    state=CardState.REVIEW,
                    step=None,
                    # fsrs schedules the next review about `stability` days out.
                    stability=(due - reviewed).total_seconds() / 86400,
                    difficulty=rng.uniform(2, 9),
                    due=due,
                    last_review=reviewed,
                    reps=rng.randint(1, 8),
                    again_count=int(rating == Rating.AGAIN),
                    last_rating=rating,
                    seen_revision=revision,
                    first_reviewed_at=first,
                    created_at=first,
                )
            )
    Card.objects.bulk_create(cards, batch_size=5000)
    log(f"practice: {CARDS} reviewed cards for each of {len(users)} learners, {DUE} due now")


def ensure_newcomers(users: list) -> list:
    """NEWCOMERS learners other than ``users`` whose practice is cleared at each run: each
    starts the bank from its first question, and the cards that showing questions creates
    during the run are theirs alone."""
    from interviewprep.models import User
    from quizzes.models import Card, Review

    newcomers = list(
        User.objects.filter(email__endswith="@bench.invalid")
        .exclude(pk__in=[user.pk for user in users])
        .order_by("-pk")[:NEWCOMERS]
    )
    Review.objects.filter(user__in=newcomers).delete()
    Card.objects.filter(user__in=newcomers).delete()
    log(f"practice: {len(newcomers)} new learners without cards")
    return newcomers


def ensure_attempts(users: list) -> dict[int, tuple[int, list[int]]]:
    """A running interview for each of ``users``, started by the interviews service from the
    first template (a real draw of questions); one left running by an earlier run is reused.
    Returns ``{user id: (attempt id, its question ids)}``.
    """
    from django.utils import timezone

    from interviews import services
    from interviews.models import Attempt, AttemptQuestion, InterviewTemplate

    now = timezone.now()
    running = Attempt.objects.filter(
        user__in=users, state=Attempt.State.STARTED, deadline__gt=now + timedelta(days=1)
    )
    attempts = {attempt.user_id: attempt.pk for attempt in running}
    template = InterviewTemplate.objects.filter(is_active=True).first()
    started = [user for user in users if user.pk not in attempts]
    for user in started:
        attempts[user.pk] = services.start_attempt(user=user, template=template).pk
    log(f"interviews: {len(started)} started, {len(users) - len(started)} reused")
    # Templates last at most 4 hours and the database is reused from run to run; a save after
    # the deadline is refused (409) and would be measured as an error. So the bench moves the
    # deadline of its own attempts a month out: nothing in the run can reach it.
    Attempt.objects.filter(pk__in=attempts.values()).update(deadline=now + ATTEMPT_DEADLINE)
    questions: dict[int, list[int]] = {pk: [] for pk in attempts.values()}
    slots = AttemptQuestion.objects.filter(attempt__in=attempts.values())
    for attempt, question in slots.values_list("attempt_id", "question_id"):
        questions[attempt].append(question)
    return {user: (pk, questions[pk]) for user, pk in attempts.items()}


def log_in(users: list, attempts: dict[int, tuple[int, list[int]]]) -> list[Learner]:
    """A session for each of ``users`` in the settings' session store (Redis in front of the
    database), where the server reads it, and a CSRF secret."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    learners = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "interviewprep.backends.RoleAwareModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        # What the csrftoken cookie holds; Django accepts the unmasked secret in the header too.
        csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        learners.append(Learner(session.session_key, csrf, *attempts[user.pk]))
    return learners


def question_ids() -> tuple[list[int], list[int]]:
    """QUESTION_IDS of the visible questions drawn for the run, and all of them."""
    from questions.models import Question

    ids = list(Question.objects.visible().values_list("pk", flat=True))
    return random.Random(11).sample(ids, min(QUESTION_IDS, len(ids))), ids


def draw_requests(
    scenario: dict, groups: dict[str, list[Learner]], ids: list[int], all_ids: list[int]
) -> list[Request]:
    """REQUESTS requests of ``scenario``, its path's placeholders filled in at random.

    {question}: one of the QUESTION_IDS visible questions drawn for the run; {any_question}:
    any visible question (the run's requests seldom repeat one); {term}: one of the scenario's
    ``terms`` (so that no single cached answer serves a whole run). A logged-in request is
    one random learner's: its session and CSRF cookies, its CSRF header (``csrf``), its
    running interview ({attempt}) and one of that interview's questions ({attempt_question}).
    """
    rng = random.Random(scenario["name"])
    template = quote(scenario["path"], safe="/?=&{}")
    terms = [quote(term, safe="") for term in scenario.get("terms", [""])]
    drawn = []
    for _ in range(REQUESTS):
        headers = {}
        values = {
            "question": rng.choice(ids),
            "any_question": rng.choice(all_ids),
            "term": rng.choice(terms),
        }
        if "content_type" in scenario:
            headers["Content-Type"] = scenario["content_type"]
        if scenario.get("login"):
            learner = rng.choice(groups[scenario.get("learners", "practised")])
            session, csrf = SERVER_COOKIES
            headers["Cookie"] = f"{session}={learner.session}; {csrf}={learner.csrf}"
            if scenario.get("csrf"):
                headers["X-CSRFToken"] = learner.csrf
            if learner.questions:  # new learners have no interview
                values |= {
                    "attempt": learner.attempt,
                    "attempt_question": rng.choice(learner.questions),
                }
        drawn.append(Request(template.format(**values), headers))
    return drawn


def body_of(scenario: dict) -> str | None:
    """The scenario's request body: a string as written, anything else as JSON."""
    body = scenario.get("body")
    return body if body is None or isinstance(body, str) else json.dumps(body, ensure_ascii=False)


def count_queries(scenario: dict, request: Request) -> int:
    """The SQL queries of ``request``, sent as wrk sends it (Django's test client, checking
    CSRF as the server does)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from interviewprep import cache

    # Counted with nothing of the bank cached yet (the list page's sidebar, related questions,
    # question pages): the worst case; a warm scenario's page is counted when it is cached.
    # Only those are dropped: clearing the whole cache would drop the session too.
    cache.flush_bank()
    sends = 2 if scenario.get("warm") else 1
    for _ in range(sends):
        with CaptureQueriesContext(connection) as queries:
            response = Client(enforce_csrf_checks=True).generic(
                scenario.get("method", "GET"),
                request.path,
                body_of(scenario) or "",
                headers=request.headers,
            )
        assert response.status_code == 200, (scenario["name"], request, response.status_code)
    return len(queries)


def warm(port: int, requests: list[Request]) -> None:
    """Send each distinct request once (two at a time), as readers before the run would."""
    from concurrent.futures import ThreadPoolExecutor

    def send(request: Request) -> None:
        url = f"http://127.0.0.1:{port}{request.path}"
        with urllib.request.urlopen(urllib.request.Request(url, headers=request.headers)):
            pass

    distinct = list({request.path: request for request in requests}.values())
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(send, distinct))
    log(f"warmed {len(distinct)} pages in {time.perf_counter() - started:.0f} s")


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
-- The runner's requests ({path, headers}); each thread sends them in its own random order.
local method, body = %(method)s, %(body)s
local requests = {%(requests)s}
local formatted, threads = {}, {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end
init = function(args)
  math.randomseed(seed)
  for i, r in ipairs(requests) do formatted[i] = wrk.format(method, r[1], r[2], body) end
end
request = function()
  return formatted[math.random(#formatted)]
end
-- wrk's own error count misses redirects (to the login page, say): count every non-2xx here.
non2xx = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  local e, bad = summary.errors, 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%d, \\"p95\\": %%d, "
    .. "\\"p99\\": %%d, \\"errors\\": %%d, \\"non2xx\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, bad))
end
"""


def lua(value: object) -> str:
    """``value`` (a string, a list or a dict of them) as a Lua literal."""
    if isinstance(value, list):
        return "{" + ", ".join(lua(item) for item in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in value.items()) + "}"
    # A JSON string is a valid Lua string as long as it has no \u escape: ensure_ascii off.
    return json.dumps(value, ensure_ascii=False)


def measure(
    wrk: str, port: int, scenario: dict, requests: list[Request], args: argparse.Namespace
) -> dict:
    script = RESULTS / "scenario.lua.tmp"
    values = {
        "method": lua(scenario.get("method", "GET")),
        "body": lua(body_of(scenario)) if "body" in scenario else "nil",
        "requests": ", ".join(lua([r.path, r.headers]) for r in requests),
    }
    script.write_text(LUA % values, encoding="utf-8")
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
        raise SystemExit(f"wrk printed no result:\n{output}")
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
    adjacent = [r["baseline_rps"] for r in results.values() if "baseline_rps" in r]
    lines = [*header, ""]
    table = [
        "| page | req/s | vs trivial | p50 ms | p95 ms | p99 ms | SQL queries | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    misses, failed = [], []
    for scenario in scenarios:
        name = scenario["name"]
        r = results[name]
        ratio = r["rps"] / r.get("baseline_rps", base_rps)
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
        if "queries_max" in targets:
            ok = queries[name] <= targets["queries_max"]
            checks.append(f"{'met' if ok else 'MISSED'}: ≤ {targets['queries_max']} queries")
            ok or misses.append(name)
        errors = r["errors"] + r["non2xx"]
        if errors:
            failed.append(f"{name} ({r['non2xx']} non-2xx responses, {r['errors']} socket errors)")
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
        "Each page's ratio is to the trivial view measured just before it"
        + (f" ({min(adjacent):.0f}-{max(adjacent):.0f} req/s in this run)." if adjacent else "."),
        "Misses: " + (", ".join(misses) if misses else "none"),
        "Errors (such a page's figures measure the wrong thing): "
        + (", ".join(failed) if failed else "none"),
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
    scenarios = [
        scenario
        for scenario in json.loads((ROOT / "bench" / "scenarios.json").read_text("utf-8"))[
            "scenarios"
        ]
        if not args.only or args.only in scenario["name"] or scenario.get("baseline")
    ]

    wrk = ensure_wrk()
    ensure_database()
    manage("migrate", "--no-input", "-v0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache

    # The server runs with production settings, whose cookies carry the __Host- prefix: the
    # requests counted here (and sent by wrk) use the same names.
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = SERVER_COOKIES

    log(f"emptying {REDIS_URL} (cache and sessions of earlier runs)")
    cache.clear()  # FLUSHDB: this Redis database number only
    header = [
        f"database: {urlsplit(DATABASE_URL).path.lstrip('/')}; cache and sessions: {REDIS_URL}"
    ]
    header += load_bank(args.reload)
    manage("load_interview_templates")
    from questions.models import Question

    header.append(
        f"bank: {Question.objects.count()} questions and notes "
        f"({Question.objects.visible().count()} visible)"
    )
    users = ensure_learners()
    ensure_practice(users)
    learners = log_in(users, ensure_attempts(users))
    newcomers = ensure_newcomers(users)
    new_learners = log_in(newcomers, {user.pk: (0, []) for user in newcomers})
    vacuum()
    header.append(
        f"learners: {LEARNERS}; {len(learners)} logged-in sessions used by the clients, "
        f"and {len(new_learners)} of new learners"
    )
    ids, all_ids = question_ids()
    groups = {"practised": learners, "new": new_learners}
    requests = {s["name"]: draw_requests(s, groups, ids, all_ids) for s in scenarios}
    queries = {s["name"]: count_queries(s, requests[s["name"]][0]) for s in scenarios}
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
    baseline = next(s for s in scenarios if s.get("baseline"))
    try:
        for scenario in scenarios:
            name = scenario["name"]
            if scenario.get("warm"):
                warm(port, requests[name])
            adjacent = None
            if scenario is not baseline:
                # The machine's speed drifts within a run: each page is divided by the
                # trivial view measured just before it.
                log(f"measuring {baseline['name']} for {args.duration} s (before {name})")
                adjacent = measure(wrk, port, baseline, requests[baseline["name"]], args)
            log(f"measuring {name} for {args.duration} s")
            results[name] = measure(wrk, port, scenario, requests[name], args)
            if adjacent is not None:
                results[name]["baseline_rps"] = adjacent["rps"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log("gunicorn stopped")
    text = report(results, scenarios, queries, header, args)
    (RESULTS / "bench.txt").write_text(text, encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("|")]
    (RESULTS / "bench.md").write_text("\n".join(table) + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
