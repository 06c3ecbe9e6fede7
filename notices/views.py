import segno
from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django_filters.views import FilterView

from paper.data import filtered_list_response, json_error, json_response
from paper.pagination import FilteredListMixin
from paper.text import chinese_date, meta_description

from .data import notice_data, notice_structured_data
from .filters import NoticeFilter
from .models import AdDeskPhone, Notice, RateCategory


class NoticeListView(FilteredListMixin, FilterView):
    filterset_class = NoticeFilter
    paginate_by = 20
    template_name = "notices/notice_list.html"

    def get_queryset(self):
        return Notice.objects.published().for_list().with_titles()

    def get_context_data(self, **kwargs):
        description = (
            f"查询{settings.PAPER_NAME}刊登的遗失声明、结婚启事和其他公告:"
            "按持有人姓名、证件类型、证件号码查找,打印登报证明。"
        )
        return super().get_context_data(**kwargs, description=description)


def notice_detail(request, pk):
    notice = get_object_or_404(Notice.objects.published().for_detail().with_revisions(), pk=pk)
    canonical_url = request.build_absolute_uri(notice.get_absolute_url())
    context = {
        "notice": notice,
        "canonical_url": canonical_url,
        # Who and which document first (a long wording is cut), the wording masked.
        "description": meta_description(f"{notice.list_title()}:{notice.public_text()}"),
        "structured_data": notice_structured_data(notice, canonical_url),
        "wordings": notice.wordings(),
        "corrected": notice.corrected(),
    }
    return render(request, "notices/notice_detail.html", context)


def notice_proof(request, pk):
    notice = get_object_or_404(
        Notice.objects.published().for_list().with_titles().with_revisions(), pk=pk
    )
    permalink = request.build_absolute_uri(notice.get_absolute_url())
    context = {
        "notice": notice,
        "description": meta_description(
            f"登报证明:{notice.list_title()},{chinese_date(notice.pub_date)}刊登于"
            f"《{settings.PAPER_NAME}》{notice.page.code}版,公告编号 {notice.reference}。"
        ),
        # A proof certifies what the paper printed, whatever was corrected since.
        "printed": notice.printed_wording(),
        "permalink": permalink,
        "qr_svg": qr_code_svg(permalink),
        "printed_on": timezone.localdate(),
    }
    return render(request, "notices/notice_proof.html", context)


def notice_list_json(request):
    """``/notices.json``: the list with the same filters and pages, as data."""
    notices = Notice.objects.published().for_detail().with_revisions()
    filterset = NoticeFilter(request.GET, queryset=notices)
    return filtered_list_response(request, filterset, NoticeListView.paginate_by, notice_data)


def notice_detail_json(request, pk):
    notice = Notice.objects.published().for_detail().with_revisions().filter(pk=pk).first()
    if notice is None:
        return json_error(404, "没有这条公告,或者尚未发布。", "not_found")
    return json_response(notice_data(notice, request))


def rates(request):
    categories = list(RateCategory.objects.prefetch_related("document_types"))
    prices = ";".join(f"{category.name} {category.price}元" for category in categories)
    context = {
        "categories": categories,
        "phones": AdDeskPhone.objects.all(),
        "description": meta_description(
            f"在{settings.PAPER_NAME}公告栏刊登遗失声明、结婚启事和其他声明:"
            f"收费标准({prices}),如何登记和核对刊登文字。"
        ),
    }
    return render(request, "notices/rates.html", context)


# The QR code's mask pattern. Any of the eight is a valid code; scoring all eight to pick the
# one a scanner reads most easily took three quarters of a proof page's time (20 ms).
QR_MASK = 0


def qr_code_svg(url):
    """The URL as an inline SVG QR code, made here: the proof needs no outside service."""
    return segno.make(url, error="m", mask=QR_MASK).svg_inline(scale=3, title="公告链接二维码")
