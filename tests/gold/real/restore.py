"""Put a real document's text back in `texts/` from a copy of its page, checked against the manifest's SHA-256.

The texts are not in git (the project keeps facts, not sentences), so a new checkout has to get them again. Save
the opening of the page at the document's address (a browser's copy, or the search tool's stored copy) as UTF-8,
then:

    python tests/gold/real/restore.py 01_chongqing_2020.txt copy.txt

The text as annotated is the copy in NFKC form, cut to the manifest's length. Copies differ in small ways (where
they start, a site header line, blank lines, spaces at line ends), so this tries each of those and keeps the one
whose SHA-256 is the manifest's; failing that, the one of the manifest's length (or shorter, where the copy ends
sooner) with every annotated figure's number at its offset (a copy that differs only in a stray mark no figure is
printed in). Either way, a text it writes has the annotated offsets, and `make eval-extract` scores it.
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from pipelines.prose.gold_real import REAL_DIR, _printed_at, real_annotations, real_documents


def variants(copy: str) -> Iterator[str]:
    """The copy in NFKC form, as it is and with the small differences copies of one page show."""
    for base in (copy, copy + "\n", copy.replace("\ufe30", ":")):  # excerpts drop the final newline; ︰ is ".." in NFKC
        yield from _line_variants(unicodedata.normalize("NFKC", base).replace("\r\n", "\n"))
    # a text annotated with its ︰ kept as printed (34_beijing_2024's ratio)
    for base in (copy, copy + "\n") if "\ufe30" in copy else ():
        kept = "\ufe30".join(unicodedata.normalize("NFKC", part) for part in base.split("\ufe30"))
        yield from _line_variants(kept.replace("\r\n", "\n"))


def _line_variants(text: str) -> Iterator[str]:
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    for candidate in (lines, stripped, [line for line in stripped if line]):
        yield "\n".join(candidate)
        for i in range(
            min(len(candidate), 12)
        ):  # a site header line dropped (选择区域:…>>), and the blank lines after it
            after = i + 1
            while after < len(candidate) and not candidate[after].strip():
                after += 1
            yield "\n".join(candidate[:i] + candidate[i + 1 :])
            if after > i + 1:
                yield "\n".join(candidate[:i] + candidate[after:])


def restore(copy: str, length: int, sha256: str, figures: list[dict]) -> tuple[str | None, bool]:
    """The window of `length` characters of one of the copy's variants whose SHA-256 is `sha256` (and True), else
    the window with every figure at its offset that starts earliest in its variant (and False), else None: a window
    that starts later has lost the title's first words, where the region and year are."""
    in_place: tuple[int, str] | None = None
    for text in variants(copy):
        for start in range(0, max(len(text) - length, 0) + 1):
            window = text[start : start + length]
            if hashlib.sha256(window.encode("utf-8")).hexdigest() == sha256:
                return window, True
            if (in_place is None or start < in_place[0]) and figures and all(_printed_at(window, f) for f in figures):
                in_place = (start, window)
    return (in_place[1] if in_place else None), False


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().split("\n\n")[1].strip(), file=sys.stderr)
        print("usage: restore.py DOCUMENT COPY", file=sys.stderr)
        return 2
    document, copy_path = argv[1], Path(argv[2])
    entry = next((d for d in real_documents() if d.name == document), None)
    if entry is None:
        print(
            f"{document}: not in {REAL_DIR / 'manifest.csv'}; give a name from its `document` column", file=sys.stderr
        )
        return 2
    figures = real_annotations()[document]
    text, exact = restore(copy_path.read_text(encoding="utf-8"), entry.characters, entry.sha256, figures)
    if text is None:
        print(
            f"{copy_path}: no window of {entry.characters} characters has the SHA-256 of {document} or its "
            f"{len(figures)} figures at their offsets; check the copy is of {entry.url} and starts no later than "
            "the text annotated",
            file=sys.stderr,
        )
        return 1
    entry.text_path.parent.mkdir(parents=True, exist_ok=True)
    entry.text_path.write_text(text, encoding="utf-8")
    how = "its SHA-256" if exact else f"its {len(figures)} figures at their offsets (SHA-256 differs)"
    print(f"{entry.text_path}: restored, {len(text)} characters, checked by {how}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
