"""What each app adds to an import, registered the way apps register with the admin.

The export is read here into pages and sections (a headline and what follows it); each section
belongs to one part, which reads it, writes what it read inside the import's one transaction
and says in the report what it did. An app subclasses ImportPart and registers an instance from
its ``AppConfig.ready()``; parts run in the order of INSTALLED_APPS.

Like middleware on a request, a part keeps what it read as attributes of the ParsedExport
(``export.notices``) and what it wrote as attributes of the ImportResult (``result.notices``).
"""


class ImportPart:
    """One kind of content of a day's export: how it is recognised, read, written, reported."""

    # Whether a numbered ``## 一、…`` line inside this part's section is a heading of it,
    # rather than the headline of a new section.
    numbered_headings = False
    # Whether this part reads every section that no other part claims (there is one: articles).
    takes_the_rest = False

    def claims(self, section):
        """Whether ``section`` (paper.importing.parsing.Section) is this part's to read.

        Asked while the section is still being read, and again once it is whole.
        """
        return False

    def starts_in(self, section):
        """Where this part's content begins inside a section another part reads, or None.

        ``(index, offset)``: the paragraph ``section.body[index]``, from ``offset`` in its
        text; everything from there to the end of the section is then this part's to read.
        """
        return None

    def read(self, sections, export):
        """Read this part's sections into attributes of ``export``. Pure: no database."""
        raise NotImplementedError

    def write(self, issue, pages, export, result, *, publish):
        """Store what was read for ``issue`` (``pages`` by code) and set it on ``result``.

        Runs inside the import's transaction; raise paper.importing.ExportError, naming the
        line, for what the database refuses. Published only if ``publish`` and nothing needs
        an editor's review.
        """
        raise NotImplementedError

    def write_recognised(self, page, export, result):
        """Store what was read off ``page``'s scan as drafts on that page (paper.ocr.drafts).

        ``export`` is what the parts read from the page's layout; ``result`` is a
        paper.ocr.drafts.RecognisedPage, which says where each item stands on the scan, how
        sure the reading is and what an earlier reading wrote. Replace only that (never what
        an editor entered, reviewed or published), flag everything for review, and hand each
        item to ``result.record()``. Runs inside the page's one transaction.
        """

    def report(self, export, result):
        """What was created: lines for the report, under a heading of their own."""
        return []

    def review(self, export, result):
        """What an editor must look at, a line each."""
        return []

    def notes(self, export, result):
        """What an editor may like to know, a line each."""
        return []

    def review_url(self, result):
        """The admin list of what was flagged for review, or None when nothing was."""
        return None


_parts = []


def register(part):
    """Add ``part`` to every import from now on; an app calls it in ``AppConfig.ready()``."""
    if any(type(known) is type(part) for known in _parts):
        raise ValueError(f"{type(part).__name__} is already registered")
    _parts.append(part)
    return part


def registered_parts():
    return list(_parts)


def part_for(section, parts):
    """The part that reads ``section``: the first to claim it, or the one that takes the rest."""
    if section.part is not None:
        return section.part
    for part in parts:
        if not part.takes_the_rest and part.claims(section):
            return part
    return next((part for part in parts if part.takes_the_rest), None)
