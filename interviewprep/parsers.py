"""The API's JSON parser, with its input bounded.

DRF's ``JSONParser`` reads the whole body whatever its size and hands it to ``json.load``,
whose recursion fails with ``RecursionError`` (a 500) on 10,000 nested brackets. This one
refuses a body longer than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413) and a document nested deeper
than ``API_JSON_MAX_DEPTH`` or that does not parse (400).
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def _depth(document: Any) -> int:
    """The nesting depth of a parsed document, counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in value)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise BodyTooLarge(
                _("The request body is too large (%(limit)d bytes at most).") % {"limit": limit}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            document = json.loads(
                text, parse_constant=json.strict_constant if self.strict else None
            )
        except RecursionError as error:
            raise ParseError(_("The JSON document is nested too deeply.")) from error
        except ValueError as error:  # UnicodeDecodeError, JSONDecodeError, too many digits
            raise ParseError(_("The request body is not valid JSON.")) from error
        if _depth(document) > settings.API_JSON_MAX_DEPTH:
            raise ParseError(_("The JSON document is nested too deeply."))
        return document
