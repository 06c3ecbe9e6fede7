"""Atom feeds of the newest notices, for all kinds and for each kind (遗失声明, 结婚启事 …)."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode

from paper.text import xml_safe

from .models import Notice, NoticeKind

FEED_LENGTH = 50


class LatestNoticesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return f"{settings.PAPER_NAME} · 最新公告"

    def subtitle(self):
        return f"{settings.PAPER_NAME}公告栏最新刊登的{FEED_LENGTH}条公告"

    def link(self):
        return reverse("notices:notice-list")

    def author_name(self):
        return settings.PAPER_NAME

    def items(self):
        return Notice.objects.published().for_detail()[:FEED_LENGTH]

    # Resident ID numbers are masked as on every public page; the summary is HTML, so the
    # text is escaped before it goes in.
    def item_title(self, notice):
        return xml_safe(notice.title())

    def item_description(self, notice):
        return escape(xml_safe(notice.public_text()))

    def item_pubdate(self, notice):
        return timezone.make_aware(datetime.datetime.combine(notice.pub_date, datetime.time()))

    def item_updateddate(self, notice):
        return notice.updated

    def item_categories(self, notice):
        return [notice.get_kind_display()]


class NoticeKindFeed(LatestNoticesFeed):
    """The newest notices of one kind: ``/feeds/notices/lost/``."""

    def get_object(self, request, kind):
        if kind not in NoticeKind.values:
            raise Http404("没有这种公告")
        return NoticeKind(kind)

    def title(self, kind):
        return f"{settings.PAPER_NAME} · {kind.label}"

    def subtitle(self, kind):
        return f"{settings.PAPER_NAME}公告栏最新刊登的{FEED_LENGTH}条{kind.label}"

    def link(self, kind):
        return f"{reverse('notices:notice-list')}?{urlencode({'kind': kind.value})}"

    def items(self, kind):
        return Notice.objects.published().for_detail().filter(kind=kind)[:FEED_LENGTH]
