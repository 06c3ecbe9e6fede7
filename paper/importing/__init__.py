"""Importing a day's page export into the archive: ``manage.py import_issue``.

``parsing`` reads the text into pages and sections (no database), ``parts`` is where each app
registers what it reads and writes of them (articles in ``articles/importing.py``, notices in
``notices/importing.py``), ``writing`` stores an issue in one transaction and ``report`` says
what was done. The command in ``paper/management/commands`` only ties them up.
"""

from .parsing import ExportError, parse_export, read_export

__all__ = ["ExportError", "parse_export", "read_export"]
