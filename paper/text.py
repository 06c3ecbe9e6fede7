"""Text tools shared by the apps: normalising Chinese text for search, numbers, masking IDs.

Normalisation works character by character, so that the normal form of any part of a text is
a part of the normal form of the whole: whatever a reader copies out of a page finds that page.
"""

import datetime
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

import opencc
from django.conf import settings
from django.utils.text import Truncator

_to_simplified = opencc.OpenCC("t2s")


class _NormalForms(dict):
    """Code point → its normal form, computed the first time a character is seen."""

    def __init__(self):
        super().__init__()
        # The characters seen whose normal form is not one character (㎡ → m2): only a text
        # holding one of them is shifted against its normal form.
        self.uneven = set()

    def __missing__(self, code_point):
        char = chr(code_point)
        if unicodedata.category(char)[0] == "C":  # control and format characters
            normal = " "
        else:
            normal = _to_simplified.convert(unicodedata.normalize("NFKC", char).casefold())
        self[code_point] = normal
        if len(normal) != 1:
            self.uneven.add(char)
        return normal


_NORMAL_FORMS = _NormalForms()


def normalize_text(value):
    """Full-width to half-width (NFKC), case folded, Traditional characters to Simplified."""
    return (value or "").translate(_NORMAL_FORMS)


def normalize_with_origins(text):
    """The normalised text, and for each of its characters the index of the original one."""
    normal = normalize_text(text)
    if _NORMAL_FORMS.uneven.isdisjoint(text):
        # Every character has a one-character normal form (nearly every text): no shift.
        return normal, range(len(text))
    pieces, origins = [], []
    for index, char in enumerate(text):
        piece = _NORMAL_FORMS[ord(char)]
        pieces.append(piece)
        origins.extend([index] * len(piece))
    return "".join(pieces), origins


def normalize_number(value):
    """A document number as a search key: normalised, without spaces or punctuation.

    ``(鲁烟)船登(籍)(2024)YZ-000135号`` becomes ``鲁烟船登籍2024yz000135号``, so that
    ``（鲁烟）船登`` and ``yz-000135`` both find it. The mask's ``*`` stays, so that a masked
    resident ID (see below) keeps its hidden digits apart from the shown ones.
    """
    return "".join(char for char in normalize_text(value) if char.isalnum() or char == "*")


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


# --- Resident ID numbers (居民身份证号码, GB 11643) ------------------------------------------
#
# One rule for every public output and for the search index: a run of digits, maybe written in
# groups with spaces or dashes, maybe full-width, is (or contains, as its first 18 of 20 digits,
# like a 残疾人证 number) a resident ID when it has a province's prefix and a real birth date.
# The check character does not matter: a mistyped ID is still somebody's. The birth date is what
# the mask hides (370602********1239); the first six and the last four stay readable.

# The province-level codes of GB/T 2260 that open a resident ID.
ID_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"}
    | {"65", "71", "81", "82", "83", "91"}
)
_DIGITS = "0-9\uff10-\uff19"
_CHECK = "Xx\uff38\uff58"
# A space or a dash between groups of digits, as people write long numbers.
_SEPARATOR = "[ \u3000\\-\u2010-\u2015\u2212\uff0d]"
# A group of digits; an X may end it, or stand before the two digits a 残疾人证 number adds.
_GROUP = rf"[{_DIGITS}]+(?:[{_CHECK}][{_DIGITS}]*)?"
ID_RUN = re.compile(rf"(?<![{_DIGITS}]){_GROUP}(?:{_SEPARATOR}{_GROUP})*")
# Whatever may hold a resident ID, as a pattern PostgreSQL and SQLite both read: fifteen
# characters or more of digits and separators, from a digit to a digit or X.
LONG_NUMBER = rf"[{_DIGITS}](?:[{_DIGITS}]|{_SEPARATOR}){{13,}}[{_DIGITS}{_CHECK}]"
LONG_NUMBER_PATTERN = re.compile(LONG_NUMBER)
ID_GROUP = re.compile(_GROUP)


@dataclass(frozen=True)
class ResidentId:
    """A resident ID found in a text: where it is, its digits, and the characters the mask hides."""

    start: int
    end: int
    number: str  # canonical: ASCII digits, capital X; 15, 18 or 20 characters
    hidden: tuple  # indices into the text of the birth-date digits

    def numbers(self):
        """The numbers an exact lookup finds it by: itself, and the ID inside a longer one."""
        return (self.number, self.number[:18]) if len(self.number) > 18 else (self.number,)


def _birth_date(digits):
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return born if datetime.date(1900, 1, 1) <= born <= datetime.date.today() else None


def resident_id_hidden_slice(number):
    """The slice of a canonical number the mask hides, or None when it is not a resident ID."""
    if number[:2] not in ID_PROVINCES:
        return None
    if len(number) == 20 and number[18:].isdigit() or len(number) == 19 and number[18] == "X":
        number = number[:18]  # a 残疾人证 number; an ID with a stray X after it
    if len(number) == 18:
        if number[:17].isdigit() and (number[17].isdigit() or number[17] == "X"):
            return slice(6, 14) if _birth_date(number[6:14]) else None
    elif len(number) == 15 and number.isdigit():
        return slice(6, 12) if _birth_date("19" + number[6:12]) else None
    return None


def find_resident_ids(text):
    """The resident IDs in ``text``, in order (see the rule above)."""
    found = []
    if not text or not LONG_NUMBER_PATTERN.search(text):
        return found  # most texts: no run of digits long enough to hold one
    for run in ID_RUN.finditer(text):
        groups = list(ID_GROUP.finditer(run.group()))
        first = 0
        while first < len(groups):
            match, digits, positions = None, "", []
            for last in range(first, len(groups)):
                group = groups[last]
                for offset, char in enumerate(group.group()):
                    digits += unicodedata.normalize("NFKC", char).upper()
                    positions.append(run.start() + group.start() + offset)
                if len(digits) > 20:
                    break
                hidden = resident_id_hidden_slice(digits)
                if hidden:
                    match = (last, digits, positions[hidden], positions)
            if match is None:
                first += 1
                continue
            last, digits, hidden, positions = match
            found.append(ResidentId(positions[0], positions[-1] + 1, digits, tuple(hidden)))
            first = last + 1
    return found


def mask_resident_ids(value):
    """``value`` with the birth date of each resident ID hidden: 370602********1239."""
    value = value or ""
    hidden = {index for found in find_resident_ids(value) for index in found.hidden}
    if not hidden:
        return value
    return "".join("*" if index in hidden else char for index, char in enumerate(value))


def resident_id_digest(number):
    """A keyed digest of a canonical number: what exact lookups compare, never the number."""
    key = settings.RESIDENT_ID_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:32]


def resident_id_digests(value):
    """The digests that find ``value`` by each resident ID in it (see ``ResidentId.numbers``)."""
    return {
        resident_id_digest(number)
        for found in find_resident_ids(value)
        for number in found.numbers()
    }


def number_keys(number):
    """What finds a document number: its key as readers may type it, with any resident ID in it
    masked, and the keyed digests that find it by such an ID exactly (space-separated)."""
    return normalize_number(mask_resident_ids(number)), " ".join(
        sorted(resident_id_digests(number))
    )


def masked_query(query):
    """A copy of a QueryDict with every value masked: for links and inputs that show it back."""
    masked = query.copy()
    for key, values in query.lists():
        masked.setlist(key, [mask_resident_ids(value) for value in values])
    return masked


def resident_id_lookup(value):
    """The canonical number when ``value`` is, as a whole, a resident ID (or contains one as a
    残疾人证 number does), else None: a lookup by it is an exact, rate-limited lookup."""
    value = (value or "").strip()
    found = find_resident_ids(value)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(value):
        return found[0].number
    return None


# About what a search engine's result shows of a Chinese page's meta description.
DESCRIPTION_LENGTH = 120


def meta_description(text):
    """A page's summary for search engines and link previews: one line, resident IDs masked
    before it is cut short (an ID cut in two is one the mask cannot see)."""
    return Truncator(mask_resident_ids(" ".join(text.split()))).chars(DESCRIPTION_LENGTH)


def chinese_date(value):
    """2024-10-22 → 2024年10月22日, as dates read in notices and messages."""
    return f"{value.year}年{value.month}月{value.day}日"


# Characters that XML 1.0 cannot carry, even escaped; they come in with text pasted from
# word processors (a vertical tab, a form feed) and would stop a feed from being written.
XML_ILLEGAL_PATTERN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    """``value`` without the control characters that XML 1.0 cannot carry."""
    return XML_ILLEGAL_PATTERN.sub("", value or "")
