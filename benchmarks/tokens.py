"""The detector's tokens against spaCy's, on real news: equality and speed.

1. Every distinct whitespace-free chunk of the dev stream (../shared/data/dev/stream.jsonl.gz), in each news
   language's tokenizer: `detect.splitter.ChunkSplitter` against spaCy's tokenizer on that chunk. Prints how many
   differ (the figure must be 0), how many the splitter leaves to spaCy, and the time per chunk of each.
2. Every title and summary of the stream, in each of those tokenizers: `detect.matching.text_tokens` (fresh memory,
   then from memory) against `doc_tokens` (spaCy on the whole text). Prints how many texts differ (the figure must be
   0).

    .venv/bin/python benchmarks/tokens.py [--langs en,fr,de,es,ar,tr,it,nl,pt,zh]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detect.lexicon import tokenizer_for
from detect.matching import _MEMORY, clean_text, doc_tokens, text_tokens
from detect.splitter import ChunkSplitter

STREAM = ROOT.parent / "shared" / "data" / "dev" / "stream.jsonl.gz"


def stream_texts() -> list[tuple[str, str]]:
    """(language, cleaned text) of every title and summary of the dev stream."""
    texts = []
    with gzip.open(STREAM, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                for key in ("title", "summary"):
                    text = clean_text(row.get(key) or "")
                    if text:
                        texts.append((row.get("lang") or "en", text))
    return texts


def chunks_against_spacy(chunks: list[str], lang: str) -> tuple[int, int, float, float]:
    """(chunks that differ, chunks left to spaCy, µs per chunk for the splitter, for spaCy)."""
    tokenizer = tokenizer_for(lang).tokenizer
    splitter = ChunkSplitter(tokenizer)
    started = time.perf_counter()
    ours = [splitter.split(chunk) for chunk in chunks]
    split_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = [[token.text for token in tokenizer(chunk)] for chunk in chunks]
    spacy_s = time.perf_counter() - started
    differ = sum(1 for a, b in zip(ours, theirs, strict=True) if a is not None and a != b)
    left = sum(1 for a in ours if a is None)
    return differ, left, split_s / len(chunks) * 1e6, spacy_s / len(chunks) * 1e6


def texts_against_spacy(texts: list[tuple[str, str]], langs: list[str]) -> tuple[int, int]:
    """(texts compared, texts whose remembered tokens differ from spaCy's on the whole text)."""
    compared = differ = 0
    for lang in langs:
        _MEMORY.clear()
        nlp = tokenizer_for(lang)
        for _, text in texts:
            expected = doc_tokens(text, nlp)
            compared += 1
            if text_tokens(text, nlp) != expected or text_tokens(text, nlp) != expected:
                differ += 1
    return compared, differ


def main(langs: list[str]) -> None:
    if not STREAM.exists():
        print(f"tokens: the dev stream {STREAM} is not there; nothing compared")
        return
    texts = stream_texts()
    chunks = sorted({chunk for _, text in texts for chunk in text.split()})
    print(f"tokens: {len(texts):,} texts of the dev stream, {len(chunks):,} distinct chunks")
    total_differ = 0
    for lang in langs:
        differ, left, ours, theirs = chunks_against_spacy(chunks, lang)
        total_differ += differ
        print(f"  {lang}: splitter {ours:.1f} µs/chunk, spaCy {theirs:.1f} µs/chunk; {differ} differ, "
              f"{left:,} left to spaCy")
    compared, texts_differ = texts_against_spacy(texts, langs)
    print(f"tokens: chunks that differ from spaCy's tokens: {total_differ} (of {len(chunks) * len(langs):,} "
          f"chunk-language pairs); texts whose tokens differ: {texts_differ} (of {compared:,})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The detector's tokens against spaCy's on the dev stream.")
    parser.add_argument("--langs", default="en,fr,de,es,ar,tr,it,nl,pt,zh")
    main(parser.parse_args().langs.split(","))
