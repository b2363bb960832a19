"""Whether a spaCy tokenizer's affix rules can ever split a word made only of letters.

spaCy cuts a chunk of text (no whitespace) at prefixes, suffixes and infixes found by three regular expressions, and
at its special cases ("cannot" -> "can", "not"). If every alternative of the three expressions needs a character
that is not a letter (a full stop, a quote, a digit, a hyphen, a lookbehind on a digit...), a chunk of letters only
("Valdoria", "مسجد", "Synagoge") that is no special case is one token whatever it says, and
`splitter.ChunkSplitter` answers it without running the expressions (half of the unseen chunks of real news). The
answer is derived from the expressions themselves, so a spaCy version or a language whose rules do split letters
simply goes the slow way.

The check is conservative: an element counts only when every match must use it (not under `?` or `*`, not in one
branch only) and it can only match non-letters (`str.isalpha` false); anything it does not understand counts as
"may match letters". `re._parser` is the standard library's own parser of regular expressions (private, stable since
Python 3.11; a failure to parse also answers "may split").
"""

from __future__ import annotations

import re
from typing import Any

_MAX_RANGE = 5_000  # a wider class is assumed to hold a letter without counting


def _non_letters_only(op: Any, av: Any, c: Any) -> bool:
    """Whether one consuming element (a literal or a class) can only match characters that are not letters."""
    if op is c.LITERAL:
        return not chr(av).isalpha()
    if op is not c.IN:
        return False
    for item, value in av:
        if item is c.LITERAL:
            if chr(value).isalpha():
                return False
        elif item is c.RANGE:
            low, high = value
            if high - low > _MAX_RANGE or any(chr(code).isalpha() for code in range(low, high + 1)):
                return False
        elif item is c.CATEGORY:
            if value not in (c.CATEGORY_DIGIT, c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD):
                return False
        else:  # a negated class, or anything else: it may match a letter
            return False
    return True


def _needs_a_non_letter(items: Any, c: Any) -> bool:
    """Whether every match of a parsed sequence needs a character that is not a letter."""
    for op, av in items:
        if op in (c.LITERAL, c.IN) and _non_letters_only(op, av, c):
            return True
        if op is c.SUBPATTERN and _needs_a_non_letter(av[-1], c):
            return True
        if op is c.BRANCH and all(_needs_a_non_letter(branch, c) for branch in av[1]):
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1 and _needs_a_non_letter(av[2], c):
            return True
        if op is c.ASSERT and _needs_a_non_letter(av[1], c):  # a lookahead or lookbehind that must hold
            return True
    return False


def never_matches_letters(pattern: re.Pattern[str] | None) -> bool:
    """Whether `pattern` can match no string made only of letters (None: there is no such rule)."""
    if pattern is None:
        return True
    try:
        from re import _constants, _parser

        return _needs_a_non_letter(list(_parser.parse(pattern.pattern, pattern.flags)), _constants)
    except Exception:  # a pattern or a Python this does not understand: assume the worst
        return False


def letters_stay_whole(tokenizer: Any) -> bool:
    """Whether the tokenizer leaves a chunk of letters that is no special case as one token."""
    for rule in (tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer):
        if rule is None:
            continue
        pattern = getattr(rule, "__self__", None)  # spaCy keeps a compiled expression's bound search/finditer
        if not isinstance(pattern, re.Pattern) or not never_matches_letters(pattern):
            return False
    return True
