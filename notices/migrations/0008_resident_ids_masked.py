"""Resident ID numbers leave the search columns and the number keys: masked, found by digest.

Until now the search columns and ``LostItem.number_key`` held every ID number whole, so that a
reader could recover the digits the public mask hides one substring at a time. This migration
adds the keyed digests (``number_digests``) and computes again, for every lost item, notice and
article, what the live code computes when it saves one.

Like the search migrations it carries its own copy of what it computes (the tokenizer and the
resident ID rule of paper.text and paper.search, as they are at this commit); its only outside
input is the digest key, ``settings.RESIDENT_ID_KEY``.
"""

import datetime
import functools
import hashlib
import hmac
import re
import unicodedata

import opencc
from django.conf import settings
from django.db import migrations, models

SEARCH_COLUMNS = ["search_text", "search_numbers", "search_tokens"]
ARTICLE_TEXT_FIELDS = [
    "kicker",
    "headline",
    "subheadline",
    "source",
    "byline",
    "dateline",
    "column",
    "body",
]
BATCH_SIZE = 500

# --- The tokenizer, frozen (as in articles/migrations/0002_search.py) -------------------------

NUMBER_MARK = "\ue000"
NUMBER_RUN = re.compile(r"[0-9a-z](?:[0-9a-z]|[-_./:()#\s](?=[-_./:()#\s]*[0-9a-z]))*")


@functools.cache
def to_simplified():
    # Made on first use: every migrate and makemigrations imports this module.
    return opencc.OpenCC("t2s")


@functools.cache
def normal_char(char):
    if unicodedata.category(char)[0] == "C":  # control and format characters
        return " "
    return to_simplified().convert(unicodedata.normalize("NFKC", char).casefold())


def normalize_text(value):
    """Full-width to half-width (NFKC), case folded, Traditional characters to Simplified."""
    return "".join(map(normal_char, value or ""))


def compact_numbers(normalized):
    """The numbers in a normalised text, without their punctuation and spaces."""
    found = []
    for run in NUMBER_RUN.findall(normalized):
        compact = re.sub(r"[^0-9a-z]", "", run)
        if compact != run and any(char.isdigit() for char in compact):
            found.append(compact)
    return found


def bigrams(text):
    return set(map(str.__add__, text, text[1:]))


def document_tokens(normalized, numbers):
    """Every character and pair of adjacent characters (not across whitespace); numbers marked."""
    text = " ".join(normalized.split())
    tokens = {token for token in bigrams(text) if " " not in token}
    tokens.update(text)
    tokens.discard(" ")
    for number in numbers:
        tokens.update(NUMBER_MARK + token for token in {*number, *bigrams(number)})
    return tokens


def quote_lexeme(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens):
    """The literal form of a tsvector: quoted lexemes, with no parsing or stemming applied."""
    joined = "\0".join(tokens)  # no token contains NUL: normalised text has no control chars
    if "'" in joined or "\\" in joined:
        return " ".join(quote_lexeme(token) for token in tokens)
    return "'" + joined.replace("\0", "' '") + "'" if tokens else ""


# --- The resident ID rule, frozen: paper.text as at this commit ---------------------------------

ID_MARK = "\ue001"
ID_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"}
    | {"65", "71", "81", "82", "83", "91"}
)
ID_DIGITS = "0-9\uff10-\uff19"
ID_CHECK = "Xx\uff38\uff58"
ID_SEPARATOR = "[ \u3000\\-\u2010-\u2015\u2212\uff0d]"
ID_GROUP_PATTERN = rf"[{ID_DIGITS}]+(?:[{ID_CHECK}][{ID_DIGITS}]*)?"
ID_RUN = re.compile(rf"(?<![{ID_DIGITS}]){ID_GROUP_PATTERN}(?:{ID_SEPARATOR}{ID_GROUP_PATTERN})*")
ID_GROUP = re.compile(ID_GROUP_PATTERN)


def birth_date(digits):
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return born if datetime.date(1900, 1, 1) <= born <= datetime.date.today() else None


def hidden_slice(number):
    if number[:2] not in ID_PROVINCES:
        return None
    if len(number) == 20 and number[18:].isdigit() or len(number) == 19 and number[18] == "X":
        number = number[:18]
    if len(number) == 18:
        if number[:17].isdigit() and (number[17].isdigit() or number[17] == "X"):
            return slice(6, 14) if birth_date(number[6:14]) else None
    elif len(number) == 15 and number.isdigit():
        return slice(6, 12) if birth_date("19" + number[6:12]) else None
    return None


def find_resident_ids(text):
    """(number, indices of the hidden characters) for each resident ID in ``text``."""
    found = []
    for run in ID_RUN.finditer(text or ""):
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
                hidden = hidden_slice(digits)
                if hidden:
                    match = (last, digits, positions[hidden])
            if match is None:
                first += 1
                continue
            last, digits, hidden = match
            found.append((digits, hidden))
            first = last + 1
    return found


def mask(value):
    value = value or ""
    hidden = {index for _, indices in find_resident_ids(value) for index in indices}
    return "".join("*" if index in hidden else char for index, char in enumerate(value))


def digests(value):
    key = settings.RESIDENT_ID_KEY.encode()
    numbers = set()
    for number, _ in find_resident_ids(value):
        numbers.update((number, number[:18]) if len(number) > 18 else (number,))
    return {hmac.new(key, n.encode(), hashlib.sha256).hexdigest()[:32] for n in numbers}


def search_fields(*parts, postgresql):
    normalized = "\n".join(normalize_text(mask(part)) for part in parts if part)
    numbers = compact_numbers(normalized)
    marked = sorted({ID_MARK + digest for part in parts for digest in digests(part)})
    tokens = document_tokens(normalized, numbers) | set(marked)
    return {
        "search_text": normalized,
        "search_numbers": " ".join([*numbers, *marked]),
        # Written as the literal itself, which the field passes on as it is. Only PostgreSQL
        # has a tsvector column; elsewhere the column stays empty.
        "search_tokens": tsvector_literal(tokens) if postgresql else "",
    }


def number_key(number):
    return "".join(char for char in normalize_text(mask(number)) if char.isalnum() or char == "*")


# --- The operations ----------------------------------------------------------------------------


def rewrite(manager, fields, compute, columns):
    batch = []
    for pk, *values in manager.values_list("pk", *fields).iterator(chunk_size=BATCH_SIZE):
        batch.append(manager.model(pk=pk, **compute(*values)))
        if len(batch) == BATCH_SIZE:
            manager.bulk_update(batch, columns)
            batch = []
    manager.bulk_update(batch, columns)


def mask_and_digest(apps, schema_editor):
    alias = schema_editor.connection.alias
    postgresql = schema_editor.connection.vendor == "postgresql"
    LostItem = apps.get_model("notices", "LostItem")
    rewrite(
        LostItem.objects.using(alias),
        ["number"],
        lambda number: {
            "number_key": number_key(number),
            "number_digests": " ".join(sorted(digests(number))),
        },
        ["number_key", "number_digests"],
    )
    Notice = apps.get_model("notices", "Notice")
    rewrite(
        Notice.objects.using(alias),
        ["text"],
        lambda text: search_fields(text, postgresql=postgresql),
        SEARCH_COLUMNS,
    )
    Article = apps.get_model("articles", "Article")
    rewrite(
        Article.objects.using(alias),
        ARTICLE_TEXT_FIELDS,
        lambda *parts: search_fields(*parts, postgresql=postgresql),
        SEARCH_COLUMNS,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0007_printed_item"),
        ("articles", "0006_printed_item"),
    ]

    operations = [
        migrations.AddField(
            model_name="lostitem",
            name="number_digests",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(mask_and_digest, migrations.RunPython.noop),
    ]
