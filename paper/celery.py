"""The Celery application that spreads OCR over machines (paper.ocr.tasks).

Configured from Django's settings (the CELERY_ ones, built from OCR_BROKER_URL in
paper/settings.py); start a worker with `celery -A paper worker`.
"""

import os

import kombu.pools
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")

app = Celery("paper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["paper.ocr"])


def reconfigure(**options):
    """Point the application at another broker or result backend while it runs (the tests
    and the benchmark do): the connections and the backend made for the old ones are dropped."""
    app.conf.update(options)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    kombu.pools.reset()  # the producers' pools, kept by kombu for every connection
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
