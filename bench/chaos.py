"""`make chaos`: the real stack under faults, one table row per fault of what became of the work orders.

scripts/chaos.sh provisions a PostgreSQL and a Redis of their own (scripts/lib.sh with
GOVPORTAL_LOCAL=.local/chaos and ports 54391 / 56391: the faults stop them, so never the shared
ones) and runs this with govportal.settings.chaos. It

1. creates the database govportal_chaos afresh (PostGIS), migrates it, loads the demo city;
2. starts the stack as scripts/run.sh does — gunicorn (3 sync workers), one Celery worker (queues
   celery, routing, sweeps, notifications; concurrency 2) and beat (DatabaseScheduler) — each in a
   process group of its own, its PostgreSQL connections named chaos-web, chaos-worker, chaos-beat,
   and restarts any of them RESTART_DELAY after it exits, as docker-compose.yml's restart policy does;
3. takes an API token as the demo grid worker and a page session as the demo leader;
4. runs the faults one after another (Chaos, in main()'s order). Client threads POST work orders to
   /api/v1/tickets/, each with its own Idempotency-Key, and send a request again with the same key
   while it gets no answer, a 5xx or a 503 (after its Retry-After); a prober asks an API list and a
   page (with the session) every PROBE_EVERY seconds;
5. prints one markdown table and exits 1 if a row lost or duplicated anything, left an accepted
   ticket unrouted or an overdue one unhandled, or answered a 5xx other than a well-formed 503.

The columns:
- submitted: idempotency keys sent; accepted: keys answered 201/200 with a ticket;
- routed: accepted tickets given to their first unit by the end of the phase;
- escalated: tickets whose due_at the phase moved into the past (SQL), handled by the sweep
  (escalated or marked overdue) / how many were moved;
- lost: accepted tickets absent from the database, plus keys never accepted;
- duplicated: keys with two tickets (in the database, or two ids answered), tickets routed twice,
  tickets handled twice for their one missed deadline;
- 503: answers 503 with Retry-After (JSON under /api/, a page otherwise); other 5xx: every other
  5xx answer, a 503 without those included;
- up again: fault end → the prober's first success, when the web failed during the fault;
  caught up: fault end → the last ticket already waiting at fault end routed (the sweep faults:
  the last overdue ticket handled).
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIB = ROOT / "scripts/lib.sh"
SHARED_PORTS = {"GOVPORTAL_PG_PORT": "54329", "GOVPORTAL_REDIS_PORT": "56379"}  # make run's and make test's

USERNAME, LEADER, PASSWORD = "demo_gridworker", "demo_leader", "Demo-2026!"
CATEGORY = "0102"  # 乱堆放: the community committee accepts it first, the street office is its superior
WEB_PORT = 8739
CLIENT_THREADS = 3
CLIENT_PAUSE = 0.25  # seconds between one client's submissions: about 10 work orders a second in all
RETRY_FOR = 120.0  # seconds a client keeps sending one work order again before it gives up
PROBE_EVERY = 0.25
REDIS_DOWN = 30.0
POSTGRES_DOWN = 10.0
RESTART_DELAY = 1.0  # seconds from a worker's death to its replacement's launch (a supervisor's restart)
BACKLOG = 1000  # work orders waiting when the worker is killed mid-routing
BATCH = 100
SETTLE_TIMEOUT = 150.0  # seconds for the routing or the sweep to catch up after a fault (beat runs each minute)
WORKER_QUEUES = "celery,routing,sweeps,notifications"
# The faults by name, in the order they run (the Chaos method of each); `--faults` picks some.
FAULTS = {"baseline": "baseline", "redis": "redis_stopped", "kill-routing": "worker_killed_routing",
          "kill-pool": "pool_killed_routing", "kill-sweep": "worker_killed_sweep", "pg-fast": "postgres_fast",
          "pg-immediate": "postgres_immediate", "beat-twice": "beat_twice", "retried": "posts_retried"}
WORKER_READY = r"chaos@\S+ ready\."
SWEEP_SENT = r"Sending due task escalate-overdue-work-orders"
SWEEP_DONE = re.compile(r"^\[(\S+ \S+): INFO/\S+\] Task incidents\.tasks\.escalate_overdue\[\S+\] "
                        r"succeeded in ([\d.]+)s", re.MULTILINE)
ROUTING_SQL = r"incidents_routingrequest|dispatcher_unit_id = v\.dispatcher"
SWEEP_SQL = r"FOR UPDATE OF t SKIP LOCKED|overdue_count = t\.overdue_count \+ 1|incidents_ticketevent \(ticket_id"


def refuse_foreign_stack():
    """Exit unless scripts/chaos.sh set up this run's own servers: the faults stop whatever the ports name."""
    local = Path(os.environ.get("GOVPORTAL_LOCAL", ""))
    shared = [name for name, port in SHARED_PORTS.items() if os.environ.get(name, port) == port]
    if local.name != "chaos" or shared or os.environ.get("DJANGO_SETTINGS_MODULE") != "govportal.settings.chaos":
        sys.exit("error: run `make chaos` (scripts/chaos.sh): the faults stop PostgreSQL and Redis, "
                 "and only the stack it provisions is this tool's own")
    return local


# --- the servers: PostgreSQL and Redis through scripts/lib.sh, the rest as process groups -----------


def lib(function, *args):
    """Run a function of scripts/lib.sh (the provisioning of make chaos) on this stack's servers."""
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    subprocess.run(["bash", "-c", 'source "$0" && "$@"', str(LIB), function, *args],
                   env=env, check=True, stdout=subprocess.DEVNULL)


class Process:
    """One process of the stack, in a process group of its own (so a kill takes its children too).

    While it is wanted, the stack's supervisor starts it again RESTART_DELAY after it exits.
    """

    def __init__(self, name, command, log_dir):
        self.name, self.command, self.log = name, command, log_dir / f"chaos-{name}.log"
        self.popen, self.wanted, self.lock = None, False, threading.Lock()
        self.started_at, self.offset = None, 0  # the latest start, and where its log lines begin
        self.exits = []  # (time, status) of each exit the supervisor restarted it after

    def start(self):
        with self.lock:
            self.offset = self.log.stat().st_size if self.log.exists() else 0
            env = {**os.environ, "PGAPPNAME": f"chaos-{self.name.split('-')[0]}", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
            with open(self.log, "ab") as log:
                self.popen = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True)
            self.wanted, self.started_at = True, time.time()

    def kill(self):
        """SIGKILL the whole group: no shutdown, no acknowledgement, no rollback by the process itself."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def kill_children(self):
        """SIGKILL the main process's children (a worker's pool processes); return how many."""
        children = [pid for pid in map(int, Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
                                       .read_text().split())]
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        return len(children)

    def stop(self):
        """SIGTERM the group and wait (a worker finishes its tasks), SIGKILL after 30 s; no restart."""
        with self.lock:
            self.wanted = False
            if self.popen is None or self.popen.poll() is not None:
                return
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart_if_exited(self):
        """The supervisor's check: start the process again RESTART_DELAY after it exited while wanted."""
        if not self.wanted or self.popen.poll() is None:
            return
        self.exits.append((time.time(), self.popen.returncode))
        time.sleep(RESTART_DELAY)
        if self.wanted:
            self.start()

    def log_since(self, offset):
        with open(self.log, "rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def wait_for_log(self, pattern, offset=None, timeout=90):
        """Return once the log has a line matching `pattern` after `offset` (default: the latest start)."""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.log_since(self.offset if offset is None else offset)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: no {pattern!r} within {timeout} s; see {self.log}")
            time.sleep(0.1)


class Stack:
    """gunicorn, the Celery worker and beat as scripts/run.sh starts them (a second beat on demand),
    supervised as docker-compose.yml runs them (restart: unless-stopped)."""

    def __init__(self, log_dir):
        bin_ = ROOT / ".venv/bin"
        self.web = Process("web", [
            str(bin_ / "gunicorn"), "govportal.wsgi:application", "--config", "python:govportal.gunicorn_conf",
            "--bind", f"127.0.0.1:{WEB_PORT}", "--workers", "3", "--error-logfile", "-"], log_dir)
        self.worker = Process("worker", [
            str(bin_ / "celery"), "-A", "govportal", "worker", "-Q", WORKER_QUEUES, "--concurrency", "2",
            "--loglevel", "INFO", "--hostname", "chaos@%h"], log_dir)
        beat = [str(bin_ / "celery"), "-A", "govportal", "beat", "--loglevel", "INFO", "--pidfile=",
                "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
        self.beats = [Process("beat-1", beat, log_dir), Process("beat-2", beat, log_dir)]
        self.processes = [self.web, self.worker, *self.beats]
        self.stopping = threading.Event()
        self.supervisor = threading.Thread(target=self.supervise, name="supervisor", daemon=True)

    def start(self):
        self.web.start()
        self.worker.start()
        self.beats[0].start()
        self.supervisor.start()
        self.worker.wait_for_log(WORKER_READY)
        wait_until(lambda: http_answers("/api/v1/locate"), timeout=60, what="gunicorn answering")

    def supervise(self):
        while not self.stopping.wait(0.1):
            for process in self.processes:
                process.restart_if_exited()

    def restarted(self, process, after):
        """Return when the supervisor started `process` again after the time `after`."""
        wait_until(lambda: process.started_at > after, timeout=30, what=f"{process.name} restarted")
        return process.started_at

    def stop(self):
        self.stopping.set()
        self.supervisor.join()
        for process in self.processes:
            process.stop()


def wait_until(condition, *, timeout, what, every=0.1):
    """Return the time (time.time()) at which `condition()` first held; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)
    return time.time()


# --- the database ------------------------------------------------------------------------------


def database_create():
    """Create govportal_chaos afresh with PostGIS and pg_trgm; return its name."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    connect = {"host": db.get("HOST") or "127.0.0.1", "port": int(db.get("PORT") or 5432),
               "user": db.get("USER") or None, "password": db.get("PASSWORD") or None, "autocommit": True}
    name = psycopg.sql.Identifier(db["NAME"])
    with psycopg.connect(dbname="postgres", **connect) as conn:
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(name))
    with psycopg.connect(dbname=db["NAME"], **connect) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return db["NAME"]


def query(sql, params=()):
    """Return the rows of `sql` on a working connection (a fault may have broken the previous one)."""
    from django.db import close_old_connections, connection

    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def overdue_handled(phase):
    """Return {ticket id: its overdue events within the phase} of the tickets `phase` made overdue."""
    rows = query("SELECT ticket_id, count(*) FROM incidents_ticketevent WHERE ticket_id = ANY(%s) "
                 "AND action IN ('overdue', 'overdue_escalate') AND created_at BETWEEN to_timestamp(%s) "
                 "AND to_timestamp(%s) GROUP BY ticket_id",
                 [phase.overdue, phase.overdue_at, phase.ended or time.time()])
    return dict(rows)


def transaction_seen(pattern, *, timeout):
    """Return once a chaos-worker connection is inside a transaction whose statement matches `pattern`."""
    from django.db import connection

    query("SELECT 1")
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'chaos-worker' "
                           "AND xact_start IS NOT NULL AND query ~ %s", [pattern])
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.003)
    return False


def sweep_runs(worker_log):
    """Return (start, end) of each escalation sweep a worker log records, in seconds of its clock."""
    runs = []
    for stamp, duration in SWEEP_DONE.findall(worker_log):
        end = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
        runs.append((end - float(duration), end))
    return runs


def overlapping(runs):
    """Return how many pairs of the (start, end) runs overlap in time."""
    return sum(1 for i, (start, end) in enumerate(runs) for other_start, other_end in runs[i + 1:]
               if start < other_end and other_start < end)


# --- HTTP --------------------------------------------------------------------------------------


@dataclass
class Answer:
    at: float
    status: int  # 0: no answer (connection refused or reset)
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def request(method, path, *, headers=None, body=None, timeout=35):
    """Send one request on a new connection; an Answer with status 0 when none came."""
    connection = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=timeout)
    headers = {"Host": "127.0.0.1", **(headers or {})}
    if body is not None:
        body, headers["Content-Type"] = json.dumps(body), "application/json"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(time.time(), response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    except (OSError, http.client.HTTPException):
        return Answer(time.time(), 0, {}, b"")
    finally:
        connection.close()


def http_answers(path):
    return request("GET", path, timeout=5).status != 0


def well_formed_503(answer, *, api):
    """Return whether a 503 says when to come back and speaks the client's format."""
    if answer.status != 503 or not answer.headers.get("retry-after", "").isdigit():
        return False
    if not api:
        return answer.headers.get("content-type", "").startswith("text/html")
    try:
        return bool(answer.json().get("message"))
    except ValueError:
        return False


class Log:
    """Every answer of the run (clients and prober), by time: what each phase counts in its window."""

    def __init__(self):
        self.lock, self.entries = threading.Lock(), []  # (time, source, status, well-formed 503)

    def add(self, source, answer, *, api=True):
        with self.lock:
            self.entries.append((answer.at, source, answer.status, well_formed_503(answer, api=api)))

    def between(self, start, end):
        with self.lock:
            return [entry for entry in self.entries if start <= entry[0] <= end]


class Prober(threading.Thread):
    """Asks an API list (token) and a page (session) every PROBE_EVERY seconds until stopped."""

    def __init__(self, log, token, session):
        super().__init__(name="prober", daemon=True)
        self.log, self.stopped = log, threading.Event()
        self.api_headers = {"Authorization": f"Token {token}"}
        self.page_headers = {"Cookie": f"sessionid={session}", "Accept-Language": "zh-hans"}

    def run(self):
        while not self.stopped.wait(PROBE_EVERY):
            self.log.add("probe-api", request("GET", "/api/v1/categories/", headers=self.api_headers, timeout=10))
            self.log.add("probe-page", request("GET", "/privacy/", headers=self.page_headers, timeout=10), api=False)


# --- the clients -------------------------------------------------------------------------------


@dataclass
class Submission:
    """One work order a client means to report, under one idempotency key, however often it is sent."""

    key: str
    body: dict
    sent_at: float = field(default_factory=time.time)
    ids: set = field(default_factory=set)  # every ticket id answered for the key: more than one is a duplicate


class Client:
    """Sends work orders and sends each again with its key until it is accepted (or RETRY_FOR passed)."""

    def __init__(self, token, log, points, rng):
        self.headers = {"Authorization": f"Token {token}"}
        self.log, self.points, self.rng = log, points, rng

    def new(self, label):
        lat, lng = self.rng.choice(self.points)
        return Submission(uuid.uuid4().hex, {"category": CATEGORY, "lat": lat, "lng": lng,
                                             "description": f"CHAOS {label}: 楼道口堆放杂物，影响通行"})

    def submit(self, submission):
        """Send until a ticket comes back; record every id answered for the key."""
        while time.time() - submission.sent_at < RETRY_FOR:
            answer = request("POST", "/api/v1/tickets/", body=submission.body,
                             headers={**self.headers, "Idempotency-Key": submission.key})
            self.log.add("client", answer)
            if answer.status in (200, 201):
                submission.ids.add(answer.json()["id"])
                return
            if 400 <= answer.status < 500:
                return  # refused: never accepted, so it counts as lost
            retry_after = answer.headers.get("retry-after", "")
            time.sleep(min(int(retry_after), 10) if retry_after.isdigit() else 0.5)

    def submit_batch(self, submissions):
        """POST submissions through the batch API, sending again (same keys) until accepted."""
        items = [{**s.body, "key": s.key} for s in submissions]
        started = time.time()
        while time.time() - started < RETRY_FOR:
            answer = request("POST", "/api/v1/tickets/batch/", body={"tickets": items}, headers=self.headers)
            self.log.add("client", answer)
            if answer.status in (200, 201):
                for submission, result in zip(submissions, answer.json()["tickets"]):
                    submission.ids.add(result["id"])
                return
            if 400 <= answer.status < 500:
                raise RuntimeError(f"batch refused ({answer.status}): {answer.body[:300]!r}")
            time.sleep(0.5)


class Load:
    """CLIENT_THREADS threads submitting work orders until the block ends (each in-flight one finished).

    `twice`: each work order is sent on two connections at once, as a client does that retries
    before the first answer (a timeout too short, a double tap).
    """

    def __init__(self, phase, client, *, twice=False):
        self.phase, self.client, self.twice = phase, client, twice
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(CLIENT_THREADS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join()

    def run(self, index):
        number = 0
        while not self.stopped.is_set():
            number += 1
            submission = self.client.new(f"{self.phase.slug} {index}-{number}")
            self.phase.submissions.append(submission)
            if self.twice:
                copy = threading.Thread(target=self.client.submit, args=(submission,))
                copy.start()
                self.client.submit(submission)
                copy.join()
            else:
                self.client.submit(submission)
            self.stopped.wait(CLIENT_PAUSE)


# --- the phases --------------------------------------------------------------------------------


@dataclass
class Phase:
    slug: str
    title: str
    outage: bool = True  # False: nothing stops serving (no fault, beat twice, retries): no recovery to time
    started: float = field(default_factory=time.time)
    fault_start: float | None = None
    fault_end: float | None = None
    ended: float | None = None
    submissions: list = field(default_factory=list)
    overdue: list = field(default_factory=list)  # ids whose due_at the phase moved into the past
    overdue_at: float | None = None
    notes: list = field(default_factory=list)


class Chaos:
    """The run: the stack, the client, and one method per fault."""

    def __init__(self, stack, client):
        self.stack, self.client = stack, client
        self.phases = []

    def phase(self, slug, title, *, outage=True):
        phase = Phase(slug, title, outage)
        self.phases.append(phase)
        print(f"… {title}", flush=True)
        return phase

    def under_load(self, slug, title, fault, *, outage=True, twice=False, before=3.0, after=5.0):
        """Clients submit before, during and after `fault()` (which returns once the fault has ended)."""
        phase = self.phase(slug, title, outage=outage)
        with Load(phase, self.client, twice=twice):
            time.sleep(before)
            phase.fault_start = time.time()
            fault(phase)
            phase.fault_end = time.time()
            time.sleep(after)
        self.routing_settled(phase)
        phase.ended = time.time()
        return phase

    def routing_settled(self, phase):
        """Wait until every accepted ticket of `phase` is routed (or SETTLE_TIMEOUT passed)."""
        ids = [i for s in phase.submissions for i in s.ids]
        try:
            wait_until(lambda: query("SELECT count(*) FROM incidents_routingrequest WHERE ticket_id = ANY(%s) "
                                     "AND routed_at IS NOT NULL", [ids])[0][0] == len(set(ids)),
                       timeout=SETTLE_TIMEOUT, what="routing", every=0.25)
        except RuntimeError as exc:
            phase.notes.append(str(exc))

    def sweep_settled(self, phase):
        """Wait until every ticket made overdue in `phase` has been handled by a sweep (or SETTLE_TIMEOUT)."""
        try:
            wait_until(lambda: len(overdue_handled(phase)) == len(phase.overdue), timeout=SETTLE_TIMEOUT,
                       what="the escalation sweep", every=0.5)
        except RuntimeError as exc:
            phase.notes.append(str(exc))

    def make_overdue(self, phase):
        """Move the deadline of every open, routed ticket of the run a minute into the past (SQL)."""
        from incidents.sweeps import OVERDUE

        phase.overdue_at = time.time()
        rows = query("UPDATE incidents_ticket SET due_at = now() - interval '1 minute' "
                     "WHERE description LIKE 'CHAOS %%' AND due_at IS NOT NULL AND status = ANY(%s) RETURNING id",
                     [list(OVERDUE.sources)])
        phase.overdue = [row[0] for row in rows]

    # The faults, in the order they run.

    def baseline(self):
        return self.under_load("baseline", "no fault", lambda phase: time.sleep(10), outage=False)

    def redis_stopped(self):
        def fault(phase):
            lib("stop_redis")
            time.sleep(REDIS_DOWN)
            lib("ensure_redis", "0")

        return self.under_load("redis", f"Redis stopped for {REDIS_DOWN:g} s", fault)

    def backlog(self, phase):
        """Stop the worker, report BACKLOG work orders through the batch API, start the worker again."""
        self.stack.worker.stop()
        for b in range(BACKLOG // BATCH):
            batch = [self.client.new(f"{phase.slug} {b}-{i}") for i in range(BATCH)]
            phase.submissions.extend(batch)
            self.client.submit_batch(batch)
        self.stack.worker.start()
        return [i for s in phase.submissions for i in s.ids]

    def worker_ready_noted(self, phase):
        """Wait until the restarted worker consumes; note how long its start took."""
        self.stack.worker.wait_for_log(WORKER_READY)
        phase.notes.append(f"the replacement worker consumed {time.time() - phase.fault_end:.1f} s after its launch")

    def unrouted(self, ids):
        return query("SELECT count(*) FROM incidents_routingrequest WHERE ticket_id = ANY(%s) "
                     "AND routed_at IS NULL", [ids])[0][0]

    def worker_killed_routing(self):
        """A backlog waits for the worker; as it routes, the whole worker is SIGKILLed; the supervisor restarts it."""
        phase = self.phase("kill-routing", "worker SIGKILLed mid-routing")
        ids = self.backlog(phase)
        caught = transaction_seen(ROUTING_SQL, timeout=90)
        self.stack.worker.kill()
        phase.fault_start = time.time()
        phase.notes.append(f"killed {'inside a routing transaction' if caught else 'WITHOUT seeing routing'}; "
                           f"{self.unrouted(ids)} of {len(ids)} unrouted at the kill")
        phase.fault_end = self.stack.restarted(self.stack.worker, phase.fault_start)
        self.worker_ready_noted(phase)
        self.routing_settled(phase)
        phase.ended = time.time()
        return phase

    def pool_killed_routing(self):
        """As above, but only the pool processes die (out of memory): the worker's main process lives on."""
        phase = self.phase("kill-pool", "worker pool processes SIGKILLed mid-routing")
        ids = self.backlog(phase)
        caught = transaction_seen(ROUTING_SQL, timeout=90)
        killed = self.stack.worker.kill_children()
        phase.fault_start = phase.fault_end = time.time()
        where = "inside a routing transaction" if caught else "WITHOUT seeing routing"
        phase.notes.append(f"killed {killed} pool processes {where}; "
                           f"{self.unrouted(ids)} of {len(ids)} unrouted at the kill")
        self.routing_settled(phase)
        phase.ended = time.time()
        return phase

    def worker_killed_sweep(self):
        """Every open ticket overdue; a sweep is sent; the worker is SIGKILLed mid-sweep and restarted."""
        from govportal.celery import app

        phase = self.phase("kill-sweep", "worker SIGKILLed mid-sweep")
        self.make_overdue(phase)
        app.send_task("incidents.tasks.escalate_overdue")
        caught = transaction_seen(SWEEP_SQL, timeout=90)
        self.stack.worker.kill()
        phase.fault_start = time.time()
        phase.notes.append(f"killed {'inside a sweep transaction' if caught else 'WITHOUT seeing a sweep'}; "
                           f"{len(overdue_handled(phase))} of {len(phase.overdue)} overdue handled at the kill")
        phase.fault_end = self.stack.restarted(self.stack.worker, phase.fault_start)
        self.worker_ready_noted(phase)
        self.sweep_settled(phase)
        phase.ended = time.time()
        return phase

    def postgres_fast(self):
        return self.postgres_restarted("fast")

    def postgres_immediate(self):
        return self.postgres_restarted("immediate")

    def postgres_restarted(self, mode):
        def fault(phase):
            lib("stop_postgres", mode)
            time.sleep(POSTGRES_DOWN)
            lib("ensure_postgres")

        return self.under_load(f"pg-{mode}", f"PostgreSQL down {POSTGRES_DOWN:g} s ({mode} shutdown)", fault)

    def beat_twice(self):
        """Two beats started together (a second replica; a deploy starting the new one before the old one
        stops) while every open ticket is overdue: their sweeps are sent at the same moments."""
        def fault(phase):
            first, second = self.stack.beats
            first.stop()
            self.make_overdue(phase)
            worker_offset = self.stack.worker.log.stat().st_size
            first.start()
            second.start()
            for beat in (first, second):
                beat.wait_for_log(SWEEP_SENT, timeout=SETTLE_TIMEOUT)
            self.sweep_settled(phase)
            second.stop()
            sent = [len(re.findall(SWEEP_SENT, beat.log_since(beat.offset))) for beat in (first, second)]
            runs = sweep_runs(self.stack.worker.log_since(worker_offset))
            last = query("SELECT extract(epoch FROM max(created_at)) FROM incidents_ticketevent WHERE ticket_id = "
                         "ANY(%s) AND action IN ('overdue', 'overdue_escalate')", [phase.overdue])[0][0]
            phase.notes.append(f"escalation sweeps sent: first beat ×{sent[0]}, second beat ×{sent[1]}; "
                               f"{len(runs)} ran, overlapping pairs of them: {overlapping(runs)}; "
                               f"the last overdue ticket handled {float(last or 'nan') - phase.overdue_at:.1f} s after "
                               "the deadlines moved")

        return self.under_load("beat-twice", "beat started twice", fault, outage=False)

    def posts_retried(self):
        return self.under_load("retried", "every POST sent twice at once", lambda phase: time.sleep(10),
                               outage=False, twice=True)


# --- the table ---------------------------------------------------------------------------------


def tally(phase, log, user):
    """Return the row of `phase` as a dict, read from the database and the answers log."""
    from incidents.services import idempotency_key_of

    accepted = [s for s in phase.submissions if s.ids]
    ids = {i for s in accepted for i in s.ids}
    keys = [idempotency_key_of(user, s.key) for s in phase.submissions]  # as stored: per user
    rows = query("""
        SELECT t.id, t.idempotency_key, r.routed_at, t.created_at,
               (SELECT count(*) FROM incidents_ticketevent e WHERE e.ticket_id = t.id AND e.action = 'route')
          FROM incidents_ticket t LEFT JOIN incidents_routingrequest r ON r.ticket_id = t.id
         WHERE t.idempotency_key = ANY(%s)""", [keys])
    tickets_per_key = Counter(row[1] for row in rows)
    present = {row[0] for row in rows}
    routed = {row[0] for row in rows if row[2] is not None}
    duplicated = (sum(n - 1 for n in tickets_per_key.values() if n > 1)
                  + sum(len(s.ids) - 1 for s in accepted if len(s.ids) > 1)
                  + sum(1 for row in rows if row[4] > 1))
    row = {
        "submitted": len(phase.submissions), "accepted": len(accepted), "routed": len(ids & routed),
        "lost": len(ids - present) + len(phase.submissions) - len(accepted),
        "escalated": None, "up_again": None, "caught_up": None, "notes": list(phase.notes),
    }
    if phase.overdue:
        handled = overdue_handled(phase)
        row["escalated"] = (len(handled), len(phase.overdue))
        duplicated += sum(1 for n in handled.values() if n > 1)
    row["duplicated"] = duplicated
    answers = log.between(phase.started, phase.ended)
    row["503"] = sum(1 for _, _, status, good in answers if status == 503 and good)
    row["other_5xx"] = sum(1 for _, _, status, good in answers if status >= 500 and not (status == 503 and good))
    row["unanswered"] = sum(1 for _, _, status, _ in answers if status == 0)
    if phase.outage:
        failed = [a for a in log.between(phase.fault_start, phase.fault_end)
                  if a[1].startswith("probe") and a[2] != 200]
        if failed:
            ok = [a[0] for a in log.between(phase.fault_end, phase.ended) if a[1] == "probe-api" and a[2] == 200]
            row["up_again"] = ok[0] - phase.fault_end if ok else float("inf")
        row["caught_up"] = caught_up(phase, rows)
    return row


def caught_up(phase, rows):
    """Seconds from the fault's end until the last work waiting at that moment was done."""
    end = datetime.fromtimestamp(phase.fault_end, timezone.utc)
    if phase.overdue:
        done = query("SELECT max(created_at) FROM incidents_ticketevent WHERE ticket_id = ANY(%s) "
                     "AND action IN ('overdue', 'overdue_escalate') AND created_at BETWEEN to_timestamp(%s) "
                     "AND to_timestamp(%s)", [phase.overdue, phase.overdue_at, phase.ended])[0][0]
    else:
        waiting = [row[2] for row in rows if row[3] <= end and (row[2] is None or row[2] > end)]
        done = None if None in waiting else max(waiting, default=end)
    if done is None:
        return float("inf")
    return max((done - end).total_seconds(), 0.0)


def exits(stack, phase):
    """Return a note per process that exited by itself during `phase` (SIGKILLs sent by this run aside)."""
    notes = []
    for process in stack.processes:
        statuses = [status for at, status in process.exits if phase.started <= at <= phase.ended and status != -9]
        if statuses:
            notes.append(f"{process.name} exited by itself ×{len(statuses)} (status {', '.join(map(str, statuses))}); "
                         f"restarted {RESTART_DELAY:g} s later")
    return notes


def seconds(value):
    if value is None:
        return "—"
    return "never" if value == float("inf") else f"{value:.1f}"


def table(phases, rows):
    lines = ["| fault | submitted | accepted | routed | escalated | lost | duplicated | 503 | other 5xx "
             "| up again (s) | caught up (s) |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for phase, row in zip(phases, rows):
        escalated = "—" if row["escalated"] is None else "{} / {}".format(*row["escalated"])
        lines.append(f"| {phase.title} | {row['submitted']} | {row['accepted']} | {row['routed']} | {escalated} "
                     f"| {row['lost']} | {row['duplicated']} | {row['503']} | {row['other_5xx']} "
                     f"| {seconds(row['up_again'])} | {seconds(row['caught_up'])} |")
    return "\n".join(lines)


def failures(phases, rows):
    """Return what makes the run fail, one line each."""
    found = []
    for phase, row in zip(phases, rows):
        for problem, bad in (
            ("lost work orders", row["lost"]),
            ("duplicated work orders", row["duplicated"]),
            ("accepted but unrouted", row["accepted"] - row["routed"]),
            ("overdue but unhandled", row["escalated"] and row["escalated"][1] - row["escalated"][0]),
            ("5xx answers other than a well-formed 503", row["other_5xx"]),
        ):
            if bad:
                found.append(f"{phase.title}: {bad} {problem}")
    return found


# --- the run -----------------------------------------------------------------------------------


def machine():
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores, load average {load[0]:.1f} at the end; Python {platform.python_version()}; "
            f"PostgreSQL and Redis of its own (ports {os.environ['GOVPORTAL_PG_PORT']}, "
            f"{os.environ['GOVPORTAL_REDIS_PORT']})")


def demo_points(rng, count=500):
    """Return (lat, lng) points inside the grids USERNAME serves."""
    from django.contrib.gis.geos import Point

    from grids.models import Area

    grids = list(Area.objects.filter(members__user__username=USERNAME, members__is_active=True)
                 .values_list("geom", flat=True))
    points = []
    while len(points) < count:
        geom = rng.choice(grids)
        west, south, east, north = geom.extent
        point = Point(rng.uniform(west, east), rng.uniform(south, north), srid=4326)
        if geom.contains(point):
            points.append((point.y, point.x))
    return points


def sign_in():
    """Return (API token of USERNAME, page session key of LEADER)."""
    from django.test import Client as DjangoClient

    from accounts.models import User

    answer = request("POST", "/api/v1/auth/token/", body={"username": USERNAME, "password": PASSWORD})
    if answer.status != 200:
        raise RuntimeError(f"token: {answer.status} {answer.body[:300]!r}")
    pages = DjangoClient()
    pages.force_login(User.objects.get(username=LEADER))
    return answer.json()["token"], pages.cookies["sessionid"].value


def database_prepare():
    """Create, migrate and seed govportal_chaos; set Django up."""
    import django
    from django.core.management import call_command

    print(f"creating database {database_create()}", flush=True)
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def run_faults(stack, log, faults):
    """Run `faults` (FAULTS names) under the prober; return (the phases that ended, whether one broke off)."""
    chaos, prober = None, None
    try:
        token, session = sign_in()
        prober = Prober(log, token, session)
        prober.start()
        chaos = Chaos(stack, Client(token, log, demo_points(random.Random(20261201)), random.Random(1)))
        for fault in faults:
            getattr(chaos, FAULTS[fault])()
        broken = False
    except Exception:  # noqa: BLE001 - report the phases run so far, and fail
        traceback.print_exc()
        broken = True
    finally:
        if prober:
            prober.stopped.set()
            prober.join()
    return [phase for phase in (chaos.phases if chaos else []) if phase.ended is not None], broken


def report(phases, broken, stack, log, started):
    """Print the table, the notes and the verdict; return the exit status."""
    from accounts.models import User

    user = User.objects.get(username=USERNAME)
    rows = [tally(phase, log, user) for phase in phases]
    print(f"\n## make chaos — {datetime.fromtimestamp(started, timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{(time.time() - started) / 60:.1f} min\n")
    print(table(phases, rows))
    print()
    for phase, row in zip(phases, rows):
        for note in row["notes"] + exits(stack, phase):
            print(f"- {phase.title}: {note}")
        if row["unanswered"]:
            print(f"- {phase.title}: {row['unanswered']} requests got no answer (connection refused or reset)")
    print(f"- machine: {machine()}")
    problems = failures(phases, rows) + (["a phase broke off (traceback above)"] if broken else [])
    print("\nverdict: " + ("FAIL\n" + "\n".join(f"- {p}" for p in problems) if problems
                           else "PASS: nothing lost, nothing duplicated, everything routed and escalated"))
    return 1 if problems else 0


def arguments():
    parser = argparse.ArgumentParser(description="Faults against a stack of its own; one table (docs/resilience.md).")
    parser.add_argument("--faults", default=",".join(FAULTS),
                        help=f"comma-separated, among: {', '.join(FAULTS)}; they run in that order (default: "
                             "all). The baseline always runs first: the faults after it need its work orders")
    faults = [name for name in parser.parse_args().faults.split(",") if name]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    return ["baseline"] + [name for name in FAULTS if name in faults and name != "baseline"]


def main():
    faults = arguments()
    log_dir = refuse_foreign_stack() / "log"
    log_dir.mkdir(mode=0o700, exist_ok=True)
    for old_log in log_dir.glob("chaos-*.log"):
        old_log.unlink()
    started = time.time()
    database_prepare()
    print(f"database ready in {time.time() - started:.0f} s; starting the stack", flush=True)
    stack, log = Stack(log_dir), Log()
    stack.start()
    try:
        phases, broken = run_faults(stack, log, faults)
    finally:
        stack.stop()
    return report(phases, broken, stack, log, started)


if __name__ == "__main__":
    sys.exit(main())
