from django.conf import settings
from django.http import QueryDict
from django.utils.functional import SimpleLazyObject

from .text import masked_query


def paper(request):
    query = request.GET if request else QueryDict()
    return {
        "paper_name": settings.PAPER_NAME,
        # The reader's query as links show it back: resident IDs masked.
        "public_query": SimpleLazyObject(lambda: masked_query(query)),
    }
