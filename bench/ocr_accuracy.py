"""How well scanned pages are read: OCR and layout on pages whose text is known.

    .venv/bin/python bench/ocr_accuracy.py [--generated 2] [--sample A01,A04] [--typeset-sample]
        [--conditions clean,noise,...] [--tesseract clean,jpeg60] [--save DIR]
    (or: make bench-ocr BENCH_ARGS="...")

Pages, all rasterised at 300 dpi:
- the sample issue's pages (paper/fixtures/sample_pages/*.pdf, broadsheets typeset by Chromium
  from the sample export), their true lines taken from the PDF's text layer;
- the sample export's articles and notices typeset as a broadsheet by tests/typeset.py
  (--typeset-sample);
- broadsheets typeset from articles and lost-certificate notices made as generate_archive makes
  them (--generated N, fixed seeds), each with its true articles and notices.

Each page is read clean and in degraded copies (--conditions): greyscale with noise, blur,
skewed by +2° and -2°, JPEG quality 60, and a faint microfilm-like copy (low contrast, grey
paper, soft, grainy). RapidOCR (paper.ocr.engine) reads every copy; tesseract (chi_sim, the
Debian package, via its CLI's TSV output) reads the conditions named by --tesseract, for
comparison only. The layout (paper.ocr.layout.lay_out) is run on every RapidOCR reading.

Figures, per condition and engine:
- CER: character error rate per matched line (tests/typeset.py character_errors): each line
  read is matched to the printed line it overlaps most, the Levenshtein distance (rapidfuzz)
  between each printed line and what was read over it, plus every character read where nothing
  is printed, over the printed characters; whitespace is left out; reading order does not count.
- headlines read: printed headlines read with at most 10 % of their characters wrong (OCR only);
  a headline wrapped into several lines is one headline, its lines' text read together;
  the sample pages' masthead (the paper's name and the date line beside it) is no headline;
- headlines found: printed headlines read as above whose every line the layout put in a
  headline block;
- articles right: typeset articles whose lines the layout put in one article and no other
  article's lines with them (the article boundaries; generated and typeset-sample pages);
- notices right: generated lost-certificate notices that the layout handed to the notice parser
  and that came out with the right holder, document and number;
- s/page: wall-clock seconds per page, and CPU seconds (all threads), on this machine's cores.

Figures are printed, not asserted; the exit code is 0 unless something raised.
"""

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pypdfium2  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from paper.ocr import engine  # noqa: E402
from paper.ocr.lines import Char, Line, Recognition  # noqa: E402
from tests.typeset import (  # noqa: E402
    TypesetLine,
    character_errors,
    match_lines,
    sample_articles,
    typeset_page,
)

try:
    from paper.ocr import layout as ocr_layout  # noqa: E402
except ImportError:  # the layout helper's branch not merged yet
    ocr_layout = None

DPI = 300
SAMPLE_EXPORT = ROOT / "sample" / "page-export-2024-10-22.txt"
SAMPLE_PAGES = ROOT / "paper" / "fixtures" / "sample_pages"
# The sample pages' masthead: the paper's name (bench/make_sample_pages.py), at the page's head.
PAPER_NAME = "烟台日报"
MASTHEAD_BAND = 0.1
CONDITIONS = ["clean", "noise", "blur", "skew+2", "skew-2", "jpeg60", "microfilm"]


# --- Pages --------------------------------------------------------------------------------


@dataclass
class BenchPage:
    name: str
    picture: Image.Image
    lines: list  # TypesetLine
    headlines: list = field(default_factory=list)  # [line indices] per headline, top to bottom
    articles: list = field(default_factory=list)  # [line indices] per article
    notices: list = field(default_factory=list)  # (holder, document, number) per notice


def pdf_page(path):
    """A sample page PDF at 300 dpi, its true lines from the text layer (characters whose boxes
    follow each other on one baseline), headlines the lines much taller than the body's (one
    under the other, one headline), but for the masthead: the paper's name at the head of the
    page, with the date line printed beside it (page furniture, as the folio is; the layout
    leaves it out of the articles on purpose)."""
    document = pypdfium2.PdfDocument(str(path))
    page = document[0]
    scale = DPI / 72
    picture = page.render(scale=scale).to_pil().convert("RGB")
    page_height = page.get_height()
    textpage = page.get_textpage()
    chars = []
    for index in range(textpage.count_chars()):
        text = textpage.get_text_range(index, 1)
        if not text or text.isspace():
            chars.append(None)
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        chars.append(
            (
                text,
                (
                    left * scale,
                    (page_height - top) * scale,
                    right * scale,
                    (page_height - bottom) * scale,
                ),
            )
        )
    lines, current = [], []
    for item in chars + [None]:
        if item is not None and current:
            _, last = current[-1]
            height = last[3] - last[1]
            box = item[1]
            same = abs((box[1] + box[3]) / 2 - (last[1] + last[3]) / 2) < 0.5 * height
            if not same or box[0] < last[0] or box[0] - last[2] > 1.5 * height:
                lines.append(current)
                current = []
        if item is None:
            if current and current[-1] is not None:
                pass
            continue
        current.append(item)
    if current:
        lines.append(current)
    typeset = []
    for run in lines:
        text = engine.normalise("".join(text for text, _ in run))
        box = (
            min(b[0] for _, b in run),
            min(b[1] for _, b in run),
            max(b[2] for _, b in run),
            max(b[3] for _, b in run),
        )
        typeset.append(TypesetLine(text, box, "line"))
    heights = [line.box[3] - line.box[1] for line in typeset if len(line.text) >= 6]
    body = statistics.median(heights)
    tall = [
        k
        for k, line in enumerate(typeset)
        if line.box[3] - line.box[1] > 1.6 * body
        and len(line.text) >= 4
        and not (line.text.startswith(PAPER_NAME) and line.box[1] < MASTHEAD_BAND * picture.height)
    ]
    headlines = []
    for k in tall:
        typeset[k].kind = "headline"
        box = typeset[k].box
        before = typeset[headlines[-1][-1]].box if headlines else None
        if (
            before is not None
            and 0 <= box[1] - before[3] <= 0.5 * (box[3] - box[1])
            and min(box[2], before[2]) > max(box[0], before[0])
        ):
            headlines[-1].append(k)
        else:
            headlines.append([k])
    document.close()
    return BenchPage(path.stem, picture, typeset, headlines)


def from_typeset(name, page, notices=()):
    articles = [
        [k for k, line in enumerate(page.lines) if line.article == index]
        for index in range(len(page.articles))
    ]
    # A headline wrapped into two or three lines is one headline.
    headlines = [
        [k for k, line in enumerate(page.lines) if line.kind == "headline" and line.article == a]
        for a in range(len(page.articles))
    ]
    headlines = [lines for lines in headlines if lines]
    placed = list(notices)[: len(page.notices)]
    return BenchPage(name, page.picture, page.lines, headlines, articles, placed)


DOCUMENT_TYPES = [
    (1, "居民身份证"),
    (2, "营业执照"),
    (3, "国籍证书"),
    (4, "机动车驾驶证"),
    (5, "学生证"),
    (6, "机动车行驶证"),
]


def generated_page(seed):
    """A broadsheet of articles and notices made as generate_archive makes them."""
    from paper.management.commands.generate_archive import Writer, resident_id

    rng = random.Random(seed)
    writer = Writer(seed, DOCUMENT_TYPES)
    articles = []
    for _ in range(14):
        made = writer.article(rng)
        sentences = [s for s in made["body"].split("\n") if s]
        paragraphs, current = [], ""
        for sentence in sentences:
            current += sentence
            if len(current) > 60 or rng.random() < 0.3:
                paragraphs.append(current)
                current = ""
        if current:
            paragraphs.append(current)
        if made["source"]:
            paragraphs[0] = f"{made['source']} {paragraphs[0]}"
        article = {"headline": made["headline"], "paragraphs": paragraphs}
        if rng.random() < 0.3:
            article["kicker"] = rng.choice(writer.sentences)[: rng.randint(8, 14)].rstrip(",、。")
        if rng.random() < 0.3:
            article["subheadline"] = "——" + rng.choice(writer.sentences)[
                : rng.randint(8, 16)
            ].rstrip(",、。")
        if made["byline"]:
            article["byline"] = f"(本报记者 {made['byline']})"
        articles.append(article)
    notices, truth = [], []
    for _ in range(12):
        holder = writer.name(rng)
        number_type = rng.choice(DOCUMENT_TYPES[:4])[1]
        if number_type == "居民身份证":
            number = resident_id(rng)
            label = "号码"
        else:
            number = f"{rng.choice('ABCDYZ')}{rng.randint(0, 9999999):07d}"
            label = "编号"
        notices.append(f"{holder}遗失{number_type},{label}{number},声明作废。")
        truth.append((holder, number_type, number))
    page = typeset_page(articles, notices, seed=seed, masthead="烟台日报")
    return from_typeset(f"generated-{seed}", page, truth)


def sample_typeset_page():
    articles, notices = sample_articles(SAMPLE_EXPORT.read_text(encoding="utf-8"))
    articles = [article for article in articles if article["paragraphs"]]
    articles[0]["kicker"] = "中共中央 国务院印发"
    page = typeset_page(articles, [], seed=7, masthead="烟台日报")
    return from_typeset("sample-typeset", page)


# --- Degraded copies --------------------------------------------------------------------------


def degrade(picture, condition, seed=0):
    rng = np.random.default_rng(seed)
    if condition == "clean":
        return picture
    if condition == "noise":
        grey = np.asarray(picture.convert("L"), dtype=np.float32)
        grey += rng.normal(0, 18, grey.shape)
        return Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    if condition == "blur":
        return picture.filter(ImageFilter.GaussianBlur(2.0))
    if condition.startswith("skew"):
        angle = float(condition[4:])
        return picture.rotate(
            angle, resample=Image.BICUBIC, expand=False, fillcolor=(250, 248, 242)
        )
    if condition == "jpeg60":
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=60)
        return Image.open(io.BytesIO(buffer.getvalue()))
    if condition == "microfilm":
        grey = np.asarray(
            picture.convert("L").filter(ImageFilter.GaussianBlur(1.2)), dtype=np.float32
        )
        grey = 150 + grey * (75 / 255)  # ink at 150, paper at 225: faint
        grey += rng.normal(0, 8, grey.shape)
        return Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    raise ValueError(condition)


def skewed_truth(lines, picture, angle):
    """The true boxes of a picture turned ``angle`` degrees anticlockwise: each box's corners
    turned as the picture was (a skewed copy; and back, as far as the engine levelled it)."""
    if not angle:
        return lines
    angle = np.radians(angle)
    cx, cy = picture.width / 2, picture.height / 2
    turned = []
    for line in lines:
        left, top, right, bottom = line.box
        xs, ys = [], []
        for x, y in ((left, top), (right, top), (right, bottom), (left, bottom)):
            # PIL turns anticlockwise for a positive angle (y down: the usual matrix, mirrored).
            dx, dy = x - cx, y - cy
            xs.append(cx + dx * np.cos(angle) + dy * np.sin(angle))
            ys.append(cy - dx * np.sin(angle) + dy * np.cos(angle))
        # Shrunk towards the centre line: a turned box's bounds overlap its neighbours'.
        middle = (min(ys) + max(ys)) / 2
        half = (bottom - top) / 2
        turned.append(
            TypesetLine(
                line.text,
                (min(xs), middle - half, max(xs), middle + half),
                line.kind,
                line.article,
                line.notice,
            )
        )
    return turned


# --- Tesseract --------------------------------------------------------------------------------


def tesseract_recognise(picture):
    """The same Recognition from tesseract's chi_sim model (words grouped into its lines)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        picture.convert("L").save(path)
        output = subprocess.run(
            [
                "tesseract",
                str(path),
                "stdout",
                "-l",
                "chi_sim",
                "--psm",
                "3",
                "--dpi",
                str(DPI),
                "tsv",
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "2"},
        ).stdout
    lines = {}
    for row in output.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5" or not fields[11].strip():
            continue
        key = tuple(int(value) for value in fields[1:5])
        left, top, width, height = (int(value) for value in fields[6:10])
        confidence = max(0.0, float(fields[10])) / 100
        lines.setdefault(key, []).append(
            Char(engine.normalise(fields[11]), (left, top, left + width, top + height), confidence)
        )
    result = []
    for words in lines.values():
        text = "".join(word.text for word in words)
        box = (
            min(w.box[0] for w in words),
            min(w.box[1] for w in words),
            max(w.box[2] for w in words),
            max(w.box[3] for w in words),
        )
        result.append(Line(text, box, float(np.mean([w.confidence for w in words])), tuple(words)))
    return Recognition(
        picture.width, picture.height, result, "tesseract chi_sim", time.perf_counter() - started
    )


# --- Scoring ----------------------------------------------------------------------------------


def _close(expected, got):
    expected, got = "".join(expected.split()), "".join(got.split())
    return bool(expected) and Levenshtein.distance(expected, got) <= 0.1 * len(expected)


def score(page, truth, recognition, laid_out):
    matched, _ = match_lines(truth, recognition.lines)
    errors, characters = character_errors(truth, recognition.lines)
    figures = {"errors": errors, "characters": characters, "headlines": len(page.headlines)}
    read = [
        lines
        for lines in page.headlines
        if _close(
            "".join(truth[k].text for k in lines),
            "".join(line.text for k in lines for line in matched.get(k, [])),
        )
    ]
    figures["headlines read"] = len(read)
    if laid_out is None:
        return figures
    index_of = {id(line): n for n, line in enumerate(recognition.lines)}
    truth_of = {}  # recognised line index → true line index
    for k, lines in matched.items():
        for line in lines:
            truth_of[index_of[id(line)]] = k
    headline_lines = {
        i for block in laid_out.blocks if block.kind == "headline" for i in block.lines
    }
    found = {truth_of[i] for i in headline_lines if i in truth_of}
    figures["headlines found"] = sum(1 for lines in read if found.issuperset(lines))
    if page.articles:
        figures["articles"] = len(page.articles)
        right = 0
        for true_lines in page.articles:
            wanted = set(true_lines)
            stories = [
                {truth_of[i] for i in story.lines if i in truth_of} for story in laid_out.articles
            ]
            best = max(stories, key=lambda got: len(got & wanted), default=set())
            if len(best & wanted) >= 0.95 * len(wanted) and len(best - wanted) <= 0.05 * len(best):
                right += 1
        figures["articles right"] = right
    if page.notices:
        from paper.importing.parsing import read_sections

        figures["notices"] = len(page.notices)
        sections = [
            s
            for s in laid_out.import_sections("A03")
            if s.part is not None and not s.part.takes_the_rest
        ]
        export = read_sections([], sections) if sections else None
        found = set()
        for notice in getattr(export, "notices", []) or []:
            for item in notice.items:
                found.add(
                    ("".join(item.holder.split()), item.document, "".join(item.number.split()))
                )
        figures["notices right"] = sum(1 for notice in page.notices if notice in found)
    return figures


def add(total, figures):
    for key, value in figures.items():
        total[key] = total.get(key, 0) + value


def percent(part, whole):
    return f"{100 * part / whole:6.1f} %" if whole else "     n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sample",
        default="A01,A02,A03,A04",
        help="sample page PDFs to read (comma-separated; '' for none)",
    )
    parser.add_argument(
        "--typeset-sample",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the sample export's articles typeset as a broadsheet",
    )
    parser.add_argument("--generated", type=int, default=2, help="generated broadsheets")
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument(
        "--tesseract",
        default="clean,noise,jpeg60,microfilm",
        help="conditions tesseract reads too ('' for none)",
    )
    parser.add_argument("--save", type=Path, help="save each copy read as a PNG here")
    parser.add_argument("--verbose", action="store_true", help="per page figures")
    args = parser.parse_args()

    pages = []
    for code in filter(None, args.sample.split(",")):
        pages.append(pdf_page(SAMPLE_PAGES / f"{code}.pdf"))
    if args.typeset_sample:
        pages.append(sample_typeset_page())
    for seed in range(1, args.generated + 1):
        pages.append(generated_page(seed))
    conditions = args.conditions.split(",")
    tesseract_conditions = set(filter(None, args.tesseract.split(",")))
    print(
        f"{len(pages)} pages at {DPI} dpi: "
        + ", ".join(
            f"{page.name} {page.picture.width}×{page.picture.height} "
            f"({sum(len(line.text) for line in page.lines)} chars)"
            for page in pages
        )
    )
    print(
        f"{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.1f}; "
        f"layout: {'paper.ocr.layout' if ocr_layout else 'not available (n/a)'}"
    )
    print()

    rows, layout_failures = [], []
    for condition in conditions:
        for name in ("rapidocr", "tesseract"):
            if name == "tesseract" and condition not in tesseract_conditions:
                continue
            total, walls, cpus, problems = {}, [], [], []
            for number, page in enumerate(pages):
                copy = degrade(page.picture, condition, seed=number)
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    copy.save(args.save / f"{page.name}-{condition}.png")
                skewed = float(condition[4:]) if condition.startswith("skew") else 0.0
                wall, cpu = time.perf_counter(), time.process_time()
                if name == "rapidocr":
                    recognition = engine.recognise(copy)
                    cpu_used = time.process_time() - cpu
                else:
                    usage = os.times()
                    recognition = tesseract_recognise(copy)
                    after = os.times()
                    cpu_used = (
                        after.children_user
                        - usage.children_user
                        + after.children_system
                        - usage.children_system
                    )
                walls.append(time.perf_counter() - wall)
                cpus.append(cpu_used)
                problems += recognition.problems
                laid_out = None
                if ocr_layout is not None and name == "rapidocr":
                    try:
                        # As the pipeline does (paper.ocr.pipeline): lines read across a
                        # gutter cut there first.
                        recognition = ocr_layout.split_at_gutters(recognition)
                        laid_out = ocr_layout.lay_out(recognition)
                    except Exception as error:  # another part's bug: counted, kept, shown
                        saved = Path(tempfile.gettempdir()) / (
                            f"ocr-layout-failed-{page.name}-{condition}.json"
                        )
                        saved.write_text(json.dumps(recognition.to_json(), ensure_ascii=False))
                        layout_failures.append(f"{page.name} {condition}: {error!r} ({saved})")
                        laid_out = ocr_layout.Layout(recognition.width, recognition.height)
                truth = skewed_truth(page.lines, copy, skewed + recognition.skew)
                figures = score(page, truth, recognition, laid_out)
                add(total, figures)
                if args.verbose:
                    print(
                        f"  {condition:<10} {name:<9} {page.name:<16} "
                        f"CER {percent(figures['errors'], figures['characters'])} "
                        f"{walls[-1]:6.1f} s  {figures}"
                    )
            rows.append((condition, name, total, walls, cpus, problems))
            print_row(rows[-1], header=len(rows) == 1)
    print()
    print(
        "CER: per matched line, whitespace left out. headlines read: OCR only; found, "
        "articles, notices: after paper.ocr.layout. s/page: wall (CPU)."
    )
    if layout_failures:
        print("The layout raised on (counted as nothing found):")
        for failure in layout_failures:
            print(f"  {failure}")
    messages = sorted({problem for *_, problems in rows for problem in problems})
    if messages:
        print("Problems reported to editors:")
        for message in messages:
            print(f"  {message}")


def print_row(row, header=False):
    condition, name, total, walls, cpus, _ = row
    if header:
        print(
            f"{'condition':<10} {'engine':<9} {'chars':>7} {'CER':>8} {'hl read':>8} "
            f"{'hl found':>8} {'articles':>8} {'notices':>8} {'s/page':>7} {'max s':>6} "
            f"{'cpu s':>6}"
        )
    layout_figures = name == "rapidocr" and ocr_layout is not None
    print(
        f"{condition:<10} {name:<9} {total['characters']:>7} "
        f"{percent(total['errors'], total['characters'])} "
        f"{percent(total['headlines read'], total['headlines'])} "
        + (
            f"{percent(total.get('headlines found', 0), total['headlines'])} "
            f"{percent(total.get('articles right', 0), total.get('articles', 0))} "
            f"{percent(total.get('notices right', 0), total.get('notices', 0))} "
            if layout_figures
            else f"{'n/a':>8} {'n/a':>8} {'n/a':>8} "
        )
        + f"{statistics.mean(walls):7.1f} {max(walls):6.1f} {statistics.mean(cpus):6.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
