"""gunicorn settings for the archive: ``gunicorn -c paper/gunicorn.conf.py``.

gunicorn sits behind a reverse proxy (nginx, Caddy) that terminates TLS, serves the media
folder and buffers slow clients; sync workers are therefore enough. Every value can be
changed from the environment without editing this file.
"""

import multiprocessing
import os

wsgi_app = "paper.wsgi:application"

# Web requests only: PostgreSQL cancels a statement after 10 s (paper/settings.py), and the page
# answers 503 查询时间过长 long before the worker timeout below would kill the worker.
os.environ.setdefault("DJANGO_DB_STATEMENT_TIMEOUT", "10000")

# The proxy connects to this address; keep it on loopback unless the proxy is elsewhere.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Pages are rendered from the database: CPU-bound in Python, so about two workers a core.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A request slower than this is stuck (the slowest page, a search, answers in well under a
# second); the worker is replaced and the proxy answers 502 for that one request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Workers are recycled now and then, so that a slow leak in any library cannot grow forever;
# seldom, since a new worker starts with an empty page cache and takes a second to boot (at
# 2,000 requests the load bench saw a restart every few seconds and 1 s spikes at p99).
max_requests = 50000
max_requests_jitter = 5000

# The proxy's address, whose X-Forwarded-Proto header says whether the reader used HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to standard output and error, where systemd or the container runtime keeps them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The access log keeps the request line and the Referer, with every resident ID masked
# however the URL encoded it (370602********1239).
logger_class = "paper.log.GunicornLogger"

# Workers load the application themselves: a code update is a graceful reload (HUP).
preload_app = False
