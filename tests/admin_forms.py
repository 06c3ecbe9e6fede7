"""What a browser posts back from an admin change form, read from the page the admin rendered."""


def posted_form(response, **changes):
    """The POST data of the change form in ``response`` (its inlines too), with ``changes``.

    Every field carries the value the page showed, as a browser sends an untouched form;
    ``changes`` are what the editor typed, by field name (``items-0-number`` for an inline).
    """
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    data.update(changes)
    return data
