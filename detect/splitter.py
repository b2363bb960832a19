"""spaCy's tokenizer for one chunk of text (no whitespace), in Python: the same rules, the same order, no Doc.

A worker meets words it has never seen in every article (names, numbers, a word with its comma), and `matching`
remembers each chunk's tokens once it has them. Getting them from spaCy meant a `Doc` per text and a lexeme in a
vocabulary per new string: about 40 µs a chunk, a quarter of a detect worker's time on fresh news. This module runs
the algorithm of spaCy's `Tokenizer._split_affixes` and `_attach_tokens` (spaCy 3, `tokenizer.pyx`) with the
tokenizer's own expressions and special cases, and gives the token strings.

1. While the string shrinks: stop at a `token_match` or a special case; find a prefix and a suffix (the suffix is
   looked for after the prefix); a prefix or a suffix whose removal leaves a special case is split off alone and the
   loop stops; else both are split off if they fit, or whichever was found.
2. What is left is a special case (its tokens), one token (`token_match`, `url_match`, or no infix), or is cut at its
   infixes (an infix at the very start is skipped, empty infixes cut without a token).
3. Prefixes, the middle, then the suffixes in reverse order.

spaCy then re-tokenizes runs of tokens that spell a special case with affixes (`_apply_special_cases`, a phrase
matcher over each special case's affix-only tokens). `split` does not copy that step: when any such run appears in a
chunk's tokens it answers None, and the caller asks spaCy itself. A chunk that is a special case also answers None.

`tests/unit/detect/test_detect_splitter.py` holds the result equal to spaCy's on intricate chunks in every news
language; `benchmarks/tokens.py` compares it on every distinct chunk of the dev stream (749,550 chunk-language pairs,
none different when this was written).
"""

from __future__ import annotations

from typing import Any

from spacy.symbols import ORTH

from .affixes import letters_stay_whole


class ChunkSplitter:
    """The token strings spaCy's tokenizer gives one chunk, computed with that tokenizer's rules."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._rules: dict[str, Any] = dict(tokenizer.rules)
        self._token_match = tokenizer.token_match
        self._url_match = tokenizer.url_match
        self._prefix = tokenizer.prefix_search
        self._suffix = tokenizer.suffix_search
        self._infixes = tokenizer.infix_finditer
        self._letters_whole = letters_stay_whole(tokenizer)
        self._special_tokens: dict[str, list[str]] = {}
        # the runs of tokens spaCy's special-case matcher looks for (`Tokenizer.add_special_case`), but for those it
        # would replace by the same tokens (a lone quote is a special case of one token, itself)
        patterns: set[tuple[str, ...]] = set()
        for key, substrings in self._rules.items():
            if (not tokenizer.faster_heuristics or self._prefix_len(key) or self._suffix_len(key)
                    or self._infix_matches(key) or " " in key):
                pattern = tuple(piece for chunk in key.split() for piece in self._split(chunk, {}))
                if pattern != tuple(s.get(ORTH, s.get("ORTH")) for s in substrings):
                    patterns.add(pattern)
        self._patterns = frozenset(patterns)
        self._pattern_starts = frozenset(pattern[0] for pattern in patterns if pattern)
        self._pattern_lengths = sorted({len(pattern) for pattern in patterns if pattern})

    def split(self, chunk: str) -> list[str] | None:
        """The chunk's tokens, or None when spaCy must be asked (a special case, or tokens that spell one)."""
        if chunk in self._rules:
            return None
        if self._whole(chunk):  # most unseen chunks: a word of letters, one token unless it spells a special case
            return None if (chunk,) in self._patterns else [chunk]
        tokens = self._split(chunk, self._rules)
        if not self._pattern_starts.isdisjoint(tokens):
            for i, token in enumerate(tokens):
                if token in self._pattern_starts and any(tuple(tokens[i:i + n]) in self._patterns
                                                         for n in self._pattern_lengths):
                    return None
        return tokens

    def _prefix_len(self, string: str) -> int:
        match = self._prefix(string) if self._prefix is not None else None
        return match.end() - match.start() if match is not None else 0

    def _suffix_len(self, string: str) -> int:
        match = self._suffix(string) if self._suffix is not None else None
        return match.end() - match.start() if match is not None else 0

    def _infix_matches(self, string: str) -> list[Any]:
        return list(self._infixes(string)) if self._infixes is not None else []

    def _whole(self, string: str) -> bool:
        """Whether no affix rule can cut `string`, known without running them: letters only, when the tokenizer's
        rules never split letters (`affixes.letters_stay_whole`)."""
        return self._letters_whole and string.isalpha()

    def _split(self, chunk: str, rules: dict[str, Any]) -> list[str]:
        """`_split_affixes` then `_attach_tokens`, with `rules` as the special cases (none for the matcher's runs)."""
        token_match = self._token_match
        prefixes: list[str] = []
        suffixes: list[str] = []
        string = chunk
        last_size = 0
        while string and len(string) != last_size:
            if (token_match is not None and token_match(string)) or string in rules or self._whole(string):
                break
            last_size = len(string)
            pre_len = self._prefix_len(string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in rules:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = self._suffix_len(string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in rules:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        tokens = prefixes
        if string:
            if string in rules:
                tokens.extend(self._special(string))
            elif (self._whole(string) or (token_match is not None and token_match(string))
                  or (self._url_match is not None and self._url_match(string))):
                tokens.append(string)
            else:
                tokens.extend(self._cut_at_infixes(string))
        tokens.extend(reversed(suffixes))
        return tokens

    def _cut_at_infixes(self, string: str) -> list[str]:
        matches = self._infix_matches(string)
        if not matches:
            return [string]
        pieces: list[str] = []
        start = 0
        for match in matches:
            infix_start, infix_end = match.start(), match.end()
            if infix_start == 0:
                continue
            if infix_start != start:
                pieces.append(string[start:infix_start])
            if infix_start != infix_end:
                pieces.append(string[infix_start:infix_end])
            start = infix_end
        if string[start:]:
            pieces.append(string[start:])
        return pieces

    def _special(self, string: str) -> list[str]:
        """A special case's tokens, as spaCy gives them (asked once per special case)."""
        tokens = self._special_tokens.get(string)
        if tokens is None:
            tokens = self._special_tokens[string] = [token.text for token in self._tokenizer(string)]
        return tokens
