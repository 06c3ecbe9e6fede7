"""识别文字 in the page admin: the action, the button on the change form, the reading's status.

With OCR_BROKER_URL the pages go to the Celery workers (the form then shows 排队中 and, once
a worker has read the page, the result); without it they are read in the request.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from kombu.exceptions import OperationalError as BrokerError

from ..models import RecognitionStatus
from .pipeline import RecognitionFailed, recognise_page


class RecognitionAdminMixin:
    """For PageAdmin: add ``recognition_actions`` to its fields and ``recognise_text`` to its
    actions."""

    def admin_url(self, view, page):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=[page.pk])

    def get_urls(self):
        return [
            path(
                "<path:object_id>/recognise/",
                self.admin_site.admin_view(self.recognise_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_recognise",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="识别操作")
    def recognition_actions(self, page):
        """The 识别文字 button, and who is reading the page now (PageAdmin's
        recognition_summary says how the reading went)."""
        if not page.pk or not page.file:
            return "附上扫描图后可以识别文字。"
        if page.has_text_layer:
            return "这一版的 PDF 有文字层,不需要识别。"
        recognition = getattr(page, "recognition", None)
        rows = []
        running = recognition is not None and recognition.status == RecognitionStatus.RUNNING
        if running and recognition.claimed_at:
            started = timezone.localtime(recognition.claimed_at)
            rows.append(("执行者", f"{recognition.claimed_by}(开始于 {started:%H:%M:%S})"))
        done = recognition is not None and recognition.status == RecognitionStatus.DONE
        button = format_html(
            '<button type="submit" class="button" formaction="{}" formnovalidate'
            ' name="force" value="{}">{}</button>'
            ' <span class="help">未保存的修改不会保存。{}</span>',
            self.admin_url("recognise", page),
            "1" if done else "",
            "重新识别文字" if done else "识别文字",
            "重新识别会替换以前识别出、还没有核对的草稿。" if done else "",
        )
        table = format_html_join("", "<p><strong>{}</strong> {}</p>", rows)
        return format_html("{}{}", table, button)

    @admin.action(description="识别扫描图上的文字(生成待核对的草稿)", permissions=["change"])
    def recognise_text(self, request, queryset):
        self.start_recognition(request, list(queryset.select_related("issue")), force=False)

    def recognise_view(self, request, object_id):
        page = self.get_object(request, object_id)
        if page is None:
            raise Http404("没有这一版。")
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        if request.method == "POST":
            self.start_recognition(request, [page], force=bool(request.POST.get("force")))
        return redirect(self.admin_url("change", page))

    def start_recognition(self, request, pages, force):
        scans = [page for page in pages if page.file and not page.has_text_layer]
        if len(scans) < len(pages):
            self.message_user(
                request,
                f"跳过 {len(pages) - len(scans)} 个没有扫描图(或 PDF 有文字层)的版面。",
                messages.WARNING,
            )
        if not scans:
            return
        if settings.OCR_BROKER_URL:
            from .tasks import send_pages

            try:
                send_pages(scans, force=force)
            except BrokerError as error:
                self.message_user(request, f"无法连接识别队列:{error}", messages.ERROR)
                return
            self.message_user(
                request,
                f"已把 {len(scans)} 个版面交给识别队列;识别完成后,版面页上显示结果。",
                messages.SUCCESS,
            )
            return
        for page in scans:
            try:
                recognition = recognise_page(page, force=force)
            except RecognitionFailed as error:
                self.message_user(request, f"{page} 识别失败:{error}", messages.ERROR)
                continue
            if recognition.skipped:
                self.message_user(
                    request,
                    f"{page} 已经识别过(或正在识别),跳过;要重新识别请在版面页上点“重新识别文字”。",
                    messages.INFO,
                )
                continue
            items = {
                (block["item"]["model"], block["item"]["pk"])
                for block in recognition.data.get("blocks", [])
                if block.get("item")
            }
            level = messages.WARNING if recognition.message else messages.SUCCESS
            note = f"{recognition.message}" if recognition.message else ""
            self.message_user(
                request,
                f"{page} 识别完成,生成待核对的草稿 {len(items)} 篇(条)。{note}",
                level,
            )
