"""A notice as data: the JSON of ``/notices/<id>.json`` and the schema.org data of its permalink.

Resident ID numbers are masked here as on every public page; the fee and the editors' review
notes, which no public page shows, are left out.
"""

from paper.data import (
    datetime_data,
    issue_data,
    page_data,
    printed_in,
    publisher,
    recognition_data,
)
from paper.text import mask_resident_ids


def notice_data(notice, request):
    """Every field the permalink shows. Needs ``for_detail().with_revisions()``."""
    wedding = getattr(notice, "wedding", None)
    return {
        "id": notice.pk,
        "reference": notice.reference,
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "title": notice.title(),
        "url": request.build_absolute_uri(notice.get_absolute_url()),
        "proof_url": request.build_absolute_uri(notice.get_proof_url()),
        "date": notice.pub_date.isoformat(),
        "issue": issue_data(notice.issue, request),
        "page": page_data(notice.page, request),
        "order": notice.order,
        "text": notice.public_text(),
        "items": [item_data(item) for item in notice.items.all()],
        "wedding": wedding_data(wedding) if wedding else None,
        "announcement": announcement_data(notice) if notice.kind == "other" else None,
        "corrected": datetime_data(corrected) if (corrected := notice.corrected()) else None,
        "wordings": [wording_data(wording, notice) for wording in notice.wordings()],
        "updated": datetime_data(notice.updated),
        **recognition_data(notice),
    }


def item_data(item):
    return {
        "holder": mask_resident_ids(item.holder),
        "document_type": item.document_type.name if item.document_type else None,
        "document_name": mask_resident_ids(item.name),
        "number": item.masked_number(),
        "issuer": mask_resident_ids(item.issuer),
        "issued_on": item.issued_on.isoformat() if item.issued_on else None,
        "amount": f"{item.amount:f}" if item.amount is not None else None,
        "other_identifier": mask_resident_ids(item.other_identifier),
        "quantity": item.quantity,
    }


def announcement_data(notice):
    """What an other notice (注销公告, 减资公告 …) says of itself: its kind and who signed it."""
    return {
        "headline": notice.headline,
        "announcer": mask_resident_ids(notice.announcer),
        "credit_code": notice.credit_code or None,
    }


def wedding_data(wedding):
    return {
        "groom": wedding.groom,
        "bride": wedding.bride,
        "wedding_date": wedding.wedding_date.isoformat(),
        "lunar_date": wedding.lunar_date,
        "message": wedding.message,
    }


def wording_data(wording, notice):
    """One wording readers have seen; ``replaced`` is None for the current one."""
    correction = wording.replaced_by
    return {
        "text": wording.public_text(),
        "since": datetime_data(wording.since) if wording.since else notice.pub_date.isoformat(),
        "printed": wording.printed,
        "replaced": datetime_data(correction.replaced) if correction else None,
        "correction_kind": correction.kind if correction else None,
        "correction_note": correction.note if correction else None,
    }


def notice_structured_data(notice, url):
    """The notice as a schema.org Article of the paper's notice section, with its corrections."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": notice.title(),
        "genre": notice.get_kind_display(),
        "articleSection": notice.page.name or "公告",
        "identifier": notice.reference,
        "text": notice.public_text(),
        "datePublished": notice.pub_date.isoformat(),
        "dateModified": datetime_data(notice.updated),
        "publisher": publisher(),
        "inLanguage": "zh-CN",
        **printed_in(notice.issue, notice.page),
    }
    corrections = [
        {
            "@type": "CorrectionComment",
            "datePublished": datetime_data(wording.replaced_by.replaced),
            "text": wording.replaced_by.note or wording.replaced_by.get_kind_display(),
        }
        for wording in notice.wordings()
        if wording.replaced_by
    ]
    if corrections:
        data["correction"] = corrections
    return data
