"""Full-text search of practices: one function, ``search(queryset, text)``, on every database.

It filters a ``Practice`` queryset to the practices matching ``text`` and annotates each with
``search_rank`` (higher is more relevant), so a caller orders by ``-search_rank`` for relevance.
A query with no word in it (empty, blanks, punctuation) leaves the queryset unchanged and
unannotated. NUL bytes are dropped and the query is cut to ``MAX_QUERY_LENGTH`` characters, so
no input can make the database fail.

**PostgreSQL** uses the stored, weighted ``search_vector`` column (migration 0003: title A,
summary B, everything else C, ``italian`` configuration, GIN index). The query is read by
``websearch_to_tsquery('italian', …)``: every word must match after Italian stemming ("scuola"
finds "scuole", "trasporti" finds "trasporto"), ``"quoted words"`` match as a phrase, ``or``
gives alternatives and ``-word`` excludes. Italian stop words ("il", "della") are ignored; a
query made only of stop words matches nothing. Accents are not folded (no ``unaccent``), but
the Italian stemmer drops most accented final vowels, so "citta" finds "città".
The rank is PostgreSQL's ``ts_rank``, so a word in the title weighs more than one in the
summary, which weighs more than one in the description.

**SQLite** (and any other database) searches ``search_folded``, the lower-case, accent-free text
of title, summary and the other fields (``zones.models.fold``). The query is folded the same way
and split into words (runs of letters and digits); every word must match the start of a word
in the text. To forgive Italian plurals, a word of 5 or more letters ending in a vowel loses
that vowel, and then the "h" of a final "ch" / "gh": "scuola" and "scuole" both look for
"scuol…", "trasporti" for "trasport…", "parchi" for "parc…" (so "parco" matches). Shorter
words are looked for as they are (prefix match: "bus" also finds "business"). There are no
operators, phrases or stop words. The rank is the number of query words found in the title, so
title matches come first; ties keep the caller's order.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import add

from django.db import connections, models
from django.db.models import Case, Expression, Func, Q, Value, When

from zones.models import fold

MAX_QUERY_LENGTH = 200
RANK = "search_rank"
_WORD = re.compile(r"\w+")
_VOWELS = "aeiou"


def normalise(text: str | None) -> str:
    """The query as searched: without NUL bytes, stripped, at most ``MAX_QUERY_LENGTH``
    characters (a word cut in half at the limit is dropped); "" when it holds no word at all,
    so there is nothing to search."""
    text = (text or "").replace("\x00", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[:MAX_QUERY_LENGTH]
        if not text[MAX_QUERY_LENGTH].isspace() and len(cut.split()) > 1:
            cut = cut.rsplit(None, 1)[0]  # do not search half a word
        text = cut.strip()
    return text if _WORD.search(text) else ""


def search(queryset: models.QuerySet, text: str | None) -> models.QuerySet:
    """The practices of ``queryset`` matching ``text``, annotated with ``search_rank``."""
    text = normalise(text)
    if not text:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgresql(queryset, text)
    return _search_folded(queryset, text)


# PostgreSQL ----------------------------------------------------------------------------------


class _SearchVector(Expression):
    """The generated ``search_vector`` column of the practices table (not a model field).

    Written against the query's own alias for the table, so the search also works when the
    queryset becomes a subquery (where Django renames the table "U0")."""

    output_field = models.Field()

    def as_sql(self, compiler, connection):
        alias = next(iter(compiler.query.alias_map))
        column = connection.ops.quote_name("search_vector")
        return f"{compiler.quote_name_unless_alias(alias)}.{column}", []


def _tsquery(text: str) -> Func:
    return Func(
        Value(text),
        template="websearch_to_tsquery('italian'::regconfig, %(expressions)s)",
        output_field=models.Field(),
    )


def _search_postgresql(queryset, text):
    matches = Func(
        _SearchVector(),
        _tsquery(text),
        template="(%(expressions)s)",
        arg_joiner=" @@ ",
        output_field=models.BooleanField(),
    )
    rank = Func(
        _SearchVector(), _tsquery(text), function="ts_rank", output_field=models.FloatField()
    )
    return queryset.filter(matches).annotate(**{RANK: rank})


# SQLite and the rest -------------------------------------------------------------------------


def stem(word: str) -> str:
    """A folded word cut to what its Italian singular and plural share (see the module doc)."""
    if len(word) >= 5 and word[-1] in _VOWELS:
        word = word[:-1]
        if word.endswith(("ch", "gh")):
            word = word[:-1]
    return word


def _search_folded(queryset, text):
    stems = list(dict.fromkeys(stem(word) for word in _WORD.findall(fold(text))))
    patterns = [r"\b" + re.escape(s) for s in stems]
    matches = reduce(lambda a, b: a & b, (Q(search_folded__regex=p) for p in patterns))
    in_title = [Case(When(title__iregex=p, then=Value(1.0)), default=Value(0.0)) for p in patterns]
    rank = reduce(add, in_title)
    return queryset.filter(matches).annotate(
        **{RANK: models.ExpressionWrapper(rank, output_field=models.FloatField())}
    )
