"""Documents judged a column at a time must come out exactly as the row-by-row path has them."""

from __future__ import annotations

import dataclasses
import itertools
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.services import import_columnar
from concord.services.import_objects import target_for
from concord.services.import_stage import stage_columns
from concord.services.importer import read_chunks
from concord.store.kinds import DOCUMENT

DEU = Principal(0, "cli:ncb:DEU", Role.NCB, "DEU", MembershipStatus.MEMBER)
HEADER = "reference,number,issuing_country,type,status,issued,expires,lost_on"

ODD_ROWS = [
    "R-blank-type,C01X00001,DEU,,stolen,2020-01-01,2030-01-01,",
    "R-lower,c01x00002,deu,passport,lost,,,2024-02-29",
    "R-alpha2,C01X00003,DE,ID_CARD,stolen,,,",
    "R-icao,C01X00004,D,id_card,revoked,,,",
    "R-foreign,C01X00005,FRA,passport,stolen,,,",
    "R-unknown-state,C01X00006,QQQ,passport,stolen,,,",
    "R-bad-status,C01X00007,DEU,passport,misplaced,,,",
    "R-future,C01X00008,DEU,passport,stolen,2999-01-01,,",
    "R-future-loss,C01X00009,DEU,passport,stolen,,,2999-01-01",
    "R-order,C01X00010,DEU,passport,stolen,2020-01-01,2019-01-01,",
    "R-impossible,C01X00011,DEU,passport,stolen,2021-02-30,,",
    "R-format,C01X00012,DEU,passport,stolen,01/02/2020,,",
    "R-dash,C01-X 00013,DEU,passport,stolen,,,",
    "R-ocr,C0IXOO014,DEU,passport,stolen,,,",
    "R-spaces,45 12 345678,RUS,passport,stolen,,,",
    "R-dashes,ab-12-cd,DEU,passport,stolen,,,",
    "R-edge-dash,-AB12,DEU,passport,stolen,,,",
    "R-double,AB  12,DEU,passport,stolen,,,",
    "R-long-spaced," + "A " * 30 + "B,DEU,passport,stolen,,,",
    "R-key-long," + "A-" * 40 + "B,DEU,passport,stolen,,,",
    "R-long," + "A" * 41 + ",DEU,passport,stolen,,,",
    "R-unicode,ÄB0015,DEU,passport,stolen,,,",
    " R-spaced ,C01X00016,DEU,passport,stolen,,,",
    "   ,C01X00017,DEU,passport,stolen,,,",
    ",C01X00018,DEU,passport,stolen,,,",
    "R-short,C01X00019,DEU",
    "R-long-row,C01X00020,DEU,passport,stolen,,,,extra",
    "",
    "R-lower,C01X00021,DEU,passport,stolen,,,",
    "R-réf,C01X00022,DEU,passport,stolen,,,",
    "R-tab\t,C01X00023,DEU,passport,stolen,,,",
    "R-expiry-only,C01X00024,DEU,visa,invalid,,2031-12-31,",
]
QUOTED_ROWS = [
    '"R-quoted","C01X00030","DEU","passport","stolen","","",""',
    '"R-broken,C01X00031,DEU,passport,stolen,,,',
    "R-after,C01X00032,DEU,passport,stolen,,,",
]


def _plain_rows(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789OI") for _ in range(9))
        issued = f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        expires = f"20{rng.randint(26, 35)}-01-01" if rng.random() < 0.8 else ""
        status = rng.choice(["stolen", "lost", "revoked"])
        rows.append(f"P{seed}-{i},{number},DEU,passport,{status},{issued},{expires},")
    return rows


def _outcome(path: Path, how: str, tmp: Path) -> dict[str, Any]:
    """Rejects, good lines and stored values of a file, read row by row or by columns.

    ``how``: "rows" (the general rules for every row), "staged" (by columns into
    SQLite staging files) or "values" (by columns, rows kept in the chunk).
    """
    target = target_for(DOCUMENT, DEU)
    if how == "rows":
        target = dataclasses.replace(target, columnar_for=None)
    columns = stage_columns(DOCUMENT.table)
    stage_dir = tmp / how
    stage_dir.mkdir()
    rejects, lines, values, read = [], [], [], 0
    for chunk in read_chunks(target, path, None, 7, stage_dir if how == "staged" else None):
        read += chunk.read
        rejects += chunk.rejects
        lines += chunk.lines
        if chunk.staged:
            with sqlite3.connect(chunk.staged) as db:
                values += [tuple(r) for r in db.execute("SELECT * FROM rows ORDER BY rowid")]
        values += [tuple(p.row.get(c) for c in columns) for p in chunk.prepared]
        values += chunk.values or []
    return {"read": read, "rejects": rejects, "lines": lines, "values": values}


@pytest.mark.parametrize("block_bytes", [4 * 1024 * 1024, 300])
def test_columnar_documents_match_the_row_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    monkeypatch.setattr(import_columnar, "BLOCK_BYTES", block_bytes)
    rows = _plain_rows(60, 1) + ODD_ROWS + _plain_rows(60, 2)
    source = tmp_path / "docs.csv"
    source.write_text(HEADER + "\r\n" + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    by_rows = _outcome(source, "rows", tmp_path)
    assert _outcome(source, "staged", tmp_path) == by_rows
    assert _outcome(source, "values", tmp_path) == by_rows
    assert len(by_rows["rejects"]) >= 15  # the odd rows did reach the rules


@pytest.mark.parametrize("block_bytes", [4 * 1024 * 1024, 200])
def test_quoted_blocks_take_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    monkeypatch.setattr(import_columnar, "BLOCK_BYTES", block_bytes)
    rows = _plain_rows(30, 3) + QUOTED_ROWS[:1] + _plain_rows(30, 4) + QUOTED_ROWS[1:]
    source = tmp_path / "docs.csv"
    source.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    by_rows = _outcome(source, "rows", tmp_path)
    assert _outcome(source, "staged", tmp_path) == by_rows
    assert _outcome(source, "values", tmp_path) == by_rows


def test_a_line_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    from concord.errors import InvalidInput

    source = tmp_path / "docs.csv"
    source.write_bytes(
        (HEADER + "\n" + "\n".join(_plain_rows(5, 5)) + "\n").encode()
        + b"R-x,\xff\xfe,DEU,,lost,,,\n"
    )
    with pytest.raises(InvalidInput, match="line 7: not UTF-8"):
        _outcome(source, "staged", tmp_path)


def _stored(store: Any) -> list[tuple[Any, ...]]:
    from sqlalchemy import select

    from concord.store.tables import travel_documents as t

    with store.read() as conn:
        query = select(t.c.id, t.c.reference, t.c.number_key, t.c.status, t.c.issued_on)
        return [tuple(r) for r in conn.execute(query.order_by(t.c.id))]


def _import_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> tuple[Any, Any, bool]:
    """The same file imported whole and split in two parsing processes, into two databases."""
    from concord.services import importer
    from concord.services.import_columnar import split_spans
    from concord.services.import_objects import import_objects
    from concord.store import Store, countries_repo
    from concord.store.migrate import upgrade

    outcomes = []
    source = tmp_path / "docs.csv"
    source.write_text(text, encoding="utf-8")
    splittable = split_spans(source, 2) is not None
    for split in (False, True):
        monkeypatch.setattr(importer, "SPLIT_FROM_BYTES", 0 if split else 1 << 40)
        store = Store(f"sqlite:///{tmp_path / f'split-{split}.db'}")
        upgrade(store)
        with store.write() as conn:
            countries_repo.seed(conn, ["DEU"])
        rejects = tmp_path / f"rejects-{split}.csv"
        report = import_objects(
            store, DEU, DOCUMENT, source, batch_size=50, parallel=True, rejects=rejects
        )
        outcomes.append((report.read, report.written, rejects.read_text(), _stored(store)))
        store.close()
    return outcomes[0], outcomes[1], splittable


def test_two_parsing_processes_store_what_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _plain_rows(400, 6)
    rows[13] = "R-bad,C01X00013,DEU,passport,misplaced,,,"
    rows[250] = "R-short,C01X00250,DEU"
    rows.insert(300, "")
    whole, split, splittable = _import_both_ways(
        tmp_path, monkeypatch, HEADER + "\n" + "\n".join(rows) + "\n"
    )
    assert splittable
    assert split == whole
    assert whole[0] == 400 and whole[1] == 398 and "misplaced" in whole[2]


@pytest.mark.parametrize(
    "odd", ["R-dup,C01X1,DEU,passport,lost,,,", '"R-quoted",C01X2,DEU,passport,lost,,,']
)
def test_a_file_with_a_repeat_or_a_quote_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str
) -> None:
    rows = [*_plain_rows(100, 7), "R-dup,C01X3,DEU,passport,lost,,,", *_plain_rows(100, 8), odd]
    whole, split, splittable = _import_both_ways(
        tmp_path, monkeypatch, HEADER + "\n" + "\n".join(rows) + "\n"
    )
    assert not splittable
    assert split == whole


def test_spans_cover_the_body_at_line_starts(tmp_path: Path) -> None:
    from concord.services.import_columnar import split_spans

    rows = _plain_rows(1000, 9)
    source = tmp_path / "docs.csv"
    source.write_text(HEADER + "\n" + "\n".join(rows), encoding="utf-8")  # no final newline
    data = source.read_bytes()
    spans = split_spans(source, 3)
    assert spans is not None and len(spans) == 3
    assert spans[0].start == len(HEADER) + 1 and spans[-1].end == len(data)
    for before, after in itertools.pairwise(spans):
        assert before.end == after.start and data[after.start - 1 : after.start] == b"\n"
    for span in spans:
        assert span.first_line == data[: span.start].count(b"\n") + 1


@pytest.mark.parametrize(
    ("block", "fits"),
    [
        (b"a,b,c\nd,,f\n", True),
        (b"a,b,c\nd,e,f", True),  # the last line of a file without its newline
        (b"a,b,c\nd,e\n", False),  # a line short of a field
        (b"a,b,c\nd,e,f,g\n", False),  # a field too many
        (b"a,b\nd,e,f,g\n", False),  # both: the commas add up, the reader refuses
        (b"a,b,c\n\nd,e,f\n", False),  # a blank line
        (b"a,b,c\r\nd,e,f\r\n", False),  # carriage returns: split by hand
    ],
)
def test_fitting_frame_only_for_blocks_whose_every_line_fits(block: bytes, fits: bool) -> None:
    frame = import_columnar._fitting_frame(block, ["x", "y", "z"])
    assert (frame is not None) is fits
    if frame is not None:
        assert frame.rows()[1] == (("d", "", "f") if b",," in block else ("d", "e", "f"))
