from django import template

from paper.links import path_to

register = template.Library()


@register.simple_tag
def path(url_name, **kwargs):
    """The path ``{% url url_name **kwargs %}`` gives, from a pattern reversed once
    (paper.links.path_to): the base template's dozen ``{% url %}`` links were an eighth of an
    article page's work. Keyword arguments only, among paper.links.MARKERS."""
    return path_to(url_name, **kwargs)
