"""Reading CSV and JSONL import files row by row, with line numbers and byte progress.

Shared by every bulk import. A wrong header or an unreadable file is refused
before anything is written; a bad row is handed back with its line number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from concord.errors import InvalidInput

csv.field_size_limit(1_000_000)


class _Raw:
    """The row as text for the reject file, rebuilt only for a row that is rejected."""

    __slots__ = ("values",)

    def __init__(self, values: list[str]):
        self.values = values

    def __str__(self) -> str:
        out = io.StringIO()
        csv.writer(out).writerow(self.values)
        return out.getvalue()


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    data: dict[str, Any] | None  # None: the line could not be parsed
    raw: str | _Raw
    error: str | None = None


class RowReader:
    """Iterates rows of a CSV or JSONL file; ``position`` is the bytes consumed so far."""

    def __init__(
        self, path: Path, *, required: set[str], allowed: set[str], fmt: str | None = None
    ):
        if not path.is_file():
            raise InvalidInput(f"no such file: {path}", field="file")
        self.path = path
        self.size = path.stat().st_size
        self.format = self.format_of(path, fmt)
        if self.format not in ("csv", "jsonl"):
            raise InvalidInput(f"unknown format {self.format!r} (csv or jsonl)", field="format")
        self.required = required
        self.allowed = allowed
        self._binary = path.open("rb")
        self.header: list[str] = []
        if self.format == "csv":
            try:
                self._check_header()
            except InvalidInput:
                self._binary.close()
                raise
        # The text of the rows after the header (decoded as read: a bad byte names its line).
        self._text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")

    @staticmethod
    def format_of(path: Path, fmt: str | None) -> str:
        """The format asked for, else by the file's extension (CSV unless JSON lines)."""
        return fmt or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv")

    @property
    def position(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        self._text.close()

    def _check_header(self) -> None:
        try:
            first = self._binary.readline().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("line 1: not UTF-8 text", field="file") from None
        header = next(csv.reader([first]), [])
        header = [h.strip() for h in header]
        if not header or header == [""]:
            raise InvalidInput("line 1: the file is empty or has no header", field="file")
        unknown = [h for h in header if h not in self.allowed]
        if unknown:
            allowed = ", ".join(sorted(self.allowed))
            raise InvalidInput(
                f"line 1: unknown column(s) {', '.join(unknown)}; allowed: {allowed}",
                field="header",
            )
        missing = sorted(self.required - set(header))
        if missing:
            raise InvalidInput(f"line 1: missing column(s) {', '.join(missing)}", field="header")
        if len(set(header)) != len(header):
            raise InvalidInput("line 1: a column appears twice", field="header")
        self.header = header

    def __iter__(self) -> Iterator[Row]:
        return self._csv_rows() if self.format == "csv" else self._jsonl_rows()

    def _csv_rows(self) -> Iterator[Row]:
        return csv_rows(self._text, self.header, 1)

    def _jsonl_rows(self) -> Iterator[Row]:
        for line, text in enumerate(self._text, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Row(line, None, text, f"malformed JSON: {exc.msg} at column {exc.colno}")
                continue
            except UnicodeDecodeError:
                yield Row(line, None, text, "not UTF-8 text")
                continue
            if not isinstance(data, dict):
                yield Row(line, None, text, "each line must be a JSON object")
                continue
            yield Row(line, data, text)


def csv_rows(stream: Iterable[str], header: list[str], line: int) -> Iterator[Row]:
    """Rows of CSV text whose line ``line`` came just before (the header, or a block's start)."""
    width = len(header)
    reader = csv.reader(stream, strict=True)
    base = line  # reader.line_num counts from the stream's start
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = base + reader.line_num
            reason = str(exc)
            if "unexpected end of data" in reason or "EOF" in reason:
                reason = "a quoted field is never closed"
            yield Row(start, None, "", f"broken quoting: {reason}")
            continue
        except UnicodeDecodeError:
            raise InvalidInput(f"line {start}: not UTF-8 text", field="file") from None
        line = base + reader.line_num
        if not values or values == [""]:
            continue
        if len(values) != width:
            yield Row(
                start,
                None,
                ",".join(values),
                f"{len(values)} fields where the header has {width}",
            )
            continue
        yield Row(start, dict(zip(header, values, strict=True)), _Raw(values))


class RejectWriter:
    """Bad rows with their line number and reason, beside the good rows that land."""

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(["line", "field", "reason", "row"])

    def add(self, line: int, field: str | None, reason: str, raw: object) -> None:
        self.count += 1
        self._csv.writerow([line, field or "", reason, str(raw).rstrip("\r\n")[:10_000]])

    def close(self) -> None:
        self._file.close()
