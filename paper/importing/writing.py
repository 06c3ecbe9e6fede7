"""Storing a parsed export as an issue with its pages and what each part read, in one transaction.

Replacing an issue updates its rows in place: pages keep their code, and each part keeps its own
rows where it can (articles their headline, notices their reference number), so that links and
printed proofs keep pointing at them.
"""

import contextlib
from dataclasses import dataclass, field

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from paper.history import describe_change
from paper.models import Issue, Page, PrintedStatus
from paper.page_files import attach_page_files
from paper.page_rendering import PageFileError
from paper.text import chinese_date

from .parsing import ExportError
from .parts import registered_parts


@dataclass
class ImportResult:
    """What the import wrote; each part adds what it wrote (``articles``, ``notices`` …)."""

    issue: Issue
    replaced: bool
    dry_run: bool
    # What editors changed since the last import, replaced by the file (--discard-edits).
    discarded: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    page_files: list = field(default_factory=list)  # (Page, file path, zones found)


@contextlib.contextmanager
def at_line(line):
    """A write the database refuses becomes an error that names the line it came from."""
    try:
        yield
    except (DataError, IntegrityError) as error:
        raise ExportError(f"无法写入数据库:{error}", line) from error


def status_for(publish, needs_review):
    """Published when the import publishes, unless an editor must look at it first."""
    return PrintedStatus.PUBLISHED if publish and not needs_review else PrintedStatus.DRAFT


def fit_to_fields(obj, names):
    """Cut each of the text fields ``names`` of ``obj`` to its max_length: text read off a scan
    may run on where nothing printed would."""
    for name in names:
        limit = obj._meta.get_field(name).max_length
        setattr(obj, name, getattr(obj, name)[:limit])


def review_note(problems, repairs=()):
    """The 核对说明 of an imported item: what an editor must check, then what was repaired."""
    lines = []
    if problems:
        lines += ["需要核对:", *problems]
    if repairs:
        lines += ["导入时已修复:", *map(str, repairs)]
    return "\n".join(lines)


def write_issue(
    export,
    date,
    *,
    number=None,
    publish=False,
    replace=False,
    discard_edits=False,
    dry_run=False,
    pages_dir=None,
):
    """Store ``export`` as the issue of ``date``; all or nothing. Returns an ImportResult.

    An existing issue is an error unless ``replace``; so is replacing one that editors have
    changed since it was last imported (their corrections would be lost without a word),
    unless ``discard_edits``: the error names each change, who made it and when. Everything
    is a draft unless ``publish``;
    what needs an editor's review stays a draft even then. ``dry_run`` rolls everything back.
    ``pages_dir`` holds the pages as printed (A01.pdf …), attached last: a bad file undoes the
    whole import, and no file is stored before every one has been checked.
    """
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(date=date).first()
        if issue and not replace:
            raise ExportError(
                f"{chinese_date(date)}的报纸已经存在;要用这个文件替换它,请加 --replace"
            )
        replaced = issue is not None
        edits = issue.edited_since_import() if issue else []
        if edits and not discard_edits:
            raise ExportError(edits_message(issue, edits))
        issue = issue or Issue(date=date)
        result = ImportResult(issue=issue, replaced=replaced, dry_run=dry_run, discarded=edits)
        if number is not None:
            issue.number = number
        issue.is_published = publish
        issue.save()
        pages, old_pages = _write_pages(issue, export.pages)
        result.pages = list(pages.values())
        for part in registered_parts():
            part.write(issue, pages, export, result, publish=publish)
        for page in old_pages:
            page.delete()
        if pages_dir:
            try:
                result.page_files = attach_page_files(issue, pages_dir, dry_run=dry_run)
            except PageFileError as error:
                raise ExportError(str(error)) from error
        # After every write above, so that the rows this import wrote are not edits since it.
        issue.imported = timezone.now()
        issue.save(update_fields=["imported"])
        if dry_run:
            transaction.set_rollback(True)
    return result


def describe_edit(obj):
    """One change an import would replace: 公告“遗失声明 YT20241022-002”:小王于…修改(…)."""
    return f"{obj._meta.verbose_name}“{obj}”:{describe_change(obj)}"


def edits_message(issue, edits, shown=10):
    listed = ";".join(describe_edit(obj) for obj in edits[:shown])
    more = f"等 {len(edits)} 处" if len(edits) > shown else ""
    since = (
        f"{chinese_date(issue.date)}的报纸在上次导入之后有 {len(edits)} 处修改"
        if issue.imported
        else f"{chinese_date(issue.date)}的报纸没有导入记录,有 {len(edits)} 处在后台录入或修改"
    )
    return (
        f"{since},替换会覆盖它们:{listed}{more}。"
        "请先把这些修改改进导出文件;确认要放弃它们、按文件替换,请加 --discard-edits"
    )


def _write_pages(issue, parsed_pages):
    """The issue's pages by code, as in the export; and the old pages the export no longer has."""
    old = {page.code: page for page in issue.pages.all()}
    pages = {}
    for order, parsed in enumerate(parsed_pages, start=1):
        page = old.pop(parsed.code, None) or Page(issue=issue, code=parsed.code)
        page.name = parsed.name or page.name
        page.order = order
        with at_line(parsed.line):
            page.save()
        pages[parsed.code] = page
    return pages, list(old.values())
