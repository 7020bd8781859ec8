"""Bulk import of object records: the file contracts, the issuer rule, rejects and reruns."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.services.import_objects import import_objects
from concord.store import Store
from concord.store.kinds import BLANK_RANGE, DOCUMENT, FIREARM, VEHICLE, VESSEL
from concord.store.tables import travel_documents

DEU = Principal(0, "cli:ncb:DEU", Role.NCB, "DEU", MembershipStatus.MEMBER)


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _rejects(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [(r["line"], r["field"]) for r in csv.DictReader(f)]


DOC_HEADER = [
    "reference",
    "number",
    "issuing_country",
    "type",
    "status",
    "issued",
    "expires",
    "lost_on",
]


def test_documents_file_contract(store: Store, tmp_path: Path) -> None:
    source = _csv(
        tmp_path / "docs.csv",
        DOC_HEADER,
        [
            [
                "R1",
                "C01X00T47",
                "DEU",
                "passport",
                "stolen",
                "2019-02-01",
                "2029-01-31",
                "2025-06-01",
            ],
            ["R2", "C01X00T48", "D", "id_card", "lost", "", "", ""],
            ["R3", "L898902C3", "FRA", "passport", "stolen", "", "", ""],
            ["R4", "C01X00T49", "DEU", "licence", "stolen", "", "", ""],
            ["R5", "C01X00T50", "DEU", "passport", "misplaced", "", "", ""],
            ["R6", "C01X00T51", "DEU", "passport", "lost", "2019-02-30", "", ""],
            ["R7", "C01X00T52", "DEU", "passport", "lost", "2020-01-01", "2019-01-01", ""],
            ["R8", "C01X00T53", "ZZZ", "passport", "lost", "", "", ""],
            ["R9", "", "DEU", "passport", "lost", "", "", ""],
        ],
    )
    report = import_objects(store, DEU, DOCUMENT, source)
    assert (report.written, report.rejected) == (2, 7)
    assert _rejects(tmp_path / "docs.csv.rejects.csv") == [
        ("4", "issuing_country"),  # only the issuing state reports its documents
        ("5", "type"),
        ("6", "status"),
        ("7", "issued"),
        ("8", "expires"),
        ("9", "issuing_country"),
        ("10", "number"),
    ]
    rerun = import_objects(store, DEU, DOCUMENT, source)
    assert (rerun.written, rerun.unchanged) == (0, 2)
    with store.read() as conn:
        rows = conn.execute(
            select(travel_documents.c.number_key, travel_documents.c.issuing_country)
        ).all()
    assert sorted(tuple(r) for r in rows) == [("C01X00T47", "DEU"), ("C01X00T48", "DEU")]


def test_wrong_header_names_the_columns(store: Store, tmp_path: Path) -> None:
    source = _csv(tmp_path / "docs.csv", ["reference", "number", "country", "type", "status"], [])
    with pytest.raises(InvalidInput) as err:
        import_objects(store, DEU, DOCUMENT, source)
    assert err.value.field == "header" and "country" in err.value.message


def test_blank_ranges(store: Store, tmp_path: Path) -> None:
    source = _csv(
        tmp_path / "ranges.csv",
        ["reference", "issuing_country", "type", "first", "last"],
        [
            ["B1", "DEU", "passport", "C01000000", "C01000999"],
            ["B2", "DEU", "passport", "C01000999", "C01000000"],
            ["B3", "DEU", "passport", "C01000000", "X0100099"],
            ["B4", "DEU", "passport", "C0100000A", "C0100099A"],
        ],
    )
    report = import_objects(store, DEU, BLANK_RANGE, source)
    assert (report.written, report.rejected) == (1, 3)
    assert _rejects(tmp_path / "ranges.csv.rejects.csv") == [
        ("3", "last"),
        ("4", "last"),
        ("5", "first"),
    ]


def test_vehicles_firearms_vessels_jsonl(store: Store, tmp_path: Path) -> None:
    vehicles = tmp_path / "vehicles.jsonl"
    vehicles.write_text(
        "\n".join(
            json.dumps(v)
            for v in [
                {"reference": "V1", "vin": "1M8GDM9AXKP042788", "make": "MCI"},
                {"reference": "V2", "plate": "B-XY 123", "plate_country": "DE"},
                {"reference": "V3", "plate": "B-XY 124"},
                {"reference": "V4", "make": "Opel"},
                {"reference": "V5", "vin": "1M8GDM9AXKP042788", "year": "1700"},
            ]
        ),
        encoding="utf-8",
    )
    report = import_objects(store, DEU, VEHICLE, vehicles)
    assert (report.written, report.rejected) == (2, 3)
    assert _rejects(tmp_path / "vehicles.jsonl.rejects.csv") == [
        ("3", "plate_country"),
        ("4", "vin"),
        ("5", "year"),
    ]
    firearms = _csv(
        tmp_path / "firearms.csv",
        ["reference", "make", "serial", "calibre"],
        [["F1", "Walther", "PPK 1234", "7.65"], ["F2", "", "X1", ""]],
    )
    assert import_objects(store, DEU, FIREARM, firearms).written == 1
    vessels = _csv(
        tmp_path / "vessels.csv",
        ["reference", "imo", "name"],
        [["S1", "IMO 9074729", "Sea Star"], ["S2", "12", "Bad"]],
    )
    report = import_objects(store, DEU, VESSEL, vessels)
    assert (report.written, report.rejected) == (1, 1)


def test_check_documents_cli_file_contract(store: Store, tmp_path: Path) -> None:
    _csv(tmp_path / "docs.csv", DOC_HEADER[:5], [["R1", "C01X00T47", "DEU", "passport", "stolen"]])
    import_objects(store, DEU, DOCUMENT, tmp_path / "docs.csv")
    manifest = _csv(
        tmp_path / "manifest.csv",
        ["qid", "number", "issuing_country", "type"],
        [
            ["p1", "C01 X00 T47", "DEU", ""],
            ["p2", "C01X00T99", "DEU", ""],
            ["p3", "C01X00T47", "QQQ", ""],
        ],
    )
    env = {**os.environ, "CONCORD_DATABASE_URL": store.url, "CONCORD_ENV": "test"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "concord",
            "check",
            "documents",
            str(manifest),
            "--country",
            "FRA",
            "--out",
            str(tmp_path / "r.jsonl"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [line["qid"] for line in lines] == ["p1", "p2", "p3"]
    assert lines[0]["hit"] is True
    assert lines[0]["matches"] == [
        {"id": 1, "kind": "document", "status": "stolen", "owner": "DEU"}
    ]
    assert lines[1] == {"qid": "p2", "hit": False, "matches": []}
    assert lines[2]["hit"] is False and lines[2]["error"]["field"] == "document.issuing_country"
    with store.read() as conn:
        from concord.store.tables import hits

        assert conn.execute(select(func.count()).select_from(hits)).scalar_one() == 1


def test_parallel_parsing_gives_the_same_result(store: Store, tmp_path: Path) -> None:
    rows = [[f"R{i}", f"C01X{i:05d}", "DEU", "passport", "stolen", "", "", ""] for i in range(3000)]
    rows[10][4] = "misplaced"
    rows[20][1] = "C01#1"
    rows.append(["R5", "C01X99999", "DEU", "passport", "lost", "", "", ""])  # repeated reference
    source = _csv(tmp_path / "docs.csv", DOC_HEADER, rows)
    report = import_objects(store, DEU, DOCUMENT, source, batch_size=700, parallel=True)
    assert (report.read, report.written, report.rejected, report.batches) == (3001, 2998, 3, 5)
    assert _rejects(tmp_path / "docs.csv.rejects.csv") == [
        ("12", "status"),
        ("22", "number"),
        ("3002", "reference"),
    ]
    again = import_objects(store, DEU, DOCUMENT, source, batch_size=700, parallel=True)
    assert (again.written, again.unchanged) == (0, 2998)


def test_parallel_parsing_refuses_a_bad_header_before_starting(
    store: Store, tmp_path: Path
) -> None:
    source = _csv(tmp_path / "docs.csv", ["reference", "numero"], [["R1", "X1"]])
    with pytest.raises(InvalidInput) as err:
        import_objects(store, DEU, DOCUMENT, source, parallel=True)
    assert err.value.field == "header"


@pytest.mark.parametrize("parallel", [False, True])
def test_reimport_updates_changed_rows_and_resets_their_access_lists(
    store: Store, tmp_path: Path, parallel: bool
) -> None:
    from concord.store.tables import record_access

    header = [*DOC_HEADER, "visibility", "visibility_countries"]
    base = ["DEU", "passport", "stolen", "", "", ""]
    first = [
        ["R1", "C01X00001", *base, "", ""],
        ["R2", "C01X00002", *base, "only", "FRA|ITA"],
        ["R3", "C01X00003", *base, "except", "RUS"],
        ["R4", "C01X00004", *base, "", ""],
    ]
    source = _csv(tmp_path / "docs.csv", header, first)
    report = import_objects(store, DEU, DOCUMENT, source, batch_size=3, parallel=parallel)
    assert (report.written, report.unchanged, report.rejected) == (4, 0, 0)

    second = [list(r) for r in first]
    second[1][-2:] = ["only", "ESP"]  # R2: another list
    second[2][-2:] = ["", ""]  # R3: open to all now
    second[3][4] = "lost"  # R4: another status
    second.append(["R5", "C01X00005", *base, "only", "NLD"])  # new, restricted
    source = _csv(tmp_path / "docs.csv", header, second)
    again = import_objects(store, DEU, DOCUMENT, source, batch_size=3, parallel=parallel)
    assert (again.written, again.unchanged, again.rejected) == (4, 1, 0)

    with store.read() as conn:
        docs = {
            r.reference: r
            for r in conn.execute(
                select(
                    travel_documents.c.id,
                    travel_documents.c.reference,
                    travel_documents.c.status,
                    travel_documents.c.visibility,
                    travel_documents.c.version,
                )
            )
        }
        listed: dict[str, list[str]] = {}
        by_id = {r.id: ref for ref, r in docs.items()}
        for rid, country in conn.execute(
            select(record_access.c.record_id, record_access.c.country)
            .where(record_access.c.kind == "document")
            .order_by(record_access.c.country)
        ):
            listed.setdefault(by_id[rid], []).append(country)
    assert {ref: (r.status, r.visibility, r.version) for ref, r in docs.items()} == {
        "R1": ("stolen", "all", 1),
        "R2": ("stolen", "only", 2),
        "R3": ("stolen", "all", 2),
        "R4": ("lost", "all", 2),
        "R5": ("stolen", "only", 1),
    }
    assert listed == {"R2": ["ESP"], "R5": ["NLD"]}


def _index_names(store: Store) -> set[str]:
    from sqlalchemy import inspect

    with store.read() as conn:
        return {i["name"] for i in inspect(conn).get_indexes("travel_documents") if i["name"]}


def test_bulk_import_rebuilds_the_lookup_index(store: Store, tmp_path: Path) -> None:
    """On SQLite the index is dropped and rebuilt; PostgreSQL ignores bulk (COPY, live indexes)."""
    rows = [[f"R{i}", f"C01X{i:05d}", "DEU", "passport", "stolen", "", "", ""] for i in range(500)]
    rows[7][4] = "misplaced"
    source = _csv(tmp_path / "docs.csv", DOC_HEADER, rows)
    before = _index_names(store)
    assert "ix_travel_documents_key" in before
    report = import_objects(store, DEU, DOCUMENT, source, batch_size=100, bulk=True)
    assert (report.written, report.rejected) == (499, 1)
    assert _index_names(store) == before
    again = import_objects(store, DEU, DOCUMENT, source, batch_size=100, bulk=True)
    assert (again.written, again.unchanged) == (0, 499)


def test_an_index_left_dropped_by_a_killed_bulk_import_comes_back(
    store: Store, tmp_path: Path
) -> None:
    from concord.store import bulk, migrate

    with store.write() as conn:
        bulk.drop_lookup_indexes(conn, travel_documents)
    assert "ix_travel_documents_key" not in _index_names(store)
    migrate.upgrade(store)
    assert "ix_travel_documents_key" in _index_names(store)

    with store.write() as conn:
        bulk.drop_lookup_indexes(conn, travel_documents)
    source = _csv(
        tmp_path / "docs.csv", DOC_HEADER, [["R1", "C01X1", "DEU", "", "lost", "", "", ""]]
    )
    import_objects(store, DEU, DOCUMENT, source, bulk=False)
    if store.is_sqlite:  # the SQLite writer checks its indexes first
        assert "ix_travel_documents_key" in _index_names(store)


def test_a_first_load_that_meets_a_row_added_meanwhile_falls_back_to_the_upsert(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first load skips the lookups by reference; a row added meanwhile makes it look."""
    from concord.services import importer

    rows = [[f"R{i}", f"C01X{i:05d}", "DEU", "passport", "stolen", "", "", ""] for i in range(20)]
    first = import_objects(store, DEU, DOCUMENT, _csv(tmp_path / "a.csv", DOC_HEADER, rows[:5]))
    assert first.written == 5
    entered = importer._Writer.__enter__

    def as_if_fresh(self: Any) -> Any:
        writer = entered(self)
        writer.fresh = True  # as if R0-R4 had been added after the import began
        return writer

    monkeypatch.setattr(importer._Writer, "__enter__", as_if_fresh)
    rows[2][4] = "lost"  # R2 changed
    report = import_objects(store, DEU, DOCUMENT, _csv(tmp_path / "b.csv", DOC_HEADER, rows))
    assert (report.written, report.unchanged, report.rejected) == (16, 4, 0)
    with store.read() as conn:
        statuses = dict(
            conn.execute(select(travel_documents.c.reference, travel_documents.c.status)).all()
        )
    assert len(statuses) == 20 and statuses["R2"] == "lost"


def test_parsing_processes_are_kept_for_the_next_import_and_stopped_after_a_failure(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concord.services import import_parallel, importer

    def rows(prefix: str) -> list[list[str]]:
        return [
            [f"{prefix}{i}", f"C{prefix}X{i:05d}", "DEU", "passport", "stolen", "", "", ""]
            for i in range(300)
        ]

    import_objects(
        store, DEU, DOCUMENT, _csv(tmp_path / "a.csv", DOC_HEADER, rows("A")), parallel=True
    )
    kept = [p.process.pid for p in import_parallel._pool]
    assert kept and all(p.process.is_alive() for p in import_parallel._pool)
    report = import_objects(
        store, DEU, DOCUMENT, _csv(tmp_path / "b.csv", DOC_HEADER, rows("B")), parallel=True
    )
    assert report.written == 300
    assert [p.process.pid for p in import_parallel._pool] == kept  # the same process again

    def broken(self: Any, chunk: Any, report: Any) -> None:
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(importer._Writer, "commit", broken)
        with pytest.raises(RuntimeError):
            import_objects(
                store, DEU, DOCUMENT, _csv(tmp_path / "c.csv", DOC_HEADER, rows("C")), parallel=True
            )
    assert import_parallel._pool == []  # stopped, not left filling a queue
    again = import_objects(
        store, DEU, DOCUMENT, _csv(tmp_path / "c.csv", DOC_HEADER, rows("C")), parallel=True
    )
    assert again.written == 300
