"""Text tools shared by the apps: normalising Chinese text for search, numbers, masking IDs.

Normalisation works character by character, so that the normal form of any part of a text is
a part of the normal form of the whole: whatever a reader copies out of a page finds that page.
"""

import re
import unicodedata

import opencc

_to_simplified = opencc.OpenCC("t2s")


class _NormalForms(dict):
    """Code point → its normal form, computed the first time a character is seen."""

    def __missing__(self, code_point):
        char = chr(code_point)
        if unicodedata.category(char)[0] == "C":  # control and format characters
            normal = " "
        else:
            normal = _to_simplified.convert(unicodedata.normalize("NFKC", char).casefold())
        self[code_point] = normal
        return normal


_NORMAL_FORMS = _NormalForms()


def normalize_text(value):
    """Full-width to half-width (NFKC), case folded, Traditional characters to Simplified."""
    return (value or "").translate(_NORMAL_FORMS)


def normalize_number(value):
    """A document number as a search key: normalised, without spaces or punctuation.

    ``(鲁烟)船登(籍)(2024)YZ-000135号`` becomes ``鲁烟船登籍2024yz000135号``, so that
    ``（鲁烟）船登`` and ``yz-000135`` both find it.
    """
    return "".join(char for char in normalize_text(value) if char.isalnum())


# Letters and digits joined by the punctuation or spaces that numbers are printed with.
NUMBER_RUN = re.compile(r"[0-9a-z](?:[0-9a-z]|[-_./:()#\s](?=[-_./:()#\s]*[0-9a-z]))*")


def compact_numbers(normalized):
    """The numbers in a normalised text with their punctuation and spaces removed.

    Only runs that had something to remove and contain a digit are returned:
    ``yz-000135`` gives ``yz000135``; a plain word or number is already searchable as it is.
    """
    found = []
    for run in NUMBER_RUN.findall(normalized):
        compact = re.sub(r"[^0-9a-z]", "", run)
        if compact != run and any(char.isdigit() for char in compact):
            found.append(compact)
    return found


# An 18-character resident ID number standing alone (not inside a longer run of letters or digits).
# Full-width digits count too: editors paste from word processors.
RESIDENT_ID_PATTERN = re.compile(
    r"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ])"
    r"([0-9０-９]{6})[0-9０-９]{8}([0-9０-９]{3}[0-9０-９XxＸｘ])"
    r"(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])"
)


def mask_resident_ids(value):
    """Show each resident ID number as its first 6 and last 4 characters: 370602********1239."""
    return RESIDENT_ID_PATTERN.sub(lambda m: f"{m.group(1)}********{m.group(2)}", value or "")


def chinese_date(value):
    """2024-10-22 → 2024年10月22日, as dates read in notices and messages."""
    return f"{value.year}年{value.month}月{value.day}日"


# Characters that XML 1.0 cannot carry, even escaped; they come in with text pasted from
# word processors (a vertical tab, a form feed) and would stop a feed from being written.
XML_ILLEGAL_PATTERN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    """``value`` without the control characters that XML 1.0 cannot carry."""
    return XML_ILLEGAL_PATTERN.sub("", value or "")
