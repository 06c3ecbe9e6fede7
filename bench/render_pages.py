"""How long rendering a page takes, and how big the images are.

    .venv/bin/python bench/render_pages.py [--repeat 5]    (or: make bench-render)

Renders each sample page PDF (paper/fixtures/sample_pages: broadsheet pages typeset by
Chromium, the densest with about 5,000 characters) and two synthetic scans of a broadsheet
page at 300 dpi, a JPEG and a PNG, as paper.page_rendering does when a file is attached.
Prints the median of each step over the repeats, and the sizes of what is stored.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw  # noqa: E402

from paper import page_rendering  # noqa: E402

SAMPLE_PAGES = ROOT / "paper" / "fixtures" / "sample_pages"


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def broadsheet_scan(format):
    """A 350 × 500 mm page at 300 dpi: lines of grey 'text' in six columns on off-white paper."""
    width, height = 4134, 5906
    image = Image.new("RGB", (width, height), (246, 243, 236))
    draw = ImageDraw.Draw(image)
    column = (width - 300) // 6
    for n in range(6):
        left = 150 + n * column
        for top in range(400, height - 200, 45):
            draw.rectangle([left + 20, top, left + column - 20, top + 24], fill=(70, 70, 70))
    draw.rectangle([150, 120, width - 150, 330], fill=(179, 18, 27))
    buffer = io.BytesIO()
    image.save(buffer, format, **({"quality": 85} if format == "JPEG" else {}))
    return buffer.getvalue()


def measure(name, data, repeat):
    steps = {"render": [], "draw": [], "webp": [], "text layer": []}
    rendered = None
    for _ in range(repeat):
        rendered, seconds = timed(page_rendering.render, data)
        steps["render"].append(seconds)
        if page_rendering.sniff(data) == "pdf":
            picture, seconds = timed(page_rendering.draw_pdf, data)
            _, text_seconds = timed(page_rendering.read_text_layer, data)
            steps["text layer"].append(text_seconds)
        else:
            picture, seconds = timed(
                lambda: page_rendering.prepare_scan(page_rendering.open_scan(data))
            )
        steps["draw"].append(seconds)
        reading = page_rendering.fit_width(picture, page_rendering.READING_WIDTH)
        _, seconds = timed(page_rendering.encode_webp, reading, page_rendering.READING_QUALITY)
        steps["webp"].append(seconds)
    figures = "  ".join(
        f"{step} {statistics.median(values):.2f} s" for step, values in steps.items() if values
    )
    print(
        f"{name:<14} {len(data) / 1024:>7.0f} KB → {rendered.width}×{rendered.height} "
        f"{len(rendered.image) / 1024:>4.0f} KB, thumbnail {len(rendered.thumbnail) / 1024:.0f} KB"
        f"   {figures}"
    )
    return statistics.median(steps["render"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        f"pypdfium2 {page_rendering.pdfium.version.PYPDFIUM_INFO}, "
        f"PDFium {page_rendering.pdfium.version.PDFIUM_INFO.build}, Pillow {Image.__version__}, "
        f"{os.cpu_count()} CPUs; median of {args.repeat}; 'render' is the whole job "
        "(check, draw, reading image and thumbnail), the others are parts of it\n"
    )
    totals = []
    for path in sorted(SAMPLE_PAGES.glob("*.pdf")):
        totals.append(measure(f"{path.name}", path.read_bytes(), args.repeat))
    median, slowest = statistics.median(totals), max(totals)
    print(f"\nPDF pages: median render {median:.2f} s, slowest {slowest:.2f} s\n")
    for format in ("JPEG", "PNG"):
        measure(f"scan 300 dpi {format.lower()}", broadsheet_scan(format), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
