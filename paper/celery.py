"""The Celery application that spreads OCR over machines (paper.ocr.tasks).

Configured from Django's settings (the CELERY_ ones, built from OCR_BROKER_URL in
paper/settings.py); start a worker with `celery -A paper worker`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")

app = Celery("paper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["paper.ocr"])
