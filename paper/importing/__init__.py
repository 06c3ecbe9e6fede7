"""Importing a day's page export into the archive: ``manage.py import_issue``.

``parsing`` reads the text (no database), ``writing`` stores an issue in one transaction,
``report`` says what was done. The command in ``paper/management/commands`` only ties them up.
"""

from .parsing import ExportError, parse_export, read_export

__all__ = ["ExportError", "parse_export", "read_export"]
