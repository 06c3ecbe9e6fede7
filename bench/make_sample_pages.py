"""Typeset the sample issue's pages and print them to PDF with Chromium.

    .venv/bin/python bench/make_sample_pages.py

The sample issue (sample/page-export-2024-10-22.txt) has no printed pages, so this script lays
out its own articles and notices as newspaper pages in HTML — masthead, headlines, text in
columns — and prints each to a one-page PDF with Debian's Chromium through Playwright, as a
layout system would export it. The output is committed in paper/fixtures/sample_pages/ so that
`make run` shows page images with zones without running this.

It also writes headlines.json: where Chromium placed each article's headline, measured in the
browser as fractions of the page. The tests compare the zones found from the PDFs' text layer
with these positions.

It is not a benchmark: it makes fixtures and measures nothing, so no make target runs it. Run it
again when the sample issue's records or the page layout change, and commit what it writes.
"""

import datetime
import html
import importlib
import json
import os
import sys
from pathlib import Path

from lunar_python import Solar
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
# The sample issue's articles and notices as records, cleaned by hand before the importer
# existed; the committed pages were typeset from them.
FIXTURE = ROOT / "bench" / "sample_issue.json"
OUTPUT = ROOT / "paper" / "fixtures" / "sample_pages"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAPER_NAME = "烟台日报"
# A broadsheet (对开) page.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 350, 500
WEEKDAYS = "一二三四五六日"
# The seed's rate card and the ad desk's phones, as the data migration loads them.
RATES = importlib.import_module("notices.migrations.0002_rate_card_and_editors")
# The house advertisement's picture: Yantai's hill lighthouse over the sea, drawn.
LIGHTHOUSE = """<svg viewBox="0 0 400 220" preserveAspectRatio="xMidYMid slice" aria-hidden="true">
<rect width="400" height="220" fill="#dfeaf2"/>
<circle cx="320" cy="60" r="26" fill="#f4d58d"/>
<path d="M0 150 Q60 110 120 135 T240 128 T400 140 V220 H0Z" fill="#7a9a6b"/>
<path d="M186 140 L194 52 H206 L214 140Z" fill="#fff" stroke="#555" stroke-width="2"/>
<path d="M190 95 H210 M188 118 H212" stroke="#b3121b" stroke-width="7"/>
<rect x="188" y="36" width="24" height="16" fill="#f4d58d" stroke="#555" stroke-width="2"/>
<path d="M184 36 L200 22 L216 36Z" fill="#b3121b"/>
<path d="M0 170 Q50 160 100 170 T200 170 T300 170 T400 170 V220 H0Z" fill="#3f6e94"/>
<path d="M0 190 Q50 180 100 190 T200 190 T300 190 T400 190"
 stroke="#fff" stroke-width="2" fill="none" opacity="0.6"/>
</svg>"""

STYLE = (Path(__file__).parent / "sample_page.css").read_text(encoding="utf-8")


def chinese_date(day):
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return (
        f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}",
        f"农历{lunar.getYearInGanZhi()}年{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}",
    )


def load_sample():
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    issue = next(r["fields"] for r in records if r["model"] == "paper.issue")
    pages = [r for r in records if r["model"] == "paper.page"]
    articles = [r for r in records if r["model"] == "articles.article"]
    notices = [r for r in records if r["model"] == "notices.notice"]
    return issue, sorted(pages, key=lambda r: r["fields"]["order"]), articles, notices


def paragraphs(body):
    for line in body.splitlines():
        text = line.strip()
        if text.startswith("## "):
            yield f"<h3>{html.escape(text[3:])}</h3>"
        elif text:
            yield f"<p>{html.escape(text)}</p>"


def article_html(record, columns, size, headline_size):
    fields = record["fields"]
    meta = " ".join(
        html.escape(fields[key]) for key in ("dateline", "source", "byline") if fields[key]
    )
    parts = [f'<article data-article="{record["pk"]}">']
    if fields["kicker"]:
        parts.append(f'<p class="kicker">{html.escape(fields["kicker"])}</p>')
    parts.append(
        f'<h2 class="headline" style="font-size: {headline_size}pt">'
        f"<span>{html.escape(fields['headline'])}</span></h2>"
    )
    if fields["subheadline"]:
        parts.append(f'<p class="subheadline">{html.escape(fields["subheadline"])}</p>')
    if meta:
        parts.append(f'<p class="meta">{meta}</p>')
    parts.append(f'<div class="body" style="column-count: {columns}; font-size: {size}pt">')
    parts.extend(paragraphs(fields["body"]))
    parts.append("</div></article>")
    return "\n".join(parts)


def page_html(issue, page, articles, notices):
    day = datetime.date.fromisoformat(issue["date"])
    solar, lunar = chinese_date(day)
    fields = page["fields"]
    parts = []
    if fields["order"] == 1:
        index = "".join(f"<div>{p}</div>" for p in ("本期4版", "A01 要闻", "A03 公告"))
        parts.append(
            f'<header class="masthead"><h1>{PAPER_NAME}</h1>'
            f'<div class="dates">{solar}<br>{lunar}</div><div class="index">{index}</div></header>'
        )
    else:
        parts.append(
            f'<header class="folio"><span class="code">{fields["code"]}</span>'
            f'<span class="name">{html.escape(fields["name"])}</span>'
            f"<span>{solar} {PAPER_NAME}</span></header>"
        )
    for record in articles:
        # Long articles in many narrow columns of small type; short ones given more room.
        length = len(record["fields"]["body"])
        columns, size = (6, 9.5) if length > 3000 else (4, 12) if length > 1000 else (3, 14)
        parts.append(article_html(record, columns, size, 36 if fields["order"] == 1 else 32))
    if notices:
        parts.append('<h2 class="section">公告栏</h2><div class="notices">')
        for record in sorted(notices, key=lambda r: r["fields"]["order"]):
            title = {"lost": "遗失声明", "wedding": "结婚启事"}.get(
                record["fields"]["kind"], "声明"
            )
            parts.append(
                f'<div class="notice" data-notice="{record["pk"]}"><h3>{title}</h3>'
                f"<p>{html.escape(record['fields']['text'])}</p></div>"
            )
        parts.append("</div>")
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{price}元</td></tr>"
            for name, price, _ in RATES.RATE_CARD
        )
        phones = "、".join(RATES.AD_DESK_PHONES)
        parts.append(
            f'<div class="rates"><h3>公告栏刊登价目</h3><table>{rows}</table>'
            f"<p>刊登电话:{phones}</p></div>"
        )
    parts.append(
        f'<div class="house">{LIGHTHOUSE}<strong>{PAPER_NAME}数字档案</strong>'
        "<span>每一天的报纸 · 每一个版面 · 每一篇文章</span></div>"
    )
    style = STYLE.replace("WIDTH", str(PAGE_WIDTH_MM)).replace("HEIGHT", str(PAGE_HEIGHT_MM))
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style>'
        f"</head><body>{''.join(parts)}</body></html>"
    )


MEASURE = """() => {
  const page = document.body.getBoundingClientRect();
  const found = {};
  for (const article of document.querySelectorAll("[data-article]")) {
    const range = document.createRange();
    range.selectNodeContents(article.querySelector(".headline span"));
    const rects = [...range.getClientRects()];
    found[article.dataset.article] = [
      Math.min(...rects.map(r => r.left)) / page.width,
      Math.min(...rects.map(r => r.top)) / page.height,
      Math.max(...rects.map(r => r.right)) / page.width,
      Math.max(...rects.map(r => r.bottom)) / page.height,
    ];
  }
  return found;
}"""


def main():
    issue, pages, articles, notices = load_sample()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    headlines = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # Lay out at the printed size: 96 CSS pixels to the inch.
        viewport = {
            "width": round(PAGE_WIDTH_MM / 25.4 * 96),
            "height": round(PAGE_HEIGHT_MM / 25.4 * 96),
        }
        tab = browser.new_page(viewport=viewport)
        for page in pages:
            on_page = [a for a in articles if a["fields"]["page"] == page["pk"]]
            notices_on_page = [n for n in notices if n["fields"]["page"] == page["pk"]]
            tab.set_content(page_html(issue, page, on_page, notices_on_page))
            tab.emulate_media(media="print")
            tab.evaluate("document.fonts.ready")
            headlines[page["fields"]["code"]] = tab.evaluate(MEASURE)
            path = OUTPUT / f"{page['fields']['code']}.pdf"
            tab.pdf(path=path, prefer_css_page_size=True, print_background=True)
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
        browser.close()
    (OUTPUT / "headlines.json").write_text(
        json.dumps(headlines, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
