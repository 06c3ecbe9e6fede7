"""Import a day's page export as an issue: ``manage.py import_issue FILE --date 2024-10-22``.

Editors build the archive from the text exports of their pages. This turns one such file into an
issue with its pages, articles and notices, repairs the export's damage, and reports every repair
and everything an editor must check, all in one transaction.
"""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError

from paper.importing import ExportError, parse_export, read_export
from paper.importing.report import format_report
from paper.importing.writing import describe_edit, write_issue
from paper.models import page_code_validator

PAGE_OPTION = re.compile(r"(?P<code>\S+)(?:\s+(?P<name>.+))?")


class Command(BaseCommand):
    help = (
        "把一天的版面导出文件导入为一期报纸:拆分文章和公告,修复断开的段落和错位的重复段落,"
        "报告每一处修复和需要编辑核对的内容。全部成功或全部不写。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="版面导出文件(UTF-8 文本)")
        parser.add_argument("--date", required=True, help="出版日期,YYYY-MM-DD")
        parser.add_argument("--issue-number", type=int, help="报头上的总期号")
        parser.add_argument(
            "--page",
            default="A01",
            help="第一个版面标记(=== A01 要闻 ===)之前的内容所在的版面,例如 A01 或 'A03 公告';"
            "默认 A01",
        )
        parser.add_argument(
            "--publish", action="store_true", help="导入后即发布(待核对的内容仍为草稿)"
        )
        parser.add_argument("--replace", action="store_true", help="替换这一天已有的报纸")
        parser.add_argument(
            "--discard-edits",
            action="store_true",
            help="与 --replace 一起用:上次导入之后编辑在后台做的修改也按文件覆盖"
            "(不加时有这样的修改就不替换,并列出修改)",
        )
        parser.add_argument("--dry-run", action="store_true", help="只报告,不写入数据库")
        parser.add_argument(
            "--pages", metavar="DIR", help="版面文件所在目录(A01.pdf、A02.png …),按版号附上"
        )

    def handle(self, *args, **options):
        path = options["file"]
        date = self.parse_date(path, options["date"])
        page, page_name = self.parse_page(path, options["page"])
        number = options["issue_number"]
        if number is not None and number < 1:
            raise CommandError(f"{path}: 期号应为正整数,而不是 {number}")
        try:
            export = parse_export(read_export(path), page, page_name)
            result = write_issue(
                export,
                date,
                number=number,
                publish=options["publish"],
                replace=options["replace"],
                discard_edits=options["discard_edits"],
                dry_run=options["dry_run"],
                pages_dir=options["pages"],
            )
        except ExportError as error:
            where = f"{path}:{error.line}" if error.line else path
            raise CommandError(f"{where}: {error.message}") from error
        if options["verbosity"] >= 1:
            for obj in result.discarded:
                self.stdout.write(self.style.WARNING(f"已按文件覆盖:{describe_edit(obj)}"))
            for line in format_report(export, result, path):
                self.stdout.write(line)
            for page, file_path, zones in result.page_files:
                self.stdout.write(f"版面文件 {page.code}:{file_path.name},找到热区 {zones} 个")

    def parse_date(self, path, value):
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return datetime.date.fromisoformat(value)
        except ValueError:
            pass
        raise CommandError(f"{path}: 出版日期“{value}”无效,应写作 YYYY-MM-DD,例如 2024-10-22")

    def parse_page(self, path, value):
        match = PAGE_OPTION.fullmatch(value.strip())
        code = match["code"] if match else value
        try:
            page_code_validator(code)
        except Exception:
            raise CommandError(
                f"{path}: 版号“{code}”无效,应为一个大写字母加两位数字,例如 A01"
            ) from None
        return code, (match["name"] or "").strip()
