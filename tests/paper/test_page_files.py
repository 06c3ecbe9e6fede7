"""Page files: checked, rendered, stored, their zones found; render_pages and attach_pages."""

import io
import json
import struct
import zlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from articles.models import ArticleZone
from paper.models import Issue, Page
from paper.page_files import attach_page_file, attach_page_files
from paper.page_rendering import PageFileError, render
from tests.conftest import SAMPLE_PAGES, load_sample_issue_with_pages
from tests.factories import (
    import_sample_issue,
    make_article,
    make_issue,
    make_page,
    make_pdf,
    make_scan,
)

pytestmark = pytest.mark.django_db

HEADLINE = "烟台市整形美容协会成立大会成功召开"
PARAGRAPHS = [
    "10月18日,烟台市整形美容协会成立大会在东山宾馆隆重举行。",
    "会议选举产生了第一届理事会,审议通过了协会章程。",
]
# The page is 842 × 1190 pt. Zones found from the text layer must lie within this fraction of the
# page's width or height of where the text was printed: 0.01 is 8 pt here, 3.5 mm on a broadsheet.
TOLERANCE = 0.01


def article_page_pdf():
    """A headline over two columns of text, printed where the test knows."""
    return make_pdf(
        [
            (100, 120, 40, HEADLINE),  # 17 characters of 40 pt: 100–780 pt across
            (100, 200, 12, PARAGRAPHS[0][:20]),
            (100, 216, 12, PARAGRAPHS[0][20:]),
            (460, 200, 12, PARAGRAPHS[1][:20]),
            (460, 216, 12, PARAGRAPHS[1][20:]),
        ]
    )


def png_header(width, height):
    """A PNG that claims ``width`` × ``height`` pixels in a few bytes: a decompression bomb."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def multi_page_tiff():
    frames = [Image.new("L", (1000, 1400), "white") for _ in range(2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def stored_files(media_root):
    if not media_root.exists():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def size_of(webp):
    image = Image.open(io.BytesIO(webp))
    assert image.format == "WEBP"
    return image.size


def test_pdf_page_renders_a_reading_image_and_a_thumbnail():
    rendered = render(article_page_pdf())
    assert rendered.kind == "pdf"
    assert size_of(rendered.image) == (2000, 2827)  # 2000 × 1190 / 842
    assert size_of(rendered.thumbnail) == (300, 424)
    assert (rendered.width, rendered.height) == (2000, 2827)


@pytest.mark.parametrize(
    ("size", "reading", "thumbnail"),
    [((2100, 3000), (2000, 2857), (300, 429)), ((1200, 1700), (1200, 1700), (300, 425))],
)
@pytest.mark.parametrize("format", ["PNG", "JPEG", "TIFF"])
def test_scans_render_at_most_2000_wide_in_proportion(format, size, reading, thumbnail):
    rendered = render(make_scan(*size, format=format))
    assert rendered.kind == format.lower()
    assert size_of(rendered.image) == reading
    assert size_of(rendered.thumbnail) == thumbnail


def test_scan_is_turned_upright_by_its_exif_orientation():
    image = Image.open(io.BytesIO(make_scan(1000, 1400, format="JPEG")))
    exif = image.getexif()
    exif[0x0112] = 6  # the camera was turned: show rotated by 90°
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert render(buffer.getvalue()).width == 1400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        ("<html><body>不是版面</body></html>".encode(), "不是 PDF,也不是 PNG、JPEG 或 TIFF"),
        (make_pdf([(100, 100, 20, HEADLINE)])[:400], "PDF 文件已损坏"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 100, "PDF 文件已损坏"),
        (make_pdf([(100, 100, 20, HEADLINE)], pages=3), "这份 PDF 有 3 页"),
        (make_pdf([(10, 10, 10, "窄")], size=(100, 2000)), "不像一个版面"),
        (png_header(40000, 40000), "超过了 150 百万像素"),  # past Pillow's own bomb limit
        (png_header(13000, 12000), "13000×12000 像素,超过了 150 百万像素"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "图片文件已损坏"),
        (make_scan(1000, 1400, format="JPEG")[:3000], "图片文件已损坏"),
        (multi_page_tiff(), "有 2 页"),
        (make_scan(400, 560), "图片只有 400 像素宽"),
    ],
    ids=[
        "empty",
        "not-a-pdf-or-image",
        "truncated-pdf",
        "damaged-pdf",
        "several-pages",
        "not-page-shaped",
        "decompression-bomb",
        "too-many-pixels",
        "damaged-png",
        "truncated-jpeg",
        "multi-page-tiff",
        "too-coarse",
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(PageFileError, match=message):
        render(data)


def test_file_over_the_size_limit_is_refused(settings):
    settings.PAGE_FILE_MAX_MB = 1
    data = article_page_pdf() + b"%" + b"x" * 1024 * 1024
    with pytest.raises(PageFileError, match=r"文件有 1\.0 MB,超过了 1 MB 的上限"):
        render(data)


def test_attaching_a_pdf_stores_file_images_and_the_headline_zone(media_root):
    page = make_page(code="A04", name="综合")
    article = make_article(page, headline=HEADLINE, body="\n\n".join(PARAGRAPHS))

    assert attach_page_file(page, article_page_pdf()) == 1

    page.refresh_from_db()
    assert page.has_pdf and page.has_image
    assert (page.image_width, page.image_height) == (2000, 2827)
    day = f"pages/{page.issue.date:%Y/%m/%d}"
    assert page.file.name.startswith(f"{day}/A04-") and page.file.name.endswith(".pdf")
    assert stored_files(media_root) == sorted(
        [page.file.name, page.image.name, page.thumbnail.name]
    )
    assert size_of(page.thumbnail.read()) == (300, 424)
    zone = article.zones.get()
    # The headline's box, and below it both columns of text: 100–(460 + 20 × 12) pt across.
    assert float(zone.left) == pytest.approx(100 / 842, abs=TOLERANCE)
    assert float(zone.top) == pytest.approx(120 / 1190, abs=TOLERANCE)
    assert float(zone.left + zone.width) == pytest.approx(
        max(780, 460 + 20 * 12) / 842, abs=TOLERANCE
    )
    assert float(zone.top + zone.height) == pytest.approx(228 / 1190, abs=TOLERANCE)


def test_headline_not_on_the_page_gets_no_zone():
    page = make_page()
    make_article(page, headline="这篇文章不在这一版上")
    assert attach_page_file(page, article_page_pdf()) == 0
    assert not ArticleZone.objects.exists()


def test_zones_an_editor_drew_are_kept_when_a_file_is_attached_again():
    page = make_page()
    article = make_article(page, headline=HEADLINE)
    article.zones.create(left="0.5", top="0.5", width="0.2", height="0.1")
    assert attach_page_file(page, article_page_pdf()) == 0
    zone = article.zones.get()
    assert (zone.left, zone.top, zone.width, zone.height) == (
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("0.2"),
        Decimal("0.1"),
    )


def test_a_new_file_replaces_the_old_ones_after_commit(
    media_root, django_capture_on_commit_callbacks
):
    page = make_page()
    with django_capture_on_commit_callbacks(execute=True):
        attach_page_file(page, article_page_pdf())
    first = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        attach_page_file(page, make_scan(1400, 2000))
    page.refresh_from_db()
    assert page.file.name.endswith(".png")
    assert stored_files(media_root) == sorted(
        [page.file.name, page.image.name, page.thumbnail.name]
    )
    assert not set(first) & set(stored_files(media_root))


def test_attach_page_files_attaches_by_page_code(tmp_path, media_root):
    issue = make_issue()
    a01, a02 = make_page(issue, code="A01"), make_page(issue, code="A02")
    make_article(a01, headline=HEADLINE, body="\n\n".join(PARAGRAPHS))
    (tmp_path / "A01.pdf").write_bytes(article_page_pdf())
    (tmp_path / "a02.PNG").write_bytes(make_scan(1400, 2000))
    (tmp_path / "说明.txt").write_text("不是版面文件,不理会。")

    attached = attach_page_files(issue, tmp_path)

    assert [(page.code, path.name, zones) for page, path, zones in attached] == [
        ("A01", "A01.pdf", 1),
        ("A02", "a02.PNG", 0),
    ]
    a01.refresh_from_db()
    a02.refresh_from_db()
    assert a01.has_pdf and a01.has_image
    assert a02.file.name.endswith(".png") and a02.image_width == 1400
    assert len(stored_files(media_root)) == 6


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"A01.pdf": article_page_pdf(), "A02.pdf": make_pdf(pages=2)}, "A02.pdf:这份 PDF 有 2 页"),
        ({"A01.pdf": article_page_pdf(), "B07.pdf": article_page_pdf()}, "B07.pdf:.*没有 B07 版"),
        ({"A01.pdf": article_page_pdf(), "A01.png": make_scan()}, "A01.png:A01 版已有文件"),
        ({"A01.pdf": article_page_pdf(), "A02.tif": b"II*\x00broken"}, "A02.tif:图片文件已损坏"),
    ],
    ids=["multi-page", "no-such-page", "two-files-for-a-page", "damaged-scan"],
)
def test_one_bad_file_in_a_folder_attaches_nothing(tmp_path, media_root, files, message):
    issue = make_issue()
    make_page(issue, code="A01")
    make_page(issue, code="A02")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(PageFileError, match=message):
        attach_page_files(issue, tmp_path)
    assert stored_files(media_root) == []
    assert not Page.objects.exclude(file="").exists()


def test_zones_on_the_sample_pages_are_where_chromium_printed_the_headlines(render_once):
    """headlines.json: the headlines' boxes as measured in the browser that printed the PDFs."""
    load_sample_issue_with_pages()
    printed = json.loads((SAMPLE_PAGES / "headlines.json").read_text())
    # The file names articles by the ids they had when it was made; each page has at most one.
    zones = {
        zone.article.page.code: zone for zone in ArticleZone.objects.select_related("article__page")
    }
    assert sorted(zones) == sorted(code for code, page in printed.items() if page)
    for code, headlines in printed.items():
        for pk, (left, top, right, bottom) in headlines.items():
            zone = zones[code]
            assert float(zone.top) == pytest.approx(top, abs=TOLERANCE), pk
            assert float(zone.left) <= left + TOLERANCE, pk
            assert float(zone.left + zone.width) >= right - TOLERANCE, pk
            # The zone goes on below the headline, over the article's text.
            assert float(zone.top + zone.height) > bottom + 0.05, pk
    a03 = Page.objects.get(code="A03")
    assert all(notice.zones.exists() for notice in a03.notices.all())


def test_render_pages_renders_missing_images_with_progress(render_once, media_root):
    load_sample_issue_with_pages()
    a02 = Page.objects.get(code="A02")
    a02.image.storage.delete(a02.image.name)
    out = StringIO()

    call_command("render_pages", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "[1/4] 2024-10-22 A01 图片已有,跳过"
    assert lines[1].startswith("[2/4] 2024-10-22 A02 2000×2857 用时 ")
    assert lines[-1] == "生成了 1 个版面的图片。"
    assert a02.image.storage.exists(a02.image.name)


def test_render_pages_force_renders_every_page_of_a_date(render_once):
    load_sample_issue_with_pages()
    other = make_page(make_issue(), code="A01")
    attach_page_file(other, article_page_pdf())
    out = StringIO()
    call_command("render_pages", "--force", "--date", "2024-10-22", stdout=out)
    assert "生成了 4 个版面的图片。" in out.getvalue()
    assert str(other.issue.date) not in out.getvalue()


def test_render_pages_names_the_pages_it_could_not_render(media_root):
    issue = make_issue()
    good, bad = make_page(issue, code="A01"), make_page(issue, code="A02")
    attach_page_file(good, article_page_pdf())
    attach_page_file(bad, article_page_pdf() + b" ")
    (media_root / bad.file.name).write_bytes(b"%PDF-1.7\nthis file was damaged on disk")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match=rf"1 个版面未能生成图片:\n{issue.date} A02"):
        call_command("render_pages", "--force", stdout=out, stderr=err)

    assert "PDF 文件已损坏" in err.getvalue()
    assert f"[1/2] {issue.date} A01 2000×2827" in out.getvalue()


def test_render_pages_refuses_a_date_without_an_issue():
    with pytest.raises(CommandError, match="没有 2030-01-01 这一期报纸"):
        call_command("render_pages", "--date", "2030-01-01")


def test_attach_pages_command_attaches_the_sample_pages(render_once):
    import_sample_issue()
    out = StringIO()
    call_command("attach_pages", str(SAMPLE_PAGES), "--date", "2024-10-22", stdout=out)
    assert "A03 公告:A03.pdf,找到热区 3 个" in out.getvalue()
    assert "2024年10月22日:附上了 4 个版面文件。" in out.getvalue()
    assert Issue.objects.get().pages.exclude(image="").count() == 4


def test_attach_pages_command_dry_run_and_errors(tmp_path, media_root):
    issue = make_issue()
    make_page(issue, code="A01")
    (tmp_path / "A01.pdf").write_bytes(article_page_pdf())
    out = StringIO()
    call_command("attach_pages", str(tmp_path), "--date", str(issue.date), "--dry-run", stdout=out)
    assert "检查了 1 个版面文件" in out.getvalue()
    assert stored_files(media_root) == []

    (tmp_path / "A01.pdf").write_bytes(b"not a page")
    with pytest.raises(CommandError, match="A01.pdf:这个文件不是 PDF"):
        call_command("attach_pages", str(tmp_path), "--date", str(issue.date))
    with pytest.raises(CommandError, match="没有 2030-01-01 这一期报纸"):
        call_command("attach_pages", str(tmp_path), "--date", "2030-01-01")


def test_a_failure_after_storing_leaves_no_files_behind(media_root, monkeypatch):
    from paper import page_files

    def broken(page, data):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(page_files, "find_zones", broken)
    page = make_page()
    with pytest.raises(RuntimeError):
        attach_page_file(page, article_page_pdf())
    assert stored_files(media_root) == []
    page.refresh_from_db()
    assert not page.file
