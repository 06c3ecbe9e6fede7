"""The difference between two versions of a text, as HTML an editor reads: <del> and <ins>.

Chinese has no spaces between words, so a changed line is compared character by character
(烟合港 → 烟台港 marks one character, not the sentence); lines are matched first so that a
paragraph moved or added is shown whole.
"""

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import mark_safe


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
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            yield marked("delete", old[i1:i2], "")
            yield marked("insert", "", new[j1:j2])
        else:
            yield marked(tag, old[i1:i2], new[j1:j2])


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
