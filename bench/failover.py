"""`make failover`: the cluster of `make cluster` under the faults a 7 × 24 centre fears most; one table.

scripts/cluster.sh runs this on the running cluster with the app's settings (DATABASE_URL through
PgBouncer, the dashboards on HAProxy's replica port). Clients report work orders through the load
balancer at a steady rate, each under its own Idempotency-Key, sending it again while they get no
answer, a 5xx or a 503 (bench/chaos.py's clients, the same rules); probers read the API, a page and
a dashboard (from the replica) all along. Then, one after another:

1. the PostgreSQL leader is SIGKILLed — its Patroni and its postmaster at once, as a host that
   loses power; Patroni promotes the synchronous replica, HAProxy's checks find it, PgBouncer's
   next connections reach it. Before the kill, the deadlines of the run's open work orders are
   moved into the past: the escalation sweep must handle them on the new leader. The killed member
   is started again afterwards and rejoins as a replica (pg_rewind);
2. a web instance is SIGKILLed (its gunicorn master and workers): the load balancer sends on;
3. a routing worker is SIGKILLed: the other routing worker carries on.

Columns as in `make chaos` (docs/resilience.md); the notes add the seconds until a new leader
and until writes succeed again, and the dashboard reads per database member. Exit 1 if anything
was lost or duplicated, left unrouted or unhandled, or answered with a 5xx other than a 503.
"""

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import chaos  # noqa: I001 - bench/ is on the path: the clients, probers and tallies of make chaos
from chaos import Client, Load, Log, Prober, demo_points, failures, request, sign_in, table, tally

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = Path(os.environ.get("GOVPORTAL_CLUSTER_DIR", ROOT / ".local/cluster"))
REST_PORTS = [int(port) for port in os.environ.get("GOVPORTAL_CLUSTER_REST_PORTS", "55431,55432,55433").split(",")]
STATS_PORT = int(os.environ.get("GOVPORTAL_CLUSTER_STATS_PORT", "55442"))
# Every request of chaos' clients and probers goes to the cluster's load balancer.
chaos.WEB_PORT = int(os.environ.get("GOVPORTAL_CLUSTER_WEB_PORT", "55450"))
LEADER_TIMEOUT = 60.0
DASHBOARD_EVERY = 0.5


def member_state(port):
    """Return the JSON of a Patroni member's REST API, or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/patroni", timeout=1) as answer:
            return json.load(answer)
    except OSError:
        return None


def leader():
    """Return the number (1–3) of the member that is primary now, or None."""
    for number, port in enumerate(REST_PORTS, start=1):
        state = member_state(port)
        if state and state.get("role") in ("master", "primary") and state.get("state") == "running":
            return number
    return None


def pid_of(name):
    return int((CLUSTER / "run" / f"{name}.pid").read_text())


def kill_group(name):
    """SIGKILL a cluster process and its children (each runs in a session of its own)."""
    os.killpg(pid_of(name), signal.SIGKILL)


def start_again(name):
    subprocess.run(["bash", str(ROOT / "scripts/cluster.sh"), "start-again", name], check=True,
                   stdout=subprocess.DEVNULL)


def replica_reads():
    """Return {member: sessions} that HAProxy's replica port has opened so far (its statistics CSV)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{STATS_PORT}/;csv", timeout=2) as answer:
        rows = csv.DictReader(io.StringIO(answer.read().decode().lstrip("# ")))
        return {row["svname"]: int(row["stot"] or 0) for row in rows
                if row["pxname"] == "replicas" and row["svname"] not in ("FRONTEND", "BACKEND")}


class DashboardProber(threading.Thread):
    """Reads the demo leader's dashboard summary through the API every DASHBOARD_EVERY seconds."""

    def __init__(self, log, token, area_code):
        super().__init__(name="dashboard-prober", daemon=True)
        self.log, self.stopped = log, threading.Event()
        self.headers, self.path = {"Authorization": f"Token {token}"}, f"/api/v1/dashboard/areas/{area_code}/"

    def run(self):
        while not self.stopped.wait(DASHBOARD_EVERY):
            self.log.add("dashboard", request("GET", self.path, headers=self.headers, timeout=10))


def leader_token():
    answer = request("POST", "/api/v1/auth/token/", body={"username": chaos.LEADER, "password": chaos.PASSWORD})
    if answer.status != 200:
        raise RuntimeError(f"the leader's token: {answer.status} {answer.body[:300]!r}")
    return answer.json()["token"]


class Failover(chaos.Chaos):
    """The faults of the cluster, with make chaos' phases, load and tallies."""

    def __init__(self, client, log):
        super().__init__(stack=None, client=client)
        self.log, self.notes = log, []

    def leader_killed(self):
        """Deadlines moved into the past, then the leader killed; the sweep must handle them on the new one."""
        phase = self.phase("leader", "PostgreSQL leader SIGKILLed (Patroni and postmaster)")
        with Load(phase, self.client):
            time.sleep(3)
            self.make_overdue(phase)
            old = leader()
            phase.fault_start = time.time()
            os.kill(int((CLUSTER / f"pg{old}/data/postmaster.pid").read_text().split()[0]), signal.SIGKILL)
            kill_group(f"patroni{old}")
            led = chaos.wait_until(lambda: leader() not in (None, old), timeout=LEADER_TIMEOUT, what="a new leader")
            self.notes.append(f"pg{old} (leader) SIGKILLed; pg{leader()} led {led - phase.fault_start:.1f} s later")
            chaos.wait_until(lambda: self.written_since(phase.fault_start), timeout=LEADER_TIMEOUT, what="a write")
            self.notes.append(f"writes succeeded again {self.writes_back(phase.fault_start):.1f} s after the kill")
            phase.fault_end = time.time()
            start_again(f"patroni{old}")
            time.sleep(10)
        self.routing_settled(phase)
        self.sweep_settled(phase)
        phase.ended = time.time()
        chaos.wait_until(lambda: self.replica_again(old), timeout=LEADER_TIMEOUT * 3, what=f"pg{old} to rejoin")
        self.notes.append(f"pg{old}, started again, runs as a replica of pg{leader()}")
        return phase

    @staticmethod
    def replica_again(member):
        state = member_state(REST_PORTS[member - 1])
        return bool(state) and state.get("role") == "replica" and state.get("state") == "running"

    def written_since(self, moment):
        return any(status in (200, 201) for at, source, status, _ in self.log.between(moment, time.time())
                   if source == "client")

    def writes_back(self, killed_at):
        """Seconds from the kill to the first work order accepted after the first one refused (0: none refused)."""
        answers = [(at, status) for at, source, status, _ in self.log.between(killed_at, time.time())
                   if source == "client"]
        refused = [at for at, status in answers if status not in (200, 201)]
        if not refused:
            return 0.0
        return min(at for at, status in answers if status in (200, 201) and at > refused[0]) - killed_at

    def web_killed(self):
        def fault(phase):
            kill_group("web1")
            time.sleep(10)
            start_again("web1")

        return self.under_load("web", "a web instance SIGKILLed (the load balancer sends on)", fault, outage=False)

    def worker_killed(self):
        def fault(phase):
            kill_group("worker-routing-a")
            time.sleep(10)
            start_again("worker-routing-a")

        return self.under_load("worker", "a routing worker SIGKILLed (the other carries on)", fault, outage=False)


def main():
    import django

    django.setup()
    from accounts.models import User

    started, log = time.time(), Log()
    if leader() is None:
        sys.exit("error: the cluster has no leader; make cluster-status")
    token, session = sign_in()
    street = User.objects.select_related("unit__area").get(username=chaos.LEADER).unit.area.code
    probers = [Prober(log, token, session), DashboardProber(log, leader_token(), street)]
    for prober in probers:
        prober.start()
    reads_before = replica_reads()
    run = Failover(Client(token, log, demo_points(random.Random(20261201)), random.Random(1)), log)
    try:
        run.baseline()
        run.leader_killed()
        run.web_killed()
        run.worker_killed()
    finally:
        for prober in probers:
            prober.stopped.set()
            prober.join()
    reads = {member: count - reads_before.get(member, 0) for member, count in replica_reads().items()}
    user = User.objects.get(username=chaos.USERNAME)
    rows = [tally(phase, log, user) for phase in run.phases]
    dashboards = [(status, good) for _, source, status, good in log.between(started, time.time())
                  if source == "dashboard"]
    dashboards_503 = sum(1 for status, good in dashboards if status == 503 and good)
    dashboards_failed = sum(1 for status, good in dashboards if status != 200 and not (status == 503 and good))
    print(f"\n## make failover — {datetime.fromtimestamp(started, timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{(time.time() - started) / 60:.1f} min\n")
    print(table(run.phases, rows))
    print()
    for note in run.notes:
        print(f"- {note}")
    for phase, row in zip(run.phases, rows):
        for note in row["notes"]:
            print(f"- {phase.title}: {note}")
        if row["unanswered"]:
            print(f"- {phase.title}: {row['unanswered']} requests got no answer")
    # The figures come from the replicas; the request's token is checked on the primary, so while
    # no primary answers a dashboard read gets the app's 503 with Retry-After.
    print(f"- dashboards: {len(dashboards)} reads, {dashboards_503} answered 503 with Retry-After (the token is "
          f"checked on the primary), {dashboards_failed} failed otherwise; connections through the replica port "
          "by member: " + ", ".join(f"{member} {count}" for member, count in sorted(reads.items())))
    print(f"- members now: {leader_summary()}")
    print(f"- machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    problems = failures(run.phases, rows)
    problems += [f"dashboards: {dashboards_failed} reads failed"] if dashboards_failed else []
    print("\nverdict: " + ("FAIL\n" + "\n".join(f"- {p}" for p in problems) if problems
                           else "PASS: nothing lost, nothing duplicated, everything routed and escalated"))
    return 1 if problems else 0


def leader_summary():
    states = [member_state(port) for port in REST_PORTS]
    return ", ".join(f"pg{n} {s['role']} ({s['state']})" if s else f"pg{n} not answering"
                     for n, s in enumerate(states, start=1))


if __name__ == "__main__":
    sys.exit(main())
