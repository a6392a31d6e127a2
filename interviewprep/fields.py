"""Whole numbers from forms and API bodies, bounded to what the database columns hold.

An unbounded ``IntegerField`` passes ``10**30`` on to a query, where SQLite raises
``OverflowError`` and PostgreSQL an out-of-range error: a 500. These fields refuse it as
invalid input instead. Use them for every whole number a request carries.
"""

from typing import Any

from django import forms
from rest_framework import serializers

#: The largest value of a ``PositiveIntegerField`` on every database Django supports.
COUNT_MAX = 2_147_483_647
#: The largest primary key (``BigAutoField``: a signed 64-bit integer).
ID_MAX = 2**63 - 1


class CountField(forms.IntegerField):
    """A count or version: 0 to :data:`COUNT_MAX` unless narrower bounds are given."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", COUNT_MAX)
        super().__init__(**kwargs)


class IdField(forms.IntegerField):
    """A database id: 1 to :data:`ID_MAX`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class ApiCountField(serializers.IntegerField):
    """:class:`CountField` for API bodies."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", COUNT_MAX)
        super().__init__(**kwargs)


class ApiIdField(serializers.IntegerField):
    """:class:`IdField` for API bodies."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)
