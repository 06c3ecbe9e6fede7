"""The OCR of one page as a Celery task, for a batch spread over many machines.

The task is acknowledged only when it has run (acks_late), and goes back to the queue when its
worker dies (reject_on_worker_lost): a page is never lost. It is never done twice either:
paper.ocr.pipeline claims the page first, so a task sent twice, or delivered again, finds the
page read (or being read) and leaves it. The claim is made in the task's id, so that the same
task delivered again after its worker died takes its own claim over at once.

A database that does not answer is retried with a growing wait; a page that cannot be read is
not (its PageRecognition says why).

The task is bound to paper.celery's application, loaded here rather than with Django: only the
processes that send or run tasks pay for importing Celery (`celery -A paper` finds the
application in paper.celery).
"""

from django.db import InterfaceError, OperationalError
from django.db.models import F, Q
from django.utils import timezone

from ..celery import app
from ..models import Page, PageRecognition, RecognitionStatus
from .pipeline import RecognitionFailed, holder_is_gone, lease, recognise_page


@app.task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=10,
)
def recognise_page_task(self, page_id, force=False):
    """Read page ``page_id``; returns its reading's status (done, failed, running, missing)."""
    page = Page.objects.select_related("issue").filter(pk=page_id).first()
    if page is None:
        return {"page": page_id, "status": "missing", "skipped": True}
    try:
        recognition = recognise_page(page, force=force, claimed_by=f"celery:{self.request.id}")
    except RecognitionFailed as error:
        return {"page": page_id, "status": "failed", "skipped": False, "message": str(error)}
    return {"page": page_id, "status": recognition.status, "skipped": recognition.skipped}


def workers_listening(queue, timeout=1.0):
    """The names of the workers consuming ``queue``, as Celery's remote control finds them
    (none when no worker answers within ``timeout`` seconds)."""
    replies = app.control.inspect(timeout=timeout).active_queues() or {}
    return sorted(
        name for name, queues in replies.items() if any(q["name"] == queue for q in queues)
    )


def send_pages(pages, *, force=False):
    """Send each of ``pages`` to the workers as a task, marked 排队中 in the meantime.

    kombu's OperationalError when the broker cannot be reached.
    """
    queue_up(pages, force)
    for page in pages:
        recognise_page_task.apply_async((page.pk,), {"force": force})


def queue_up(pages, force):
    """Mark the pages 排队中 (what the admin shows), except those being read right now."""
    now = timezone.now()
    PageRecognition.objects.bulk_create(
        [
            PageRecognition(page=page, file_name=page.file.name, status=RecognitionStatus.QUEUED)
            for page in pages
        ],
        ignore_conflicts=True,
    )
    rows = PageRecognition.objects.filter(page__in=pages)
    # A run that died holding a page leaves it 识别中: it is queued again.
    running = rows.filter(status=RecognitionStatus.RUNNING)
    fresh = running.filter(claimed_at__gte=now - lease())
    stale = [pk for pk, by in fresh.values_list("pk", "claimed_by") if holder_is_gone(by)]
    rows = rows.exclude(Q(pk__in=fresh.values("pk")) & ~Q(pk__in=stale))
    if not force:
        rows = rows.exclude(status=RecognitionStatus.DONE, file_name=F("page__file"))
    rows.update(status=RecognitionStatus.QUEUED, claimed_by="", claimed_at=None, updated=now)
