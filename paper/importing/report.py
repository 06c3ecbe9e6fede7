"""The import report: what was created, what was repaired, what an editor must look at.

Each part (paper.importing.parts) says what it created and what needs review; every repair and
every problem carries the line of the export it comes from. The report is the
same for a dry run, which rolls the import back, and for the import itself.
"""

from paper.text import chinese_date

from .parts import registered_parts


def _review_urls(result):
    day = result.issue.date
    query = (
        f"?needs_review__exact=1&pub_date__year={day.year}"
        f"&pub_date__month={day.month}&pub_date__day={day.day}"
    )
    urls = (part.review_url(result) for part in registered_parts())
    return [url + query for url in urls if url]


def format_report(export, result, path):
    """The report as a list of lines."""
    issue = result.issue
    state = "已发布" if issue.is_published else "草稿,编辑核对后发布"
    number = f"(第{issue.number}期)" if issue.number else ""
    lines = [
        f"{path} → {chinese_date(issue.date)}的报纸{number}:"
        f"{'替换原有内容' if result.replaced else '新建'},{state}",
        f"版面 {len(result.pages)} 个:"
        + "、".join(f"{page.code} {page.name}".strip() for page in result.pages),
    ]
    parts = registered_parts()
    for part in parts:
        lines += part.report(export, result)
    lines.append(f"修复 {len(export.repairs)} 处:")
    lines += (f"  {repair}" for repair in export.repairs)

    review = [line for part in parts for line in part.review(export, result)]
    review += (f"  {problem}" for problem in export.problems)
    lines.append(f"未能识别或需要核对 {len(review)} 处:" if review else "未能识别或需要核对:无")
    lines += review
    notes = [line for part in parts for line in part.notes(export, result)]
    if notes:
        lines.append("提示:")
        lines += notes
    urls = _review_urls(result)
    if urls:
        kept = ",待核对的内容保持草稿" if issue.is_published else ""
        lines.append(f"在后台核对{kept}:" + " ".join(urls))
    if result.dry_run:
        lines.append("试运行(--dry-run):以上内容没有写入数据库。")
    return lines
