# The Celery application is loaded with Django, so that tasks are bound to it (`celery -A paper`).
from .celery import app as celery_app

__all__ = ["celery_app"]
