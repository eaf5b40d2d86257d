"""Hostile and absurd inputs made from the project's real files: each case is the raw tree with one file
replaced, added or renamed. Structural cases change bytes (flips, deletions, insertions, line ends, BOMs,
encodings, quotes, field and column counts, huge fields, names); semantic cases change cells (extremes,
non-finite values, exponents, formula and SQL text, Unicode controls, emoji, mixed scripts, implausible
figures). Everything comes from one seeded random generator: the same seed gives the same cases."""

import csv
import gzip
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

SEED_FILE = "observations/2024-02_newspaper_regional_page.csv"
SEED_SOURCE = "2024-02_newspaper_regional_page"
LOOKUP_FILES = [
    "indicators/indicators.csv",
    "units/units.csv",
    "regions/regions.csv",
    "bounds/bounds.csv",
    "qualifiers/qualifiers.csv",
    "sources/sources.csv",
    "entities/entities.csv",
]


@dataclass
class Case:
    """One hostile input: write `data` to `path` (relative to the raw folder), removing `removes` first."""

    name: str
    family: str
    path: str
    data: bytes
    removes: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return Path(self.path).name


class Mutator:
    def __init__(self, raw_dir: Path, seed: int):
        self.raw_dir = raw_dir
        self.random = random.Random(seed)
        self.seed_bytes = (raw_dir / SEED_FILE).read_bytes()
        self.seed_text = self.seed_bytes.decode("utf-8")
        self.rows = list(csv.reader(io.StringIO(self.seed_text)))
        self.cases: list[Case] = []

    # --- helpers ------------------------------------------------------------------------------------------

    def add(self, family: str, name: str, data: bytes, path: str = SEED_FILE, removes: list[str] | None = None) -> None:
        self.cases.append(Case(f"{family}: {name}", family, path, data, removes or []))

    @staticmethod
    def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", newline: str = "\n") -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator=newline).writerows(rows)
        return out.getvalue().encode(encoding)

    def with_cells(self, edits: dict[tuple[int, str], str], rows: list[list[str]] | None = None) -> bytes:
        """The seed file with cells replaced: (data row index, column) -> text."""
        rows = [list(r) for r in (rows or self.rows)]
        header = rows[0]
        for (index, column), text in edits.items():
            rows[1 + index][header.index(column)] = text
        return self.csv_bytes(rows)

    def some_rows(self, k: int) -> list[int]:
        return self.random.sample(range(len(self.rows) - 1), k)

    def row_of(self, indicator: str) -> int:
        return next(i for i, r in enumerate(self.rows[1:]) if r[1] == indicator and not r[6])

    def position(self, data: bytes) -> int:
        return self.random.randrange(len(data))

    # --- structural ---------------------------------------------------------------------------------------

    def bytes_flipped(self, count: int) -> None:
        for i in range(count):
            data = bytearray(self.seed_bytes)
            flips = self.random.choice([1, 2, 5, 20])
            for _ in range(flips):
                data[self.position(data)] ^= self.random.randrange(1, 256)
            self.add("bytes flipped", f"{flips} byte(s), #{i}", bytes(data))

    def bytes_deleted(self, count: int) -> None:
        for _ in range(count):
            start = self.position(self.seed_bytes)
            length = self.random.choice([1, 3, 17, 200])
            self.add(
                "bytes deleted", f"{length} at {start}", self.seed_bytes[:start] + self.seed_bytes[start + length :]
            )

    def bytes_inserted(self, count: int) -> None:
        pieces = [b"\x00", b"\xff\xfe", b'"', b",", b"\n", b"\r", b",,,,", b'"\n"', b"\xe4\xb8", b"\t", b";", b"\x1a"]
        for i in range(count):
            piece = self.random.choice(pieces) if i % 3 else bytes(self.random.randrange(256) for _ in range(8))
            at = self.position(self.seed_bytes)
            self.add("bytes inserted", f"{piece!r} at {at}", self.seed_bytes[:at] + piece + self.seed_bytes[at:])

    def truncated(self, count: int) -> None:
        for _ in range(count):
            at = self.position(self.seed_bytes)
            self.add("truncated", f"cut at byte {at}", self.seed_bytes[:at])

    def line_ends(self) -> None:
        text = self.seed_text
        self.add("line ends", "CRLF", text.replace("\n", "\r\n").encode())
        self.add("line ends", "CR only", text.replace("\n", "\r").encode())
        mixed = "".join(line + self.random.choice(["\n", "\r\n", "\r"]) for line in text.splitlines())
        self.add("line ends", "mixed", mixed.encode())
        self.add("line ends", "no final newline, trailing blanks", (text.rstrip("\n") + "\n\n   \n\t").encode())

    def boms(self) -> None:
        text = self.seed_text
        middle = len(text) // 2
        middle = text.index("\n", middle) + 1
        self.add("BOM", "UTF-8 BOM", b"\xef\xbb\xbf" + self.seed_bytes)
        self.add("BOM", "BOM in mid-file", (text[:middle] + "\ufeff" + text[middle:]).encode())
        self.add("BOM", "two BOMs", b"\xef\xbb\xbf\xef\xbb\xbf" + self.seed_bytes)
        self.add("BOM", "UTF-16 LE with BOM", text.encode("utf-16"))
        self.add("BOM", "UTF-16 BE without BOM", text.encode("utf-16-be"))

    def encodings(self) -> None:
        text = self.seed_text
        self.add("encoding", "GBK", text.encode("gbk"))
        self.add("encoding", "GB18030", text.encode("gb18030"))
        self.add("encoding", "Big5 (mislabelled: not GBK)", text.encode("big5", errors="replace"))
        self.add("encoding", "Shift-JIS", text.encode("shift_jis", errors="replace"))
        self.add("encoding", "double-encoded UTF-8 (mojibake)", self.seed_bytes.decode("latin-1").encode("utf-8"))
        self.add("encoding", "cp1252 with replacements", text.encode("cp1252", errors="replace"))
        self.add("encoding", "UTF-32", text.encode("utf-32"))
        self.add("encoding", "EBCDIC", text.encode("cp500", errors="replace"))

    def quotes(self) -> None:
        lines = self.seed_text.splitlines(keepends=True)
        for i in range(4):
            at = self.random.randrange(1, len(lines))
            broken = list(lines)
            broken[at] = '"' + broken[at]
            self.add("quotes", f"unbalanced quote opening line {at + 1}, #{i}", "".join(broken).encode())
        quoted = self.csv_bytes(self.rows).decode()
        everything = io.StringIO()
        csv.writer(everything, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(self.rows)
        self.add("quotes", "every field quoted", everything.getvalue().encode())
        self.add("quotes", "curly quotes around fields", quoted.replace(",", "“,”").encode())
        edits = {(i, "note"): 'say "hello", then\nnew line' for i in self.some_rows(5)}
        self.add("quotes", "quoted newlines and quotes inside notes", self.with_cells(edits))
        self.add("quotes", "doubled quotes everywhere", self.seed_text.replace(",", '"",""').encode())
        self.add("quotes", "single quotes as quoting", self.seed_text.replace(",", "','").encode())
        self.add("quotes", "quote at end of file", self.seed_bytes + b'"')

    def field_counts(self) -> None:
        lines = self.seed_text.splitlines()
        for k in [1, 3, 40]:
            dropped = list(lines)
            for at in self.random.sample(range(1, len(lines)), k):
                dropped[at] = dropped[at].rsplit(",", 1)[0]
            self.add("field count", f"a field missing on {k} line(s)", ("\n".join(dropped) + "\n").encode())
            extra = list(lines)
            for at in self.random.sample(range(1, len(lines)), k):
                extra[at] += ",surplus"
            self.add("field count", f"an extra field on {k} line(s)", ("\n".join(extra) + "\n").encode())
        tabbed = list(lines)
        for at in self.random.sample(range(1, len(lines)), 3):
            tabbed[at] = tabbed[at].replace(",", "\t")
        self.add("field count", "tab-separated lines among commas", ("\n".join(tabbed) + "\n").encode())
        self.add("field count", "semicolons everywhere", self.seed_text.replace(",", ";").encode())
        self.add("field count", "one field per line", self.seed_text.replace(",", "\n").encode())
        self.add("field count", "lines joined", self.seed_text.replace("\n", ",", 20).encode())

    def columns(self) -> None:
        header, body = self.rows[0], self.rows[1:]
        for n in (1, 100, 10_000):
            wide = [header + [f"extra_{j}" for j in range(n)]] + [r + ["x"] * n for r in body]
            self.add("columns", f"{n:,} extra column(s)", self.csv_bytes(wide))
        for column in ("value", "period", "region_code"):
            at = header.index(column)
            self.add(
                "columns",
                f"required column {column} removed",
                self.csv_bytes([r[:at] + r[at + 1 :] for r in self.rows]),
            )
        self.add(
            "columns", "a column twice in the header", self.csv_bytes([header + ["value"]] + [r + ["1"] for r in body])
        )
        order = list(range(len(header)))
        self.random.shuffle(order)
        self.add("columns", "columns shuffled", self.csv_bytes([[r[j] for j in order] for r in self.rows]))
        chinese = {
            "region_code": "地区代码",
            "indicator_code": "指标代码",
            "period": "时期",
            "value": "数值",
            "unit": "单位",
        }
        self.add("columns", "Chinese header", self.csv_bytes([[chinese.get(c, c) for c in header]] + body))
        self.add(
            "columns", "header in capitals with spaces", self.csv_bytes([[f" {c.upper()} " for c in header]] + body)
        )
        self.add("columns", "blank header cells", self.csv_bytes([header[:-1] + [""]] + body))
        self.add("columns", "header only", self.csv_bytes([header]))
        self.add("columns", "no header", self.csv_bytes(body))
        self.add("columns", "header repeated mid-file", self.csv_bytes(self.rows[:40] + [header] + self.rows[40:]))

    def huge(self) -> None:
        big = "9" * 2_000_000
        for column in ("value", "note", "region_code", "unit"):
            self.add(
                "huge field",
                f"2,000,000 characters in {column}",
                self.with_cells({(self.some_rows(1)[0], column): big}),
            )
        self.add(
            "huge field", "2,000,000 characters of Chinese in note", self.with_cells({(0, "note"): "深" * 2_000_000})
        )
        header, body = self.rows[0], self.rows[1:]
        months = [f"20{y:02d}-{m:02d}" for y in range(10, 24) for m in range(1, 13)]
        period = header.index("period")
        regional = list({(r[0], r[1]): r for r in body if not r[6]}.values())  # one figure per month of each series
        large = [header] + [r[:period] + [month] + r[period + 1 :] for month in months for r in regional]
        self.add(
            "huge field", f"a large file ({len(large) - 1:,} rows, over 1 MB: Arrow's path)", self.csv_bytes(large)
        )

    def file_names(self) -> None:
        # the seed's rows under another name: their source is named in the file, since a name is its own source
        header = self.rows[0] + ["source_code"]
        rows = [header] + [r + [SEED_SOURCE] for r in self.rows[1:]]
        data = self.csv_bytes(rows)
        for name in [
            "深圳 2023 GDP figures.csv",
            "x" * 200 + ".csv",
            "-leading dash.csv",
            "it's; drop table raw.csv",
            "UPPER.CSV",
            "emoji 📈.csv",
            "tab\tin name.csv",
        ]:
            self.add("file name", repr(name[:40]), data, path=f"observations/{name}", removes=[SEED_FILE])
        self.add("file name", "hidden file (ignored)", self.seed_bytes[:50], path="observations/.hidden.csv")
        self.add("file name", "Excel lock file (ignored)", b"\x00" * 100, path="observations/~$locked.xlsx")

    def not_tables(self) -> None:
        self.add("not a table", "empty file", b"")
        self.add("not a table", "random bytes", bytes(self.random.randrange(256) for _ in range(5000)))
        self.add("not a table", "gzip of the file", gzip.compress(self.seed_bytes, mtime=0))
        self.add("not a table", "PNG header", b"\x89PNG\r\n\x1a\n" + bytes(200))
        self.add("not a table", "CSV text named .xlsx", self.seed_bytes, path="observations/figures.xlsx")
        self.add(
            "not a table",
            "a damaged XLSX",
            b"PK\x03\x04" + bytes(self.random.randrange(256) for _ in range(300)),
            path="observations/damaged.xlsx",
        )
        self.add("not a table", "only blank lines", b"\n\n\n   \n")
        self.add("not a table", "one line of prose", "深圳市2023年地区生产总值34606.40亿元。".encode())

    # --- semantic -----------------------------------------------------------------------------------------

    def values(self, family: str, texts: list[str], indicator: str = "gdp", unit: str | None = None) -> None:
        row = self.row_of(indicator)
        for text in texts:
            edits = {(row, "value"): text}
            if unit is not None:
                edits[(row, "unit")] = unit
            self.add(family, f"{indicator} = {text[:40]!r}{f' {unit}' if unit else ''}", self.with_cells(edits))

    def semantic(self) -> None:
        self.values(
            "extremes",
            [
                "9" * 400,
                "-" + "9" * 400,
                "1e308",
                "1e309",
                "-1e308",
                "1e-400",
                "5e-324",
                "0",
                "-0",
                "9007199254740993",
                "1" + "0" * 30,
                "0.",
                ".5",
                "1" * 20 + "." + "1" * 20,
            ],
        )
        self.values("extremes", ["1e15"], unit="亿元")
        self.values("extremes", ["1"], unit="元")
        self.values("non-finite", ["NaN", "nan", "Infinity", "-Infinity", "inf", "∞", "−∞", "#DIV/0!"])
        self.values("exponents", ["3.46064E+12"], unit="元")
        self.values("exponents", ["1e5", "1E-3", "1e+400", "2.5e", "e5", "3.4e4.5", "1e99999999999"])
        self.values(
            "formula text",
            ["=1+1", '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3", '=CONCAT("a";"b")'],
        )
        injections = [
            "'; drop table fact_observation; --",
            "' or '1'='1",
            "robert'); DROP TABLE raw.observations;--",
            "$$; select 1; $$",
            "\\x27 union select * from audit.load_ledger",
        ]
        for i, text in enumerate(injections):
            column = ["region_code", "indicator_code", "note", "unit", "entity"][i]
            self.add("SQL text", f"{column} = {text[:30]!r}", self.with_cells({(self.some_rows(1)[0], column): text}))
        self.add("SQL text", "value", self.with_cells({(self.row_of("gdp"), "value"): "1; drop table dim_region"}))
        controls = [
            ("\u202e044034", "region_code"),
            ("34606\u200b.40", "value"),
            ("\x1b[31m34606.40", "value"),
            ("\x07", "note"),
            ("line\u2028separator", "note"),
            ("\ufeff440300", "region_code"),
            ("gd\u00adp", "indicator_code"),
            ("6\u0301", "value"),
            ("ab\x00cd", "note"),
        ]
        for text, column in controls:
            row = self.row_of("gdp") if column == "value" else self.some_rows(1)[0]
            self.add("Unicode controls", f"{column} = {text!r}", self.with_cells({(row, column): text}))
        for text, column in [
            ("🙂", "value"),
            ("34606.40 📈", "value"),
            ("深圳🙂", "note"),
            ("440300🇨🇳", "region_code"),
            ("亿元💰", "unit"),
        ]:
            row = self.row_of("gdp") if column in ("value", "unit") else self.some_rows(1)[0]
            self.add("emoji", f"{column} = {text!r}", self.with_cells({(row, column): text}))
        for text, column in [
            ("gdр", "indicator_code"),
            ("٣٤٦٠٦٫٤٠", "value"),
            ("३४६०६", "value"),
            ("４４０３００", "region_code"),
            ("二〇二三年", "period"),
            ("亿元", "unit"),
            ("ΑΒΓ", "unit"),
            ("Ｓｈｅｎｚｈｅｎ", "entity"),
        ]:
            row = self.row_of("gdp")
            self.add("mixed scripts", f"{column} = {text!r}", self.with_cells({(row, column): text}))
        for text in ["0000", "9999", "2023-00", "2023-Q0", "-2023", "2023-02-30", "1800", "2023年13月"]:
            self.add("periods", repr(text), self.with_cells({(self.row_of("gdp"), "period"): text}))
        implausible = [
            ("gdp_growth_yoy", "5000"),
            ("gdp_growth_yoy", "-150"),
            ("gdp_growth_yoy", "45"),
            ("show_drone_global_market_share", "150"),
            ("pct_applications_rank", "0"),
            ("pct_applications_rank_streak", "500"),
            ("high_tech_enterprises", "2.5"),
            ("gdp", "-34606.40"),
            ("rd_intensity", "1e9"),
        ]
        for indicator, text in implausible:
            row = next(i for i, r in enumerate(self.rows[1:]) if r[1] == indicator)
            unit = self.rows[1 + row][4]
            self.add(
                "implausible",
                f"{indicator} = {text} {unit}",
                self.with_cells({(row, "value"): text, (row, "unit"): unit}),
            )
        body = self.rows[1:]
        self.add("duplicates", "a row twice", self.csv_bytes(self.rows + [body[0]]))
        self.add(
            "duplicates",
            "a row twice with another value",
            self.csv_bytes(self.rows + [body[0][:3] + ["1"] + body[0][4:]]),
        )
        self.add("duplicates", "every row twice", self.csv_bytes(self.rows + body))
        half = {(i, "value"): "garbage" for i in self.some_rows(len(body) // 2)}
        self.add("many bad rows", "half the values unreadable", self.with_cells(half))

    # --- lookup tables ------------------------------------------------------------------------------------

    def lookups(self) -> None:
        for path in LOOKUP_FILES:
            data = bytearray((self.raw_dir / path).read_bytes())
            for _ in range(3):
                data[self.position(data)] ^= self.random.randrange(1, 256)
            self.add("lookup bytes flipped", path, bytes(data), path=path)
        edits = [
            ("units/units.csv", "亿元,CNY,100000000,", "亿元,CNY,1" + "0" * 400 + ","),
            ("units/units.csv", "亿元,CNY,100000000,", "亿元,CNY,0,"),
            ("units/units.csv", "亿元,CNY,100000000,", "亿元,CNY,1e400,"),
            ("units/units.csv", "亿元,CNY,100000000,", "亿元,CNY,1e37,"),
            (
                "indicators/indicators.csv",
                "gdp,地区生产总值,Gross domestic product,CNY,亿元,level",
                "gdp,地区生产总值,Gross domestic product,CNY,亿元,NaN",
            ),
            ("bounds/bounds.csv", "level,CNY,gdp,1e6,1e15", "level,CNY,gdp,1e15,1e6"),
            ("bounds/bounds.csv", "level,CNY,gdp,1e6,1e15", "level,CNY,gdp,1e6,inf"),
            ("bounds/bounds.csv", "level,CNY,gdp,1e6,1e15", "level,CNY,gdp,-1e999,1e15"),
            ("bounds/bounds.csv", "growth_yoy,*,,-100,1000", "growth_yoy,*,,NaN,1000"),
            ("regions/regions.csv", "440300,", "440300\u202e,"),
        ]
        for path, old, new in edits:
            text = (self.raw_dir / path).read_text(encoding="utf-8")
            assert old in text, (path, old)
            self.add("lookup cells", f"{path}: {new[:40]!r}", text.replace(old, new, 1).encode(), path=path)
        growth = (self.raw_dir / "bounds/bounds.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        self.add(
            "lookup cells",
            "bounds: growth rows removed",
            "".join(line for line in growth if not line.startswith("growth_yoy")).encode(),
            path="bounds/bounds.csv",
        )


def generate_cases(raw_dir: Path, seed: int) -> list[Case]:
    """About 200 cases from the real files in raw_dir, the same for the same seed."""
    mutator = Mutator(raw_dir, seed)
    mutator.bytes_flipped(12)
    mutator.bytes_deleted(8)
    mutator.bytes_inserted(10)
    mutator.truncated(5)
    mutator.line_ends()
    mutator.boms()
    mutator.encodings()
    mutator.quotes()
    mutator.field_counts()
    mutator.columns()
    mutator.huge()
    mutator.file_names()
    mutator.not_tables()
    mutator.semantic()
    mutator.lookups()
    return mutator.cases
