"""The import report: what was created, what was repaired, what an editor must look at.

Every repair and every problem carries the line of the export it comes from. The report is the
same for a dry run, which rolls the import back, and for the import itself.
"""

from django.urls import reverse

from notices.models import chinese_date


def _article_line(parsed, article):
    facts = [
        f"{label} {value}"
        for label, value in (
            ("来源", article.source),
            ("电头", article.dateline),
            ("作者", article.byline),
        )
        if value
    ]
    facts.append(f"正文 {len(parsed.paragraphs)} 段")
    flag = " [待核对]" if article.needs_review else ""
    return f"  第{parsed.line}行 {article.page.code} 《{article.headline}》 {','.join(facts)}{flag}"


def _item_text(parsed, item):
    parts = [item.holder]
    if item.other_identifier:
        parts.append(item.other_identifier)
    parts.append(item.name)
    if item.document_name and item.document_type:
        parts[-1] += f"({item.document_type.name})"
    if item.quantity > 1:
        measure = item.document_type.measure_word if item.document_type else ""
        parts[-1] += f" {item.quantity}{measure or '个'}"
    text = " ".join(parts)
    if item.number:
        text += f",{parsed.number_label} {item.number}"
    return text


def _notice_line(written):
    parsed, notice = written.parsed, written.notice
    if parsed.wedding:
        wedding = parsed.wedding
        what = (
            f"新郎 {wedding.groom},新娘 {wedding.bride},{chinese_date(wedding.date)}"
            f"({wedding.computed_lunar}"
            + (",与见报一致)" if wedding.printed_lunar and not written.problems else ")")
        )
    elif written.items:
        what = ";".join(map(_item_text, parsed.items, written.items))
    else:
        what = f"“{parsed.text[:24]}…”" if len(parsed.text) > 24 else f"“{parsed.text}”"
    fee = f";费用 {notice.fee} 元" if notice.fee is not None else ""
    flag = " [待核对]" if notice.needs_review else ""
    return (
        f"  第{parsed.line}行 {notice.page.code} {notice.reference} "
        f"{notice.get_kind_display()}:{what}{fee}{flag}"
    )


def _rate_card_line(check):
    card = check.card
    printed = "/".join(map(str, card.prices)) or "无"
    line = f"  第{check.line}行 价目表(公告栏):已识别,不作为公告导入;见报价格 {printed} 元"
    if card.phones:
        line += f",电话 {'、'.join(card.phones)}"
    if check.matches:
        return line + ",与后台价目表一致"
    stored = "/".join(map(str, check.stored_prices))
    return (
        line + f";后台价目表为 {stored} 元,电话 {'、'.join(check.stored_phones)},"
        "如价格已调整,请在后台修改收费类别"
    )


def _review_urls(result):
    day = result.issue.date
    query = (
        f"?needs_review__exact=1&pub_date__year={day.year}"
        f"&pub_date__month={day.month}&pub_date__day={day.day}"
    )
    urls = []
    if any(article.needs_review for _, article in result.articles):
        urls.append(reverse("admin:articles_article_changelist") + query)
    if any(written.notice.needs_review for written in result.notices):
        urls.append(reverse("admin:notices_notice_changelist") + query)
    return urls


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
        f"文章 {len(result.articles)} 篇:",
        *(_article_line(parsed, article) for parsed, article in result.articles),
        f"公告 {len(result.notices)} 条:",
        *map(_notice_line, result.notices),
    ]
    if result.rate_cards:
        lines.append("价目表:")
        lines += map(_rate_card_line, result.rate_cards)
    lines.append(f"修复 {len(export.repairs)} 处:")
    lines += (f"  {repair}" for repair in export.repairs)

    review = []
    for parsed, article in result.articles:
        review += (f"  《{article.headline}》(第{parsed.line}行):{p}" for p in parsed.problems)
    for written in result.notices:
        label = f"  {written.notice.reference} {written.notice.get_kind_display()}"
        review += (f"{label}(第{written.parsed.line}行):{p}" for p in written.problems)
    for check in result.rate_cards:
        review += (f"  价目表(第{check.line}行):{p}" for p in check.card.problems)
    review += (f"  {problem}" for problem in export.problems)
    lines.append(f"未能识别或需要核对 {len(review)} 处:" if review else "未能识别或需要核对:无")
    lines += review
    notes = [f"  {w.notice.reference}:{note}" for w in result.notices for note in w.notes]
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
