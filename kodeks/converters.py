"""URL parts that name rows."""

from __future__ import annotations

# Row ids are 64-bit: a larger number names no row, and the databases refuse to compare it
# (SQLite raises OverflowError, PostgreSQL an out-of-range error).
LARGEST_ID = 2**63 - 1


class RowIdConverter:
    """A whole number that fits a row id. Anything larger matches no URL, so it answers 404
    like any other row that does not exist, instead of failing in the database."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST_ID:
            # Django takes a ValueError here as "this pattern does not match".
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)
