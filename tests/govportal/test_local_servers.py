"""The PostgreSQL cluster and the Redis that scripts/lib.sh runs for `make run` and `make test`: every
connection gives a password kept in .local/, and the application's role is not a superuser. A
cluster made by the older lib.sh (`initdb -A trust`, everything owned by `postgres`) is secured in
place on the next provisioning."""

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = pytest.mark.skipif(not (PG_BIN / "initdb").exists() or not shutil.which("redis-server"),
                                reason="needs PostgreSQL 15 and Redis installed (make test installs them)")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalServers:
    """scripts/lib.sh's functions run on a .local/ of their own, with servers on free ports."""

    def __init__(self, local):
        self.local = local
        self.pg_port = free_port()
        self.redis_port = free_port()

    def run(self, *functions):
        """Run lib.sh's functions in one shell; return what they export (DATABASE_URL, REDIS_URL)."""
        script = (f'source "{ROOT}/scripts/lib.sh"; LOCAL="{self.local}"; PG_DATA="$LOCAL/pgdata"; '
                  f'PG_RUN="$LOCAL/pgrun"; PY="{sys.executable}"; {"; ".join(functions)}; '
                  'echo "DATABASE_URL=${DATABASE_URL:-}"; echo "REDIS_URL=${REDIS_URL:-}"')
        env = {"PATH": os.environ["PATH"], "GOVPORTAL_PG_PORT": str(self.pg_port),
               "GOVPORTAL_REDIS_PORT": str(self.redis_port)}
        result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr
        return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)

    def secret(self, name):
        path = self.local / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        return path.read_text().strip()

    def connect(self, user, password=None, dbname="govportal"):
        return psycopg.connect(host="127.0.0.1", port=self.pg_port, user=user, password=password,
                               dbname=dbname, autocommit=True, connect_timeout=5,
                               passfile=self.local / "no-such-pgpass")  # only the password given

    def as_cluster_owner(self, *command):
        if os.getuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True)


@pytest.fixture
def servers():
    """A .local/ the cluster's owner (the postgres user under root) can reach, unlike pytest's tmp_path."""
    local = Path(tempfile.mkdtemp(prefix="govportal-local-"))
    local.chmod(0o755)
    servers = LocalServers(local)
    try:
        yield servers
    finally:
        servers.run("stop_redis", '[ ! -d "$PG_DATA" ] || stop_postgres')
        shutil.rmtree(local)


def assert_superuser_needs_its_password(servers):
    with pytest.raises(psycopg.OperationalError, match="password"):
        servers.connect("postgres")
    with servers.connect("postgres", servers.secret("pg_superuser_password")) as connection:
        assert connection.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (True,)


def test_a_new_cluster_asks_every_connection_for_a_password(servers):
    exported = servers.run("ensure_postgres")

    assert_superuser_needs_its_password(servers)
    password = servers.secret("pg_app_password")
    assert exported["DATABASE_URL"] == f"postgis://govportal:{password}@127.0.0.1:{servers.pg_port}/govportal"
    with pytest.raises(psycopg.OperationalError, match="password"):
        servers.connect("govportal", "not-the-password")
    with servers.connect("govportal", password) as connection:
        role = connection.execute("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                                  "WHERE rolname = current_user").fetchone()
        assert role == (False, True, False)
        owners = connection.execute("SELECT pg_get_userbyid(datdba), (SELECT pg_get_userbyid(nspowner) FROM "
                                    "pg_namespace WHERE nspname = 'public') FROM pg_database "
                                    "WHERE datname = current_database()").fetchone()
        assert owners == ("govportal", "govportal")
        # As the test runner and the benchmarks do: a database of its own, PostGIS inherited from
        # template1, and Django's CREATE EXTENSION IF NOT EXISTS harmless without superuser rights.
        connection.execute("CREATE DATABASE scratch")
    with servers.connect("govportal", password, dbname="scratch") as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        assert connection.execute("SELECT ST_AsText(ST_Point(113.75, 23.02))").fetchone() == ("POINT(113.75 23.02)",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("CREATE EXTENSION postgis_topology")


def make_trust_cluster(servers):
    """A cluster as the older lib.sh made it: anyone connects as `postgres`, who owns everything."""
    pgdata, pgrun = servers.local / "pgdata", servers.local / "pgrun"
    for folder in (pgdata, pgrun):
        folder.mkdir(mode=0o700)
        if os.getuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
    servers.as_cluster_owner(str(PG_BIN / "initdb"), "-D", str(pgdata), "-U", "postgres", "-A", "trust",
                             "-E", "UTF8", "--locale=C.UTF-8")
    servers.as_cluster_owner(str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-l", str(pgrun / "postgres.log"), "-w",
                             "-o", f"-p {servers.pg_port} -k {pgrun} -c listen_addresses=127.0.0.1", "start")
    with servers.connect("postgres", dbname="postgres") as connection:
        connection.execute("CREATE DATABASE govportal")
        connection.execute("CREATE DATABASE govportal_bench")
    with servers.connect("postgres") as connection:
        connection.execute("""
            CREATE EXTENSION postgis;
            CREATE TABLE grids_area (id bigserial PRIMARY KEY, geom geometry(MultiPolygon, 4326));
            CREATE TABLE audit_auditevent (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, target text);
            CREATE SEQUENCE hotline_number;
            CREATE VIEW grids_area_count AS SELECT count(*) FROM grids_area;
            CREATE MATERIALIZED VIEW grids_area_ids AS SELECT id FROM grids_area;
            CREATE TYPE incidents_urgency AS ENUM ('normal', 'urgent');
            CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
            INSERT INTO audit_auditevent (target) VALUES ('a record from before');
        """)


OWNED_BY_SUPERUSER = """
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = 'postgres'::regrole
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                     AND d.deptype = 'e')
    UNION ALL SELECT proname FROM pg_proc
     WHERE pronamespace = 'public'::regnamespace AND proowner = 'postgres'::regrole
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = pg_proc.oid
                                                     AND d.deptype = 'e')
    UNION ALL SELECT typname FROM pg_type
     WHERE typnamespace = 'public'::regnamespace AND typowner = 'postgres'::regrole AND typtype = 'e'
"""


def test_a_cluster_made_without_passwords_is_secured_in_place(servers):
    make_trust_cluster(servers)

    exported = servers.run("ensure_postgres")

    assert_superuser_needs_its_password(servers)
    password = servers.secret("pg_app_password")
    assert exported["DATABASE_URL"].startswith(f"postgis://govportal:{password}@")
    for database in ("govportal", "govportal_bench"):
        with servers.connect("govportal", password, dbname=database) as connection:
            assert connection.execute("SELECT pg_get_userbyid(datdba) FROM pg_database "
                                      "WHERE datname = current_database()").fetchone() == ("govportal",)
            assert connection.execute(OWNED_BY_SUPERUSER).fetchall() == []
    with servers.connect("govportal", password) as connection:
        connection.execute("INSERT INTO grids_area (geom) VALUES (NULL); SELECT nextval('hotline_number')")
        connection.execute("REFRESH MATERIALIZED VIEW grids_area_ids")
        assert connection.execute("SELECT target FROM audit_auditevent").fetchall() == [("a record from before",)]
        # The audit table's new owner holds it as audit/0002 leaves it to a role that is not a superuser.
        for statement in ("UPDATE audit_auditevent SET target = ''", "DELETE FROM audit_auditevent",
                          "TRUNCATE audit_auditevent"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
    hba = (servers.local / "pgdata" / "pg_hba.conf").read_text()
    assert "trust" not in hba and "scram-sha-256" in hba


def redis_client(url):
    """A client that reports a refusal at once (redis-py retries with back-off by default)."""
    return redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0))


def wait_for_redis(port):
    for _ in range(50):
        try:
            return redis_client(f"redis://127.0.0.1:{port}/0").ping()
        except redis.ConnectionError:
            time.sleep(0.1)
    raise AssertionError(f"no Redis on port {port}")


def test_redis_asks_for_the_password_kept_in_local(servers):
    exported = servers.run("ensure_redis 3")

    password = servers.secret("redis_password")
    assert exported["REDIS_URL"] == f"redis://:{password}@127.0.0.1:{servers.redis_port}/3"
    with pytest.raises(redis.AuthenticationError):
        redis_client(f"redis://127.0.0.1:{servers.redis_port}/0").ping()
    assert redis_client(exported["REDIS_URL"]).ping()
    assert password not in (servers.local / "redis.log").read_text()

    servers.run("stop_redis")
    with pytest.raises(redis.ConnectionError):
        redis_client(exported["REDIS_URL"]).ping()


def test_a_redis_started_without_a_password_gets_one(servers):
    subprocess.run(["redis-server", "--port", str(servers.redis_port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--daemonize", "yes", "--logfile", str(servers.local / "old-redis.log")],
                   check=True, capture_output=True)
    wait_for_redis(servers.redis_port)

    exported = servers.run("ensure_redis 0")

    with pytest.raises(redis.AuthenticationError):
        redis_client(f"redis://127.0.0.1:{servers.redis_port}/0").ping()
    assert redis_client(exported["REDIS_URL"]).ping()
