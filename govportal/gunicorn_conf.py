"""gunicorn's settings, shared by `make run` (scripts/run.sh) and the image (Dockerfile): `--config
python:govportal.gunicorn_conf`. Logs that hold no personal data, in files only their owner reads.

The access log keeps the client's address (also behind a proxy: X-Forwarded-For), the user's
time, the method, the path, the status, the size, the duration and the user agent — what a
security review (等保: who, when, what, result) needs. It leaves out the query string and the
referrer, which carries the previous page's query string: query strings may hold personal data
(an address searched for, a position, a filter typed by hand), and the API takes phone numbers
in request bodies only (tests/govportal/test_openapi.py).
"""

import os

access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Log files readable by their owner only. gunicorn applies its own `umask` setting when it
# daemonizes, not to the logs it opens; so the process's mask is set here, before it opens them
# (this module is read first), and the workers inherit it. docs/deploy.md rotates the files.
umask = 0o077
os.umask(umask)
