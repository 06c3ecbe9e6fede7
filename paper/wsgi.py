"""WSGI entry point for gunicorn: ``gunicorn paper.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")

application = get_wsgi_application()
