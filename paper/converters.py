import datetime


class IsoDateConverter:
    """A calendar date in the form 2024-10-22; anything that is not a real date does not match."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(value) from error

    def to_url(self, value):
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.isoformat()


class PageCodeConverter:
    regex = r"[A-Z][0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class PageNameConverter:
    """A page name (版名) such as 要闻 or 国内/国际: any text but NUL, which no name can hold.

    PostgreSQL refuses NUL in a query's strings; such a URL names no page and is a 404.
    """

    regex = r"[^\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
