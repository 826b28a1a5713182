"""gunicorn's access log (govportal/gunicorn_conf.py): no query string and no referrer, so no
personal data typed into a URL lands in it, and a file only its owner may read."""

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

PHONE = "13812341234"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    """Run gunicorn with the project's settings on a free port; return (base URL, access log path)."""
    port, log = free_port(), tmp_path / "log" / "access.log"
    log.parent.mkdir()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "govportal.wsgi:application", "--config",
         "python:govportal.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(log), "--error-logfile", str(tmp_path / "log" / "web.log")],
        cwd=settings.BASE_DIR, env={**os.environ, "DJANGO_SETTINGS_MODULE": "govportal.settings.test"},
    )
    try:
        for _ in range(200):  # up to 20 s on a busy machine
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_access_log_keeps_no_query_string_nor_referrer_and_only_its_owner_reads_it(gunicorn):
    base, log = gunicorn
    request = urllib.request.Request(f"{base}/login/?phone={PHONE}&next=/hotline/",
                                     headers={"Referer": f"{base}/hotline/?phone={PHONE}",
                                              "X-Forwarded-For": "203.0.113.9"})
    assert urllib.request.urlopen(request, timeout=20).status == 200
    for _ in range(50):
        if log.exists() and log.read_text():
            break
        time.sleep(0.1)
    line = log.read_text()
    assert '"GET /login/ HTTP/1.1" 200' in line and '"203.0.113.9"' in line
    assert PHONE not in line and "?" not in line
    assert stat.S_IMODE(log.stat().st_mode) & 0o077 == 0
