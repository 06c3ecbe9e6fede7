"""manage.py generate_archive: a synthetic archive that the site serves like a real one.

On PostgreSQL the rows go in with COPY, which names every column itself: this test is what
notices a new column without a database default that the generator leaves out. The test is
transactional because the generator commits before it builds the token indexes, which
PostgreSQL refuses inside the transaction that wrote the rows.
"""

import pytest
from django.core.management import call_command

from articles.models import Article
from notices.models import LostItem, Notice
from paper.models import Issue, Page

# serialized_rollback: the data migrations' rows (document types, the rate card) come back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_generated_archive_is_published_and_served(client):
    call_command(
        "generate_archive", issues=2, pages=3, articles=6, notices=2, workers=1, verbosity=0
    )

    assert Issue.objects.published().count() == 2
    assert Page.objects.count() == 6
    assert Article.objects.published().filter(needs_review=False).count() == 12
    assert Notice.objects.published().filter(needs_review=False).count() == 4
    assert LostItem.objects.count() >= 4
    article = Article.objects.published().first()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.text
    notice = Notice.objects.published().first()
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 200
    assert notice.reference in response.text
    assert Article.objects.search(article.headline[:4]).filter(pk=article.pk).exists()
