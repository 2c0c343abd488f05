"""What the server log must not carry: join codes, and what participants wrote or called
themselves.

A join code is the only key to a workshop, and every log line about a participant's page has
it in its path; a database error can quote the row it failed on, notes and names included.
"""

from __future__ import annotations

import logging
import re

HIDDEN = "[skjult]"
# The code in a participant's URL: /deltag/K7Q2-M9XD/…
JOIN_PATH = re.compile(r"(/deltag/)[^/\s?#\"']+", re.IGNORECASE)
# A code or a participant's text given as a parameter: ?code=…, text=…, display_name=…
PARAMETER = re.compile(
    r"(\b(?:code|text|display_name|own_title|own_situation|notes|conclusion)=)[^&\s\"']*",
    re.IGNORECASE,
)
# PostgreSQL's and SQLite's error details quote the values of the row they refused.
ROW_VALUES = re.compile(
    r"((?:Failing row contains|Key \(.*?\)=)\s*)\(.*$", re.IGNORECASE | re.MULTILINE
)


def scrub(text: str) -> str:
    text = JOIN_PATH.sub(rf"\1{HIDDEN}", text)
    text = PARAMETER.sub(rf"\1{HIDDEN}", text)
    return ROW_VALUES.sub(rf"\1({HIDDEN})", text)


class ScrubParticipantData(logging.Filter):
    """Rewrites a record's message and traceback without join codes, notes or names; the
    record is always let through."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = scrub(record.getMessage())
        if record.exc_info and not record.exc_text:
            # Formatted here: a handler's formatter writes exc_text, once it is there, instead
            # of formatting the exception again.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        record.msg, record.args = message, ()
        request = getattr(record, "request", None)
        path = getattr(request, "path", "")
        if path.startswith("/deltag/"):
            # An error report (Django's AdminEmailHandler) would list the request's code and
            # the participant's form; it then reports without the request.
            record.request = None
        return True
