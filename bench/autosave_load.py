"""Load test: a lecture hall of learners autosaving at once against gunicorn on PostgreSQL.

Run with `make bench-autosave LEARNERS=200` (or `.venv/bin/python bench/autosave_load.py 200
[--workers 2 --threads 8 --duration 60]`). The server is started as `make serve` starts it:
``WORKERS`` gthread workers of ``THREADS`` threads each (README, Deployment). It:

1. re-creates its own database (``interviewprep_bench`` on 127.0.0.1:5432, or
   ``BENCH_DATABASE_URL``), migrates it and loads the question bank;
2. empties its Redis database (``BENCH_AUTOSAVE_REDIS_URL``, db 4 by default), which holds
   the cache and the sessions as in production; creates the learners (default 200), each with
   a running 6-question interview and a session;
3. starts gunicorn on a free loopback port with production settings (``DJANGO_DEBUG=0``,
   Redis), plain HTTP;
4. for ``DURATION`` seconds, each learner (a task of one asyncio loop) types into a random
   question and autosaves (PUT /api/interviews/{id}/answers/{q}/) every 0.3-1 s, and polls
   the clock endpoint every 15 s as the page does; at most ``MAX_REQUESTS`` requests per
   learner;
5. checks in the database that every answer holds the last text the server acknowledged
   (no lost answer) and that no request got a 5xx;
6. writes p50/p99 of the autosave request, against the baseline of one learner autosaving
   alone on the idle server in the same run, to bench/results/autosave-N.txt.

Everything stays on 127.0.0.1.
"""

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DURATION = 60.0
MAX_REQUESTS = 400
QUESTIONS = 6
HOST = "127.0.0.1"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/interviewprep_bench"
)
if urlparse(DATABASE_URL).hostname not in {"127.0.0.1", "localhost"}:
    sys.exit("The load test only runs against a loopback database.")

# Production keeps the cache and the sessions in Redis: so does the server here. This database
# number belongs to the load test alone; it is emptied at the start of every run.
REDIS_URL = os.environ.get("BENCH_AUTOSAVE_REDIS_URL", "redis://127.0.0.1:6379/4")
# The server must read the sessions this process writes: both sign with this key.
SECRET_KEY = "autosave-load-only-secret-key-never-used-in-production-" + "x" * 20

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
# This process only sets up data; the server runs with production settings (start_server).
os.environ["DJANGO_DEBUG"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
sys.path.insert(0, str(ROOT))


def recreate_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def process_cpu(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its children (gunicorn's workers), from
    /proc (0 where there is none)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Learner:
    """One learner's page: types into a random question, autosaves, polls the clock.

    Every learner runs as a task of one asyncio event loop. Threads (as before) made the
    clients queue for Python's GIL: a reply that had arrived waited up to a switch interval
    (5 ms) per runnable thread before its time was taken, which showed in the tail as if the
    server had been slow.
    """

    def __init__(self, port: int, cookie: str, csrf: str, attempt: int, questions: list[int]):
        self.port, self.cookie, self.csrf = port, cookie, csrf
        self.attempt, self.questions = attempt, questions
        self.rng = random.Random(attempt)
        self.save_ms: list[float] = []
        self.clock_ms: list[float] = []
        self.statuses: dict[int, int] = {}
        self.acknowledged: dict[int, str] = {}
        self.texts = dict.fromkeys(questions, "")
        self.duration = DURATION

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
        """One HTTP/1.1 request on a new connection, as the page's fetch() would send it."""
        payload = b"" if body is None else json.dumps(body).encode()
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            f"Cookie: {self.cookie}",
            "Accept: application/json",
            "Connection: close",
        ]
        if body is not None:
            head += [
                "Content-Type: application/json",
                f"X-CSRFToken: {self.csrf}",
                f"Content-Length: {len(payload)}",
            ]
        message = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, self.port), 30)
            try:
                writer.write(message)
                await writer.drain()
                reply = await asyncio.wait_for(reader.read(), 30)
            finally:
                writer.close()
            status = int(reply.split(b" ", 2)[1])
        except (OSError, TimeoutError, IndexError, ValueError):
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return status, elapsed

    async def run(self) -> None:
        end = time.monotonic() + self.duration
        # Pages are opened at different moments: their 15 s clock polls are spread out, and a
        # learner's first autosave comes after a first pause in typing, as every later one
        # does. (All 200 at the same instant measured the queue of that one burst: its last
        # requests were most of the run's p99.)
        next_clock = time.monotonic() + self.rng.uniform(0, 15)
        await asyncio.sleep(self.rng.uniform(0.3, 1.0))
        sent = 0
        while time.monotonic() < end and sent < MAX_REQUESTS:
            if time.monotonic() >= next_clock:
                status, ms = await self.request("GET", f"/interviews/{self.attempt}/clock/")
                self.clock_ms.append(ms)
                next_clock += 15
                sent += 1
            question = self.rng.choice(self.questions)
            self.texts[question] += self.rng.choice("注意力机制低秩矩阵检索增强KV cache ")
            text = self.texts[question]
            status, ms = await self.request(
                "PUT",
                f"/api/interviews/{self.attempt}/answers/{question}/",
                {"text": text, "seconds": 1},
            )
            sent += 1
            self.save_ms.append(ms)
            if status == 200:
                self.acknowledged[question] = text
            await asyncio.sleep(self.rng.uniform(0.3, 1.0))


async def run_all(learners: list[Learner]) -> None:
    await asyncio.gather(*(learner.run() for learner in learners))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("learners", nargs="?", type=int, default=200)
    parser.add_argument("--duration", type=float, default=DURATION, help="seconds of load")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "4")))
    args = parser.parse_args()
    if not 1 <= args.learners <= 2000:
        parser.error("learners: 1 to 2000")
    return args


def main() -> None:
    args = arguments()
    recreate_database()
    manage("migrate", "--no-input", "-v", "0")
    manage("load_bank", "-v", "0")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.middleware.csrf import _get_new_csrf_string  # type: ignore[attr-defined]

    from interviewprep.models import User
    from interviews import services
    from interviews.models import Answer

    empty_redis()
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    learners_data = []
    for i in range(args.learners):
        # No password: hashing one per learner was most of the set-up time.
        user = User.objects.create_user(f"bench{i}@example.com", None)
        attempt = services.start_attempt(
            user=user, criteria=services.Criteria(count=QUESTIONS, minutes=30)
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "interviewprep.backends.RoleAwareModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        csrf = _get_new_csrf_string()
        # The cookie names of production settings (interviewprep/settings.py).
        cookie = f"__Host-sessionid={session.session_key}; __Host-csrftoken={csrf}"
        questions = list(attempt.slots.values_list("question_id", flat=True))
        learners_data.append((cookie, csrf, attempt.pk, questions))
    connections.close_all()

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "interviewprep.wsgi",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            # As `make serve` runs it: production settings, plain HTTP on loopback.
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # A connection for every thread: a thread never waits for the pool.
            "DB_POOL_MAX": str(args.threads),
        },
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        learners = [Learner(port, *data) for data in learners_data]
        for learner in learners:
            learner.duration = args.duration
        # Baseline, same run: one learner alone, 50 sequential autosaves on an idle server.
        alone = Learner(port, *learners_data[0])
        baseline = []
        for i in range(50):
            status, ms = asyncio.run(
                alone.request(
                    "PUT",
                    f"/api/interviews/{alone.attempt}/answers/{alone.questions[0]}/",
                    {"text": f"baseline {i}"},
                )
            )
            if status != 200:
                sys.exit(f"baseline autosave failed with HTTP {status}")
            baseline.append(ms)
        started = time.perf_counter()
        client_cpu = time.process_time()
        server_cpu = process_cpu(server.pid)
        asyncio.run(run_all(learners))
        wall = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        server_cpu = process_cpu(server.pid) - server_cpu
    finally:
        server.terminate()
        server.wait(30)

    saves = [ms for learner in learners for ms in learner.save_ms]
    clocks = [ms for learner in learners for ms in learner.clock_ms]
    statuses: dict[int, int] = {}
    for learner in learners:
        for status, count in learner.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    lost = 0
    stored = {
        (a, q): text
        for a, q, text in Answer.objects.values_list("attempt_id", "question_id", "text")
    }
    for learner in learners:
        for question, text in learner.acknowledged.items():
            if stored.get((learner.attempt, question)) != text:
                lost += 1
    server_errors = sum(count for status, count in statuses.items() if status >= 500 or status == 0)
    p50, p99 = percentile(saves, 0.50), percentile(saves, 0.99)
    c50 = percentile(clocks, 0.50)
    b50 = percentile(baseline, 0.50)
    lines = [
        f"autosave load test: gunicorn {args.workers} gthread workers x {args.threads} threads, "
        "PostgreSQL, loopback",
        f"learners: {args.learners}, duration: {args.duration:.0f} s (wall {wall:.1f} s), "
        f"questions per interview: {QUESTIONS}",
        f"autosave requests: {len(saves)} ({len(saves) / wall:.1f}/s), clock polls: {len(clocks)}",
        f"HTTP statuses: {dict(sorted(statuses.items()))}",
        f"autosave latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"mean {statistics.fmean(saves):.1f} ms, max {max(saves):.1f} ms",
        f"baseline (same run, one learner alone on the idle server): autosave p50 {b50:.1f} ms; "
        f"under load p50 = {p50 / b50:.1f}x, p99 = {p99 / b50:.1f}x the baseline",
        f"clock GET under load: p50 {c50:.1f} ms, p99 {percentile(clocks, 0.99):.1f} ms",
        f"CPU during the load: gunicorn {server_cpu / wall:.0%} of one core, load generator "
        f"{client_cpu / wall:.0%} (PostgreSQL and Redis the rest of two)",
        f"answers acknowledged: {sum(len(lr.acknowledged) for lr in learners)}, "
        f"lost: {lost}, server errors: {server_errors}",
    ]
    p99_ok = p99 < 100
    lines.append(f"p99 under 100 ms: {'yes' if p99_ok else 'NO'}")
    out = ROOT / "bench" / "results" / f"autosave-{args.learners}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    if lost or server_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
