"""A reader's correction of recognised text: the form on an article's page and on ``/suggest/``."""

import ipaddress
from difflib import SequenceMatcher

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.crypto import constant_time_compare, salted_hmac

from paper.http import client_ip
from paper.text import mask_resident_ids

from .diffs import common_ends
from .models import TextSuggestion

# Changed lines longer than this are not compared character by character (quadratic time).
CHARACTER_COMPARISON_LIMIT = 3_000
# The longest body a reader may send beyond the article's own length: room for what OCR
# dropped, not for pasting a book.
BODY_ROOM = 2_000


def text_digest(article):
    """A digest of the text a reader starts from, carried by the form to see it change.

    Of the text as the reader sees it, resident IDs masked, so that the form tells nothing of
    the hidden digits; keyed, so that nobody can make one up for another text.
    """
    text = f"{mask_resident_ids(article.headline)}\0{mask_resident_ids(article.body)}"
    return salted_hmac("articles.TextSuggestion.base", text, algorithm="sha256").hexdigest()


def sender_digest(request):
    """Who sent a suggestion, as a keyed digest of their address (an IPv6 one by its /64)."""
    address = client_ip(request) or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        pass
    else:
        if parsed.version == 6:
            address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return salted_hmac("articles.TextSuggestion.sender", address, algorithm="sha256").hexdigest()


def unmask(typed, original):
    """``typed``, edited from the masked ``original``, with the digits the mask hid put back.

    Readers are shown resident IDs masked (370602********1239), so the text they send back
    has stars where the article has digits. Masking keeps every character in its place, so
    what the reader left as it was is taken from the original and what they changed is
    theirs: lines first, then the characters of the lines they changed (a whole long article
    compared character by character takes the better part of a second).
    """
    masked = mask_resident_ids(original)
    if masked == original:
        return typed
    masked_lines = masked.splitlines(keepends=True)
    original_lines = original.splitlines(keepends=True)
    typed_lines = typed.splitlines(keepends=True)
    parts = []
    matcher = SequenceMatcher(None, masked_lines, typed_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append("".join(original_lines[i1:i2]))
        elif tag == "replace":
            parts.append(
                unmask_characters(
                    "".join(masked_lines[i1:i2]),
                    "".join(original_lines[i1:i2]),
                    "".join(typed_lines[j1:j2]),
                )
            )
        else:
            parts.append("".join(typed_lines[j1:j2]))
    return "".join(parts)


def unmask_characters(masked, original, typed):
    start, end = common_ends(masked, typed)
    head, tail = original[:start], original[len(original) - end :]
    masked, original = masked[start : len(masked) - end], original[start : len(original) - end]
    typed = typed[start : len(typed) - end]
    if max(len(masked), len(typed)) > CHARACTER_COMPARISON_LIMIT:
        return head + typed + tail  # rewritten wholesale: the stars stay, editors see them
    matcher = SequenceMatcher(None, masked, typed, autojunk=False)
    return (
        head
        + "".join(
            original[i1:i2] if tag == "equal" else typed[j1:j2]
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        )
        + tail
    )


def normalise(text):
    """Line ends as the body keeps them, no trailing spaces, no blank lines at the ends."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


class TextSuggestionForm(forms.Form):
    headline = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text="每段一行,段与段之间空一行;以“## ”开头的一行是小标题。",
    )
    note = forms.CharField(
        label="说明(可不填)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如:第三段“烟台港”误识别为“烟合港”。请勿填写联系方式等个人信息。",
    )
    base = forms.CharField(widget=forms.HiddenInput)
    # Left empty by people, who do not see it; filled in by bots that fill in every field.
    website = forms.CharField(
        label="网址(请勿填写)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, article, prefilled=True, **kwargs):
        """``prefilled=False``: the fields empty, for the article page's script to fill in from
        ``text_to_correct()`` (the page, cached for every reader, does not repeat the body)."""
        self.article = article
        initial = self.text_to_correct(article) if prefilled else {}
        super().__init__(*args, initial=initial, **kwargs)
        limit = len(article.body) + BODY_ROOM
        self.fields["body"].validators.append(MaxLengthValidator(limit))
        self.fields["body"].widget.attrs["maxlength"] = limit

    @staticmethod
    def text_to_correct(article):
        """The fields' values to start from: the text as readers see it (IDs masked) and the
        digest of the version it is."""
        return {
            "headline": mask_resident_ids(article.headline),
            "body": mask_resident_ids(article.body),
            "base": text_digest(article),
        }

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))

    def clean_body(self):
        return normalise(self.cleaned_data["body"])

    def clean(self):
        cleaned = super().clean()
        if not constant_time_compare(cleaned.get("base", ""), text_digest(self.article)):
            raise forms.ValidationError(
                "您修改期间,这篇文章的文字已经更新。请重新打开本页,在新的文字上修改。",
                code="stale",
            )
        if "headline" in cleaned and "body" in cleaned:
            cleaned["headline"] = unmask(cleaned["headline"].strip(), self.article.headline)
            cleaned["body"] = unmask(cleaned["body"], self.article.body)
            if (cleaned["headline"], cleaned["body"]) == (
                self.article.headline,
                normalise(self.article.body),
            ):
                raise forms.ValidationError(
                    "您没有改动文字:请在上面的标题或正文中改正识别错误后再提交。", code="unchanged"
                )
        return cleaned

    def save(self, sender):
        return TextSuggestion.objects.create(
            article=self.article,
            base_headline=self.article.headline,
            base_body=self.article.body,
            headline=self.cleaned_data["headline"],
            body=self.cleaned_data["body"],
            note=self.cleaned_data["note"].strip(),
            sender=sender,
        )
