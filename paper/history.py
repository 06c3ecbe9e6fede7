"""What the admin's history (LogEntry) says about a change: who made it, when, and what.

Editors change the archive through the admin, which records every save and every action in
its history; an import records nothing there. A refused save (two editors, one form; an
import over an editor's correction) names the change it would have overwritten with this.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .text import chinese_date


def last_change(obj):
    """The admin's record of the change that set ``obj``'s ``updated`` stamp, or None.

    The record is written after the save it describes, in the same transaction, so it is the
    newest one at or after the stamp; none means the change was made outside the admin.
    """
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            action_time__gte=obj.updated,
        )
        .select_related("user")
        .order_by("-action_time", "-pk")
        .first()
    )


def logged(objects):
    """The ones of ``objects`` the admin's history has any record of."""
    objects = list(objects)
    by_type = {}
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        by_type.setdefault(content_type, set()).add(str(obj.pk))
    found = set()
    for content_type, ids in by_type.items():
        records = LogEntry.objects.filter(content_type=content_type, object_id__in=ids)
        found |= {(content_type.pk, pk) for pk in records.values_list("object_id", flat=True)}
    return [
        obj
        for obj in objects
        if (ContentType.objects.get_for_model(obj, for_concrete_model=False).pk, str(obj.pk))
        in found
    ]


def describe_change(obj):
    """Who changed ``obj`` last, when and what, in words for an editor.

    小王于2024年12月10日 10:05:31修改(已修改核对说明).
    """
    when = timezone.localtime(obj.updated)
    stamp = f"{chinese_date(when)} {when:%H:%M:%S}"
    entry = last_change(obj)
    if entry is None:
        return f"于{stamp}在后台以外修改(例如重新导入)"
    what = entry.get_change_message().rstrip("。") or "没有改动字段"
    return f"{entry.user.get_username()}于{stamp}修改({what})"
