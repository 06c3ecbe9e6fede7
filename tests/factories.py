"""Small factory functions: each makes one valid object, any field overridable."""

import datetime
import itertools
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from articles.models import Article
from paper.models import Issue, Page
from tests import typeset

SAMPLE_EXPORT = Path(settings.BASE_DIR) / "sample" / "page-export-2024-10-22.txt"

_days = itertools.count()


def make_issue(**overrides):
    fields = {
        "date": datetime.date(2024, 1, 1) + datetime.timedelta(days=next(_days)),
        "is_published": True,
    }
    fields.update(overrides)
    return Issue.objects.create(**fields)


def make_page(issue=None, **overrides):
    issue = issue or make_issue()
    order = overrides.pop("order", issue.pages.count() + 1)
    fields = {"code": f"A{order:02d}", "name": "要闻", "order": order}
    fields.update(overrides)
    return Page.objects.create(issue=issue, **fields)


def make_article(page=None, **overrides):
    page = page or make_page()
    fields = {
        "headline": "烟台市整形美容协会成立大会成功召开",
        "source": "本报讯",
        "body": (
            "10月18日,烟台市整形美容协会成立大会在东山宾馆隆重举行。\n\n"
            "## 一、总体要求\n\n"
            "会议选举产生了第一届理事会。"
        ),
        "status": Article.Status.PUBLISHED,
        "order": page.articles.count() + 1,
    }
    fields.update(overrides)
    return Article.objects.create(issue=page.issue, page=page, **fields)


def make_archive(issue_count, pages_per_issue=2, articles_per_page=2):
    """Published issues, each with pages, articles and a notice; returns the newest issue."""
    issue = None
    for _ in range(issue_count):
        issue = make_issue()
        for _ in range(pages_per_issue):
            page = make_page(issue)
            for n in range(articles_per_page):
                make_article(page, headline=f"{issue.date} {page.code} 第{n + 1}篇")
        make_notice(page, items=[{"holder": "张三"}, {"holder": "李四"}])
    return issue


def make_notice(page=None, items=(), **overrides):
    """A lost-certificate notice with the given items (dicts of LostItem fields)."""
    from notices.models import DocumentType, LostItem, Notice

    page = page or make_page(code="A03", name="公告")
    fields = {"kind": Notice.Kind.LOST, "status": Notice.Status.PUBLISHED}
    fields.update(overrides)
    notice = Notice(issue=page.issue, page=page, **fields)
    notice.save()
    for order, item in enumerate(items or [{"holder": "毕丽静"}], start=1):
        item = dict(item)
        if isinstance(item.get("document_type"), str):
            item["document_type"] = DocumentType.objects.get(name=item["document_type"])
        if "document_type" not in item:
            item["document_type"] = DocumentType.objects.get(name="收据")
        LostItem.objects.create(notice=notice, order=order, **item)
    if not notice.text:
        notice.text = notice.compose_text()
        notice.fee = notice.compute_fee()
        notice.save()
    return notice


def import_sample_issue():
    """The seed issue of 2024-10-22, imported and published as ``make run`` loads it."""
    call_command(
        "import_issue", str(SAMPLE_EXPORT), "--date", "2024-10-22", "--publish", verbosity=0
    )
    return Issue.objects.get(date=datetime.date(2024, 10, 22))


def make_wedding_notice(page=None, wedding=None, **overrides):
    """A wedding announcement (结婚启事) with its couple and wording.

    ``wedding`` overrides fields of its WeddingDetails (the couple, the date, the message).
    """
    from notices.models import Notice, WeddingDetails

    page = page or make_page(code="A03", name="公告")
    fields = {"kind": Notice.Kind.WEDDING, "status": Notice.Status.PUBLISHED}
    fields.update(overrides)
    notice = Notice(issue=page.issue, page=page, **fields)
    notice.save()
    details = {"groom": "张雨", "bride": "百音一兰", "wedding_date": datetime.date(2024, 11, 2)}
    details.update(wedding or {})
    WeddingDetails.objects.create(notice=notice, **details)
    if not notice.text:
        notice.text = notice.compose_text()
        notice.save()
    return notice


def make_pdf(lines=(), pages=1, size=(842, 1190)):
    """A PDF of ``pages`` pages, each with ``lines`` of Chinese text: (left, top, size, text).

    Positions are in points from the page's top left corner; every character is one em wide
    (the font is the standard STSong-Light, which PDF readers supply), so a test knows exactly
    where each line is printed.
    """
    width, height = size
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 5 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    for _ in range(pages):
        text = "\n".join(
            f"BT /F1 {font_size} Tf {left} {height - top - font_size * 0.88:.2f} Td "
            f"<{line.encode('utf-16-be').hex()}> Tj ET"
            for left, top, font_size, line in lines
        ).encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text))
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Contents {len(objects)} 0 R /Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>".encode()
    pdf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def make_scan(width=1400, height=2000, format="PNG", **options):
    """A scanned page as an image file's bytes: grey text-like bars on white paper."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for top in range(height // 10, height - height // 10, max(height // 40, 2)):
        draw.rectangle([width // 10, top, width - width // 10, top + height // 100], fill="#555")
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


CJK_FONTS = {False: typeset.SERIF, True: typeset.SANS_BOLD}


def make_printed_scan(lines, size=(1400, 2000), confidence=0.97):
    """A scan with Chinese text printed where asked, and what an OCR engine would read off it.

    ``lines`` are (left, top, font size, text, bold) in pixels. Returns the PNG's bytes and the
    lines as ``PageRecognition.data["lines"]`` holds them (paper.ocr.lines.Line.to_json): each
    line's box and its characters' boxes measured from the font, every confidence
    ``confidence``.
    """
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    read = []
    for left, top, font_size, text, bold in lines:
        font = typeset.cjk_font(CJK_FONTS[bold], font_size)
        draw.text((left, top), text, font=font, fill=20)
        box = draw.textbbox((left, top), text, font=font)
        chars = []
        for n, char in enumerate(text):
            start = left + draw.textlength(text[:n], font=font)
            end = left + draw.textlength(text[: n + 1], font=font)
            chars.append([char, [round(start, 1), box[1], round(end, 1), box[3]], confidence])
        read.append(
            {
                "text": text,
                "box": [float(value) for value in box],
                "confidence": confidence,
                "chars": chars,
                "vertical": False,
            }
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), read


# A short page as printed: a headline, an article and a lost-certificate notice, in the
# positions of a small scan (800 × 1100 px): (left, top, size in px, text, bold).
PRINTED_PAGE = [
    (60, 60, 44, "烟台港举行安全生产会议", True),
    (60, 150, 24, "本报讯 10月18日,烟台港集团召开安全", False),
    (60, 190, 24, "生产工作会议,总结前三季度的工作。", False),
    (60, 230, 24, "会议要求各单位落实安全责任。", False),
    (60, 330, 30, "遗失声明", True),
    (60, 385, 24, "张三遗失居民身份证,号码", False),
    (60, 425, 24, "370602199001011239,声明作废。", False),
]


def make_text_scan(lines=PRINTED_PAGE, size=(800, 1100), format="PNG", rotate=0, skew=0, **options):
    """A scan of printed text: ``lines`` of (left, top, size, text, bold) in black on white,
    in Noto CJK (Debian's fonts-noto-cjk); ``rotate`` turns the page anticlockwise (90: on
    its side); ``skew`` turns it as many degrees anticlockwise about its centre, its size
    kept (a page fed in askew)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for left, top, font_size, text, bold in lines:
        font = typeset.cjk_font(typeset.SANS_BOLD if bold else typeset.SANS, font_size)
        draw.text((left, top), text, font=font, fill="black")
    if rotate:
        image = image.rotate(rotate, expand=True)
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor="white")
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def text_box(line, first, count, size=(800, 1100)):
    """Where ``count`` characters of ``line`` (a PRINTED_PAGE row) from ``first`` are printed,
    in shares of the page, measured with the font; shrunk a little to lie inside them."""

    left, top, font_size, text, bold = line
    font = typeset.cjk_font(typeset.SANS_BOLD if bold else typeset.SANS, font_size)
    start = left + font.getlength(text[:first])
    end = left + font.getlength(text[: first + count])
    _, ink_top, _, ink_bottom = font.getbbox(text, anchor="la")
    width, height = size
    return (
        (start + 2) / width,
        (top + ink_top + 2) / height,
        (end - 2) / width,
        (top + ink_bottom - 2) / height,
    )


def make_scanned_page(data=None, issue=None, **overrides):
    """A page with a scan attached (rendered and stored as the admin does)."""
    from paper.page_files import attach_page_file

    page = make_page(issue, **overrides)
    attach_page_file(page, data if data is not None else make_text_scan())
    page.refresh_from_db()
    return page
