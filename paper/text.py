"""Text tools shared by the apps: normalising Chinese text and numbers, masking ID numbers."""

import re
import unicodedata


def normalize_text(value):
    """Fold full-width forms to half-width (NFKC) and fold case, as people type either."""
    return unicodedata.normalize("NFKC", value or "").casefold()


def normalize_number(value):
    """A document number as a search key: normalised, without spaces or punctuation.

    ``(鲁烟)船登(籍)(2024)YZ-000135号`` becomes ``鲁烟船登籍2024yz000135号``, so that
    ``（鲁烟）船登`` and ``yz-000135`` both find it.
    """
    return "".join(char for char in normalize_text(value) if char.isalnum())


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


# Characters that XML 1.0 cannot carry, even escaped; they come in with text pasted from
# word processors (a vertical tab, a form feed) and would stop a feed from being written.
XML_ILLEGAL_PATTERN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    """``value`` without the control characters that XML 1.0 cannot carry."""
    return XML_ILLEGAL_PATTERN.sub("", value or "")
