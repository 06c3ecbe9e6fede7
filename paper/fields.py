"""The column that holds a document's search tokens: a tsvector on PostgreSQL.

Other databases store nothing in it; there, search falls back to substring matching on the
normalised text, with the same results.
"""

from django.db import models


def quote_lexeme(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens):
    """The literal form of a tsvector: quoted lexemes, with no parsing or stemming applied."""
    joined = "\0".join(tokens)  # no token contains NUL: normalised text has no control chars
    if "'" in joined or "\\" in joined:
        return " ".join(quote_lexeme(token) for token in tokens)
    return "'" + joined.replace("\0", "' '") + "'" if tokens else ""


class TokensField(models.Field):
    description = "search tokens (tsvector on PostgreSQL)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, set | frozenset | list | tuple):
            if connection.vendor != "postgresql":
                return ""
            return tsvector_literal(value)
        return value

    def from_db_value(self, value, expression, connection):
        return value


@TokensField.register_lookup
class MatchesLookup(models.Lookup):
    """``search_tokens__matches=<tsquery literal>``: tokens match the tsquery (PostgreSQL)."""

    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", [*lhs_params, *rhs_params]
