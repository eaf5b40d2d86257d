"""Documents: statistical communiqués, work reports and news pages as plain text, Markdown or HTML, in
data/raw/documents/. A document's text is what the extractor reads and what a quote's offsets count in: the
file itself for text and Markdown, the text content for HTML (block elements on lines of their own, headings
as Markdown headings). An optional sidecar `<file name>.toml` (report.md -> report.md.toml) gives

    title = "..."; publisher = "..."; published_on = 2024-02-20; region = "深圳市" (or its code); year = 2023

and what it leaves out comes from the text: the title from the first heading or line, the reference year from
the title ("2025年...统计公报"), the region from the title, the kind (a bulletin, a report or news) from the title,
the publisher from a line naming an office alone (嘉兴市统计局) and the date from a line holding a date alone.
"""

import html.parser
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
SIDECAR_KEYS = {"title", "publisher", "published_on", "region", "year", "kind", "source_code"}
BULLETIN_WORDS = ("统计公报", "公报", "统计年鉴", "统计快报")
REPORT_WORDS = ("政府工作报告", "工作报告")
TITLE_YEAR = re.compile(r"(\d{4})\s*年")


class DocumentError(ValueError):
    """A document the extractor cannot read, with the file and what to do."""


@dataclass
class Document:
    path: Path
    name: str  # path under the documents folder, as a source's file name: documents/2025_bulletin.md
    text: str
    title: str
    kind: str  # bulletin (a year's communiqué), report (a work report) or news
    year: int | None  # reference year: the year the figures are of, unless a sentence says otherwise
    published_on: date | None
    publisher: str | None = None
    region: str | None = None  # default region as given (name or code), resolved by the extractor
    source_code: str | None = None
    given: dict = field(default_factory=dict)  # what the sidecar said


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without a BOM), else the encoding charset-normalizer is sure of (GBK, GB18030, Big5)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding in ("ascii", "utf_8"):
        raise DocumentError(f"{path}: cannot tell its text encoding; save it as UTF-8 and extract again")
    return str(best)


class _HtmlText(html.parser.HTMLParser):
    """The text content of a page: scripts and styles dropped, block elements and <br> on lines of their own,
    h1-h6 as '#'-headings, <title> kept apart."""

    BLOCKS = {
        "p",
        "div",
        "section",
        "article",
        "li",
        "tr",
        "table",
        "ul",
        "ol",
        "blockquote",
        "header",
        "footer",
        "br",
        "hr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
            return
        self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_text(source: str) -> tuple[str, str]:
    """(text, title) of an HTML page."""
    parser = _HtmlText()
    parser.feed(source)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    return text, parser.title.strip()


def read_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.name + ".toml")
    if not sidecar.exists():
        return {}
    try:
        given = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DocumentError(f"{sidecar}: not valid TOML ({error}); fix it or remove it") from None
    unknown = sorted(set(given) - SIDECAR_KEYS)
    if unknown:
        raise DocumentError(
            f"{sidecar}: unknown key(s) {', '.join(unknown)}; a sidecar may give {', '.join(sorted(SIDECAR_KEYS))}"
        )
    if "published_on" in given and not isinstance(given["published_on"], date):
        try:
            given["published_on"] = date.fromisoformat(str(given["published_on"]))
        except ValueError:
            raise DocumentError(
                f"{sidecar}: published_on = {given['published_on']!r} is not a date; write it as 2024-02-20"
            ) from None
    if "year" in given and not (isinstance(given["year"], int) and 1900 <= given["year"] <= 2100):
        raise DocumentError(f"{sidecar}: year = {given['year']!r} is not a reference year; write it as 2023")
    if "kind" in given and given["kind"] not in ("bulletin", "report", "news"):
        raise DocumentError(f"{sidecar}: kind = {given['kind']!r}; use bulletin, report or news")
    if "region" in given:
        given["region"] = str(given["region"])
    return given


DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
PUBLISHER_LINE = re.compile(r"^\s*(\S{2,24}(统计局|人民政府|调查队|办公室|委员会|发展和改革委员会))\s*$")


def date_line(text: str) -> date | None:
    """A line holding a date alone (嘉兴市统计局 / 2026年3月10日 under a communiqué): its publication date."""
    for line in reversed(unicodedata.normalize("NFKC", text).splitlines()):
        if match := DATE_LINE.match(line):
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def publisher_line(text: str) -> str | None:
    """A line naming an office alone (嘉兴市统计局), near the title or the end: the publisher."""
    lines = [line for line in unicodedata.normalize("NFKC", text).splitlines() if line.strip()]
    for line in lines[1:4] + lines[-3:]:
        if match := PUBLISHER_LINE.match(line.lstrip("#").strip()):
            return match.group(1)
    return None


def title_of(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line
    return ""


def read_document(path: Path, root: Path | None = None) -> Document:
    """A document file with its sidecar. Raises DocumentError naming the file and what to do."""
    path = Path(path)
    kind_of_file = SUFFIXES.get(path.suffix.lower())
    if kind_of_file is None:
        raise DocumentError(f"{path}: a document is a .txt, .md or .html file; convert it to one of those")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(f"{path}: cannot read it ({error.strerror})") from None
    text = decode(path, data).replace("\r\n", "\n").replace("\r", "\n")
    title = ""
    if kind_of_file == "html":
        text, title = html_text(text)
    if not text.strip():
        raise DocumentError(f"{path}: the document has no text")
    given = read_sidecar(path)
    title = given.get("title") or title or title_of(text)
    key = unicodedata.normalize("NFKC", title)
    kind = given.get("kind") or (
        "bulletin"
        if any(w in key for w in BULLETIN_WORDS)
        else "report"
        if any(w in key for w in REPORT_WORDS)
        else "news"
    )
    year = given.get("year")
    if year is None and (match := TITLE_YEAR.search(key)):
        # a communiqué is titled by the year it covers; a work report by the year it is delivered in
        year = int(match.group(1)) - (1 if kind == "report" else 0)
    published_on = given.get("published_on") or date_line(text)
    publisher = given.get("publisher") or publisher_line(text)
    if year is None and published_on is not None and kind != "news":
        year = published_on.year - 1  # a communiqué or report is published the year after the one it covers
    name = path.name
    if root is not None:
        try:
            name = path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return Document(
        path=path,
        name=name,
        text=text,
        title=title,
        kind=kind,
        year=year,
        published_on=published_on,
        publisher=publisher,
        region=given.get("region"),
        source_code=given.get("source_code"),
        given=given,
    )
