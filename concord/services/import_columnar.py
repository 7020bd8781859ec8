"""Plain CSV blocks of travel documents judged a column at a time, with polars.

Row by row, Python spends about 12 µs parsing, validating and staging one
document; tens of millions of rows need a fraction of that. So a block of
lines without quotes is split and judged by polars in bulk: a row that every
rule plainly accepts (the same test as ``objects._plain_document``) is staged
straight from the columns, and any other row goes to the general rules, which
name its field. Quoted blocks go to the csv module whole. The rows, rejects,
line numbers and content hashes are those of the row-by-row path: tests
import the same files both ways and compare.
"""

from __future__ import annotations

import io
import mmap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from concord.domain import fields, objects
from concord.domain.enums import Visibility
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.identifiers import icao, normalise
from concord.policy import Action, NewRecord, allow
from concord.services.import_stage import Stager, stage_columns
from concord.services.rows import Row, _Raw, csv_rows

if TYPE_CHECKING:
    from concord.services.importer import Chunk, Target

BLOCK_BYTES = 4 * 1024 * 1024
_REFERENCE = r"^[\x20-\x7e]{1,100}$"
# Letters and digits, spaces and dashes between them (as on Russian passports):
# the stored number keeps them, its key drops them.
_NUMBER = r"^[A-Za-z0-9]([A-Za-z0-9 -]{0,58}[A-Za-z0-9])?$"
_EMPTY = (None, "")


@dataclass(frozen=True, slots=True)
class Span:
    """Part of a file: bytes [start, end), a line start each, the first line numbered."""

    start: int
    end: int
    first_line: int


def read_blocks(
    path: Path, span: Span | None = None
) -> Iterator[tuple[int, bytes, str, bool, int]]:
    """(first line number, bytes, text, has quotes, position after) for blocks of whole lines.

    Without a span: everything after the header. A block never ends inside a
    quoted field: while its quotes are odd, lines are added.
    """
    with path.open("rb") as f:
        if span is None:
            f.readline()  # the header, checked by RowReader
            line, end = 2, None
        else:
            f.seek(span.start)
            line, end = span.first_line, span.end
        while True:
            limit = BLOCK_BYTES if end is None else min(BLOCK_BYTES, end - f.tell())
            data = f.read(limit) if limit > 0 else b""
            if not data:
                return
            if not data.endswith(b"\n"):
                data += f.readline()  # the rest of the last line (a span ends at a line start)
            quoted = b'"' in data
            if quoted:
                while data.count(b'"') % 2:
                    more = f.readline()
                    if not more:
                        break
                    data += more
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                for n, raw in enumerate(data.split(b"\n")):
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError:
                        raise InvalidInput(
                            f"line {line + n}: not UTF-8 text", field="file"
                        ) from None
                raise
            yield line, data, text, quoted, f.tell()
            line += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def split_spans(path: Path, parts: int) -> list[Span] | None:
    """The file after its header cut into ``parts`` spans at line starts, when its rows
    can be judged apart: no quote anywhere, and every reference (stripped) plain ASCII
    and unique, so no repeat has to be told across parts. None: read it whole."""
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        body = data.find(b"\n") + 1
        if body <= 0 or data.find(b'"', body) >= 0:
            return None
        try:
            references = pl.read_csv(
                path,
                columns=["reference"],
                quote_char=None,
                infer_schema=False,
                truncate_ragged_lines=True,
            )["reference"].str.strip_chars(" ")
        except (pl.exceptions.PolarsError, OSError, ValueError):
            return None
        # A row without a reference is refused before repeats are looked for.
        references = references.filter(references.is_not_null() & (references != ""))
        if not references.str.contains(r"^[\x20-\x7e]+$").all():
            return None  # cleaning might make two spellings one: read it whole
        # Compared by a 64-bit hash: a collision only makes the file read whole.
        if references.hash().n_unique() != len(references):
            return None
        size = len(data)
        spans, start, line = [], body, 2
        for k in range(1, parts + 1):
            end = size if k == parts else body + (size - body) * k // parts
            if end < size:
                newline = data.find(b"\n", max(end - 1, start))
                end = size if newline < 0 else newline + 1
            spans.append(Span(start, end, line))
            if k < parts:  # the lines of every span but the last number the next one
                for piece in range(start, end, 1 << 26):
                    line += data[piece : min(piece + (1 << 26), end)].count(b"\n")
            start = end
    return spans


def _fitting_frame(data: bytes, header: list[str]) -> pl.DataFrame | None:
    """The block split by polars' CSV reader when every line holds exactly the
    header's fields (no quote, no carriage return), else None: split it by hand.

    Why: in one pass in Rust, 15-18 ms for 50,000 lines where splitting the
    text in Python and then in polars took 33-46. Fewer fields on a line would
    come back as nulls, more raise; with exactly ``width - 1`` commas a line on
    average, the absence of both means every line fits.
    """
    if b"\r" in data:
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if data.count(b",") != (len(header) - 1) * lines:
        return None
    try:
        frame = pl.read_csv(
            data, has_header=False, new_columns=header, quote_char=None, infer_schema=False
        )
    except pl.exceptions.PolarsError:
        return None
    return frame.fill_null("") if frame.height == lines else None


def _split_block(
    data: bytes, text: str, header: list[str]
) -> tuple[pl.DataFrame, bool, Callable[[], tuple[list[str], list[int]]]]:
    """The block's fields as a frame (nulls as ""), whether every line holds exactly
    the header's fields, and a function giving its lines and their comma counts."""
    width = len(header)
    frame = _fitting_frame(data, header)
    if frame is not None:
        height = frame.height
        return frame, True, lambda: (text.split("\n")[:height], [width - 1] * height)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    series = pl.Series(lines, dtype=pl.String).str.strip_suffix("\r")
    comma_counts = series.str.count_matches(",", literal=True)
    frame = (
        series.str.split_exact(",", width - 1)
        .struct.rename_fields(header)
        .struct.unnest()
        .fill_null("")
    )
    fits = bool((comma_counts == width - 1).all())
    return frame, fits, lambda: (series.to_list(), comma_counts.to_list())


class DocumentColumns:
    """Judges a block of document rows; remembers what it learnt about codes and dates."""

    def __init__(self, principal: Principal, header: list[str], columns: tuple[str, ...]):
        self.principal = principal
        self.columns = columns
        self.usable = set(header) <= objects.PLAIN_DOCUMENT | set(objects.EMPTY_ONLY)
        self._states: dict[str, str | None] = {}
        self._dates: dict[str, str | None] = {}
        self._order = tuple(sorted(c for c in columns if c != "content_hash"))

    def _state(self, code: str) -> str | None:
        try:
            state = icao.normalise_issuing_state(code)
        except InvalidInput:
            return None
        request = NewRecord("document", self.principal.country, state)
        return state if allow(self.principal, Action.CREATE, request) else None

    def _date(self, value: str) -> str | None:
        try:
            return fields.date({"d": value}, "d")
        except InvalidInput:
            return None

    def _learn(self, frame: pl.DataFrame, name: str, judge: Callable[[str], str | None]) -> None:
        known = self._states if name == "issuing_country" else self._dates
        for value in frame[name].unique().to_list():
            if value not in known and value not in _EMPTY:
                known[value] = judge(value)

    def judge(self, frame: pl.DataFrame) -> tuple[list[bool], pl.DataFrame]:
        """Which rows are plain, and the staged values of those rows (stage column order)."""
        for name in ("issued", "expires", "lost_on"):
            if name in frame.columns:
                self._learn(frame, name, self._date)
        self._learn(frame, "issuing_country", self._state)
        today = fields.today_iso()
        states = {k: v for k, v in self._states.items() if v is not None}
        dates = {k: v for k, v in self._dates.items() if v is not None}

        def column(name: str) -> pl.Expr:
            return pl.col(name) if name in frame.columns else pl.lit("", dtype=pl.String)

        def date(name: str) -> pl.Expr:
            return column(name).replace_strict(dates, default=None, return_dtype=pl.String)

        def date_ok(name: str, not_future: bool) -> pl.Expr:
            given = column(name)
            fine = (given == "") | given.is_in(list(dates))
            return fine & (date(name) <= today).fill_null(True) if not_future else fine

        upper = column("number").str.to_uppercase()
        key = (
            upper.str.replace_all(" ", "", literal=True)
            .str.replace_all("-", "", literal=True)
            .str.replace_all("O", "0", literal=True)
            .str.replace_all("I", "1", literal=True)
        )
        judged = frame.select(
            plain=(
                column("reference").str.contains(_REFERENCE)
                & (column("reference").str.strip_chars(" ") != "")
                & column("number").str.contains(_NUMBER)
                & (key.str.len_chars() <= normalise.DOCUMENT_MAX)
                & column("issuing_country").is_in(list(states))
                & column("type").is_in(list(objects.DOC_TYPES))
                & column("status").is_in(list(objects.DOC_STATUSES))
                & date_ok("issued", True)
                & date_ok("expires", False)
                & date_ok("lost_on", True)
                & ~(date("expires") < date("issued")).fill_null(False)
                & (column("remarks") == "")
                & (column("reporting_country") == "")
            ),
            reference=column("reference").str.strip_chars(" "),
            number=upper,
            number_key=key,
            issuing_country=column("issuing_country").replace_strict(
                states, default=None, return_dtype=pl.String
            ),
            doc_type=column("type").replace_strict(
                objects.DOC_TYPES, default=None, return_dtype=pl.String
            ),
            status=column("status"),
            issued_on=date("issued"),
            expires_on=date("expires"),
            lost_on=date("lost_on"),
            reporting_country=pl.lit(None, dtype=pl.String),
            remarks=pl.lit(None, dtype=pl.String),
            visibility=pl.lit(Visibility.ALL.value),
            review_date=pl.lit(fields.default_review(today, objects.DOCUMENT_REVIEW_YEARS)),
        )
        plain = judged["plain"].fill_null(False)
        kept = judged.filter(plain)
        hashed = kept.select(
            pl.concat_str(
                [pl.lit(f"{name}=") + pl.col(name).fill_null("None") for name in self._order]
                + [pl.lit("access=")],
                separator="\x1f",
            )
        ).to_series()
        digests = list(map(fields.content_digest, hashed.cast(pl.Binary).to_list()))
        staged = kept.with_columns(content_hash=pl.Series(digests, dtype=pl.String))
        return plain.to_list(), staged.select(self.columns)


class _Batches:
    """Good rows gathered in file order into staged chunks, rejects beside them.

    A batch is a list of parts in file order: frames of whole plain blocks,
    and lists of row tuples for rows kept one at a time.
    """

    def __init__(self, target: Target, stager: Stager | None, size: int, *, track: bool = True):
        self.track = track  # False: the references are known unique (see split_spans)
        self.target = target
        self.stager = stager
        self.columns = stage_columns(target.table)
        self.size = size
        self.chunk = self._new_chunk()
        self.parts: list[pl.DataFrame | list[tuple[Any, ...]]] = []
        self.count = 0  # rows in parts
        self.listed: list[tuple[int, str]] = []
        self.seen: dict[str, int] = {}

    def _new_chunk(self) -> Chunk:
        from concord.services.importer import Chunk

        return Chunk([], [], [], 0, 0, self.size)

    def tail(self) -> list[tuple[Any, ...]]:
        """The list that rows kept one at a time are appended to (count them too)."""
        if not self.parts or not isinstance(self.parts[-1], list):
            self.parts.append([])
        last = self.parts[-1]
        assert isinstance(last, list)
        return last

    def general(self, row: Row) -> None:
        """The general rules for one row (rejected with its field, or kept)."""
        try:
            if row.data is None:
                raise InvalidInput(row.error or "unreadable row")
            prepared = self.target.prepare(row.data, True)
        except InvalidInput as exc:
            self.reject(row.line, exc.field, exc.message, row.raw)
            return
        get = prepared.row.get
        self.keep(row.line, tuple(get(c) for c in self.columns), prepared.countries, row.raw)

    def take_whole(self, staged: pl.DataFrame, first_line: int) -> bool:
        """Keep a block whose every line is plain, unless a reference in it repeats
        (then False: the caller walks it line by line to say where)."""
        numbers = range(first_line, first_line + staged.height)
        if self.track:
            references = staged["reference"].to_list()
            if len(set(references)) != len(references) or not self.seen.keys().isdisjoint(
                references
            ):
                return False
            self.seen.update(zip(references, numbers, strict=True))
        self.parts.append(staged)
        self.count += staged.height
        self.chunk.lines.extend(numbers)
        self.chunk.read += staged.height
        return True

    def reject(self, line: int, field: str | None, message: str, raw: object) -> None:
        self.chunk.rejects.append((line, field, message, str(raw)))

    def keep(self, line: int, staged: tuple[Any, ...], countries: list[str], raw: object) -> None:
        reference = staged[0]  # the first stage column
        if not reference:
            self.reject(line, "reference", "an imported record needs its reference", raw)
            return
        first = self.seen.setdefault(reference, line)
        if first != line:
            self.reject(line, "reference", f"reference repeated (first at line {first})", raw)
            return
        self.tail().append(staged)
        self.count += 1
        self.chunk.lines.append(line)
        self.listed.extend((self.count, c) for c in countries)

    def flush(self, position: int) -> Chunk:
        done = self.chunk
        done.position = position
        if self.count and self.stager is not None:
            frame = self._frame()
            done.staged = str(
                self.stager.write_values(self._tuples(), self.listed)
                if frame is None
                else self.stager.write_frame(frame, self.listed)
            )
        elif self.count:
            done.values, done.listed = self._tuples(), self.listed
        self.chunk = self._new_chunk()
        self.parts, self.count, self.listed = [], 0, []
        return done

    def _tuples(self) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for part in self.parts:
            out.extend(part if isinstance(part, list) else part.rows())
        return out

    def _frame(self) -> pl.DataFrame | None:
        """The batch as one frame of text columns, or None if a row holds anything else."""
        schema = dict.fromkeys(self.columns, pl.String)
        frames = []
        for part in self.parts:
            if isinstance(part, pl.DataFrame):
                frames.append(part)
                continue
            if not all(type(v) is str or v is None for row in part for v in row):
                return None
            frames.append(pl.DataFrame(part, schema=schema, orient="row"))
        return pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]


def columnar_chunks(
    target: Target,
    principal: Principal,
    path: Path,
    header: list[str],
    size: int,
    batch_size: int,
    stager: Stager | None,
    span: Span | None = None,
) -> Iterator[Chunk]:
    """``read_chunks`` for a CSV of documents, judged a block at a time.

    With a stager (SQLite) each chunk names its staging file; without one
    (PostgreSQL) it carries the rows in stage column order. With a span, only
    that part of the file (``split_spans`` vouched its references unique).
    """
    batches = _Batches(target, stager, size, track=span is None)
    assert batches.columns[0] == "reference"
    judge = DocumentColumns(principal, header, batches.columns)
    width = len(header)
    for first_line, data, text, quoted, position in read_blocks(path, span):
        if quoted or not judge.usable:
            for row in csv_rows(io.StringIO(text, newline=""), header, first_line - 1):
                batches.chunk.read += 1
                batches.general(row)
                if batches.count >= batch_size:
                    yield batches.flush(position)
            continue
        frame, fits, lines_of = _split_block(data, text, header)
        plain, staged = judge.judge(frame)
        if fits and staged.height == frame.height and batches.take_whole(staged, first_line):
            if batches.count >= batch_size:
                yield batches.flush(position)
            continue
        stripped, commas = lines_of()
        next_plain = iter(staged.rows())
        seen, values, lines_kept = batches.seen, batches.tail(), batches.chunk.lines
        fields_less_one = width - 1
        for n, line_text in enumerate(stripped):
            judged = next(next_plain) if plain[n] else None  # consumed in step with the lines
            if not line_text:
                continue  # a blank line, skipped as the csv module does
            line = first_line + n
            batches.chunk.read += 1
            if (
                judged is not None
                and commas[n] == fields_less_one
                and seen.setdefault(judged[0], line) == line
            ):
                # The common case, inline: a plain row with a new reference.
                values.append(judged)
                batches.count += 1
                lines_kept.append(line)
            elif commas[n] != fields_less_one:
                reason = f"{commas[n] + 1} fields where the header has {width}"
                batches.reject(line, None, reason, line_text)
            elif judged is not None:
                batches.keep(line, judged, [], _Raw(line_text.split(",")))  # a repeat
            else:
                split = line_text.split(",")
                batches.general(Row(line, dict(zip(header, split, strict=True)), _Raw(split)))
            if batches.count >= batch_size:
                yield batches.flush(position)
                values, lines_kept = batches.tail(), batches.chunk.lines
    yield batches.flush(size if span is None else span.end)
