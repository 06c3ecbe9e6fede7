"""The difference between two versions of a text, as HTML an editor reads: <del> and <ins>.

Chinese has no spaces between words, so a changed line is compared character by character
(烟合港 → 烟台港 marks one character, not the sentence); lines are matched first so that a
paragraph moved or added is shown whole.
"""

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Changed lines longer than this are shown removed and added whole (the comparison is quadratic).
CHARACTER_DIFF_LIMIT = 3_000


def diff_html(old, new):
    """``old`` → ``new`` as HTML: unchanged text escaped, removals in <del>, additions in <ins>."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(
        None, old_lines, new_lines, autojunk=False
    ).get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "replace":
            parts.extend(character_diff(before, after))
        else:
            parts.append(marked(tag, before, after))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped in marked())


def character_diff(old, new):
    start, end = common_ends(old, new)
    yield escape(old[:start])
    old_middle, new_middle = old[start : len(old) - end], new[start : len(new) - end]
    if max(len(old_middle), len(new_middle)) > CHARACTER_DIFF_LIMIT:
        # Rewritten wholesale: character by character would take seconds and show noise.
        yield marked("delete", old_middle, "")
        yield marked("insert", "", new_middle)
    else:
        matcher = SequenceMatcher(None, old_middle, new_middle, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "replace":
                yield marked("delete", old_middle[i1:i2], "")
                yield marked("insert", "", new_middle[j1:j2])
            else:
                yield marked(tag, old_middle[i1:i2], new_middle[j1:j2])
    yield escape(old[len(old) - end :])


def common_ends(one, other):
    """How many characters ``one`` and ``other`` share at the start, and then at the end."""
    start = 0
    limit = min(len(one), len(other))
    while start < limit and one[start] == other[start]:
        start += 1
    end = 0
    while end < limit - start and one[-1 - end] == other[-1 - end]:
        end += 1
    return start, end


def marked(tag, before, after):
    if tag == "equal":
        return escape(before)
    if tag == "delete":
        return f"<del>{escape(before)}</del>"
    return f"<ins>{escape(after)}</ins>"


def change_count(old, new):
    """How many characters were removed and added: a column of the editors' list."""
    removed = added = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return removed, added
