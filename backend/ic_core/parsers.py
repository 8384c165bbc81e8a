"""Request body parsers."""

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that a body nested deeper than Python's parser can follow
    (10 KB of `[` is enough) is malformed JSON, a 400, instead of a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The prefix is DRF's (ic_core.errors takes it off).
            # Translators: ends "The request body is not valid JSON (%(reason)s)."
            reason = gettext("it is nested too deeply")
            raise ParseError(f"JSON parse error - {reason}") from None
