"""Three-way merge of free text that several people edit at the same time.

Base, current and incoming text are split into tokens (words, runs of whitespace and single
other characters); each distinct token stands for one private character, and diff-match-patch
diffs the base against each side in those characters. Edits of the two sides that touch
different parts of the base are both applied. Where they collide and disagree, both versions
are kept, current's first, so that nobody's words disappear without a trace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_DIFF_TIMEOUT_SECONDS = 0.2
_PRIVATE_CODE_POINTS = (range(0xE000, 0xF900), range(0x10000, 0x110000))


class _Edit(NamedTuple):
    """Base tokens `start:end` become `tokens`; `start == end` is an insertion."""

    start: int
    end: int
    tokens: tuple[str, ...]


class _Cluster(NamedTuple):
    """Edits of both sides that overlap, each side's in base order."""

    current: list[_Edit]
    incoming: list[_Edit]


def merge(base: str, current: str, incoming: str) -> str:
    """Three-way merge: `current` is what the server holds now, `incoming` a member's text
    that was edited from `base`. Returns the text with both sides' changes."""
    if incoming in (base, current):
        return current
    if current == base:
        return incoming
    base_tokens, current_tokens, incoming_tokens = (
        _tokenize(text) for text in (base, current, incoming)
    )
    encoded = _encode(base_tokens, current_tokens, incoming_tokens)
    if encoded is None:
        return "".join(_side_by_side(current_tokens, incoming_tokens))
    base_chars, current_chars, incoming_chars = encoded
    differ = diff_match_patch()
    differ.Diff_Timeout = _DIFF_TIMEOUT_SECONDS
    current_edits = _edits(differ, base_chars, current_chars, current_tokens)
    incoming_edits = _edits(differ, base_chars, incoming_chars, incoming_tokens)
    return "".join(_combine(base_tokens, current_edits, incoming_edits))


def _tokenize(text: str) -> list[str]:
    """Words, runs of whitespace and single other characters; joined they give `text`."""
    return _TOKEN.findall(text)


def _private_code_points() -> Iterator[int]:
    for code_points in _PRIVATE_CODE_POINTS:
        yield from code_points


def _encode(*token_lists: Sequence[str]) -> list[str] | None:
    """Each token list as a string of one character per token, the same token always
    the same character; None if there are more distinct tokens than characters."""
    characters: dict[str, str] = {}
    code_points = _private_code_points()
    encoded = []
    for tokens in token_lists:
        chars = []
        for token in tokens:
            char = characters.get(token)
            if char is None:
                code_point = next(code_points, None)
                if code_point is None:
                    return None
                char = characters[token] = chr(code_point)
            chars.append(char)
        encoded.append("".join(chars))
    return encoded


def _edits(
    differ: diff_match_patch, base_chars: str, side_chars: str, side_tokens: Sequence[str]
) -> list[_Edit]:
    """The changes from base to one side, as edits over base token positions."""
    edits: list[_Edit] = []
    base_position = side_position = 0
    start: int | None = None
    inserted: list[str] = []
    for operation, chars in differ.diff_main(base_chars, side_chars, checklines=False):
        length = len(chars)
        if operation == differ.DIFF_EQUAL:
            if start is not None:
                edits.append(_Edit(start, base_position, tuple(inserted)))
                start, inserted = None, []
            base_position += length
            side_position += length
            continue
        if start is None:
            start = base_position
        if operation == differ.DIFF_DELETE:
            base_position += length
        else:
            inserted.extend(side_tokens[side_position : side_position + length])
            side_position += length
    if start is not None:
        edits.append(_Edit(start, base_position, tuple(inserted)))
    return edits


def _overlap(first: _Edit, second: _Edit) -> bool:
    """Whether edits of the two sides touch the same part of the base."""
    if first.start < second.end and second.start < first.end:
        return True
    if first.start == first.end:
        if second.start == second.end:
            return first.start == second.start
        return second.start < first.start < second.end
    if second.start == second.end:
        return first.start < second.start < first.end
    return False


def _clusters(current_edits: list[_Edit], incoming_edits: list[_Edit]) -> list[_Cluster]:
    """Both sides' edits in base order, overlapping ones grouped together."""
    tagged = sorted(
        [(edit, True) for edit in current_edits] + [(edit, False) for edit in incoming_edits],
        key=lambda item: (item[0].start, item[0].end),
    )
    clusters: list[_Cluster] = []
    for edit, is_current in tagged:
        if clusters:
            last = clusters[-1]
            own, other = (
                (last.current, last.incoming) if is_current else (last.incoming, last.current)
            )
            if other and _overlap(other[-1], edit):
                own.append(edit)
                continue
        clusters.append(_Cluster([edit], []) if is_current else _Cluster([], [edit]))
    return clusters


def _apply(base_tokens: Sequence[str], start: int, end: int, edits: list[_Edit]) -> list[str]:
    """Base tokens `start:end` with `edits` (all inside that range) applied."""
    tokens: list[str] = []
    position = start
    for edit in edits:
        tokens.extend(base_tokens[position : edit.start])
        tokens.extend(edit.tokens)
        position = edit.end
    tokens.extend(base_tokens[position:end])
    return tokens


def _side_by_side(current_tokens: list[str], incoming_tokens: list[str]) -> list[str]:
    """Both versions, current's first, with a space between them if neither has one there."""
    if not current_tokens or not incoming_tokens:
        return current_tokens + incoming_tokens
    if current_tokens[-1].isspace() or incoming_tokens[0].isspace():
        return current_tokens + incoming_tokens
    return [*current_tokens, " ", *incoming_tokens]


def _combine(
    base_tokens: Sequence[str], current_edits: list[_Edit], incoming_edits: list[_Edit]
) -> list[str]:
    """The base with both sides' edits; colliding edits that disagree are kept side by side."""
    merged: list[str] = []
    position = 0
    for cluster in _clusters(current_edits, incoming_edits):
        edits = cluster.current + cluster.incoming
        start = min(edit.start for edit in edits)
        end = max(edit.end for edit in edits)
        merged.extend(base_tokens[position:start])
        current_version = _apply(base_tokens, start, end, cluster.current)
        incoming_version = _apply(base_tokens, start, end, cluster.incoming)
        if not cluster.incoming or current_version == incoming_version:
            merged.extend(current_version)
        elif not cluster.current:
            merged.extend(incoming_version)
        else:
            merged.extend(_side_by_side(current_version, incoming_version))
        position = end
    merged.extend(base_tokens[position:])
    return merged
