"""Notices: the compliance rules, submission, the review queue and public extracts.

Measured on a fresh SQLite file with N published notices (half with a public
extract) about synthetic people, and M requests under review:

* (a) the compliance rules on one request (``RuleBook.evaluate``), requests/s, over
  requests whose facts, offences and descriptions are written in English, French,
  Spanish, Arabic and Russian; BASELINE: the same terms searched the plain way, one
  compiled regular expression per term over each folded text;
* (b) a request created and submitted through ``services.notices`` (rules, the
  duplicate check against the published notices through a loaded
  ``PersonNameIndex``, as the API does), p50 / p99;
* (c) the General Secretariat's review queue with M requests, p50;
* (d) ``GET /public/notices`` searches (``services.public_notices.search``): no
  filter, a name, a nationality and an age range, p50 / p99; BASELINE: reading the
  same rows with one SQL query and nothing else.

    .venv/bin/python bench/notices.py --notices 10000 --review 500
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    Report,
    console,
    machine_line,
    open_store,
    percentiles,
    revision,
    show,
    sqlite_fresh,
)

TEXTS = {
    "en": ("drug trafficking and money laundering", "Led a cocaine network through Rotterdam."),
    "fr": ("trafic de stupéfiants", "Dirigeait un réseau de trafic de cocaïne depuis Marseille."),
    "es": ("homicidio agravado", "Asesinó a un rival por orden de una organización criminal."),
    "ar": ("الاتجار بالمخدرات", "قاد شبكة لتهريب المخدرات عبر الموانئ."),
    "ru": ("мошенничество в особо крупном размере", "Руководил преступной группой."),
}
FLAGGED = ("insulting the head of state", "blasphème", "deserción", "الردة")


def facts_for(n: int, rng: random.Random) -> Any:
    from concord.domain.compliance import NoticeFacts, Offence, SubjectFacts

    lang = rng.choice(list(TEXTS))
    offence, summary = TEXTS[lang]
    if n % 10 == 0:
        offence = rng.choice(FLAGGED)
    return NoticeFacts(
        kind="red",
        crime_programme="organized_emerging_crime",
        purpose="prosecution",
        offences=(Offence(offence, "Penal Code art. 1", 120),),
        warrant_reference="W-1",
        warrant_date="2026-01-01",
        warrant_authority="Court",
        remaining_sentence_months=None,
        summary=summary,
        subject=SubjectFacts(("Ivan Petrov",), "1980-01-01", False, False, "a businessman", True),
        duplicates=(),
    )


def naive_terms(book: Any) -> list[re.Pattern[str]]:
    """Every term of the rule book as one regular expression (the plain way)."""
    import tomllib
    from importlib import resources

    from concord.domain.compliance import fold

    data = tomllib.loads(
        resources.files("concord.domain").joinpath("data/notice_rules.toml").read_text("utf-8")
    )
    patterns = []
    for rule in data["rules"]:
        for category in rule.get("categories", []):
            for terms in category.get("terms", {}).values():
                for term in terms:
                    stem = term.endswith("*")
                    body = re.escape(fold(term.rstrip("*"))).replace(r"\ ", r"\W+")
                    patterns.append(re.compile(r"\b" + body + (r"\w*" if stem else r"\b")))
    return patterns


def bench_rules(count: int) -> list[list[str]]:
    from concord.domain.compliance import default_rulebook, fold

    book = default_rulebook()
    rng = random.Random(3)
    facts = [facts_for(n, rng) for n in range(count)]
    started = time.perf_counter()
    flagged = sum(book.evaluate(f).outcome != "pass" for f in facts)
    rules_s = time.perf_counter() - started
    patterns = naive_terms(book)
    started = time.perf_counter()
    naive_hits = 0
    for f in facts:
        for text in (f.summary, f.subject.description, *(o.description for o in f.offences)):
            folded = fold(text)
            naive_hits += any(p.search(folded) for p in patterns)
    naive_s = time.perf_counter() - started
    return [
        [
            "(a) compliance rules, one request",
            f"{count / rules_s:,.0f}",
            f"{rules_s / count * 1e6:,.0f} µs a request; {flagged:,} of {count:,} not a pass",
        ],
        [
            f"BASELINE: {len(patterns):,} regular expressions, one per term",
            f"{count / naive_s:,.0f}",
            f"{naive_s / count * 1e6:,.0f} µs a request (term search only, no rules); "
            f"{naive_hits:,} texts matched",
        ],
    ]


def seed(store: Any, published: int, review: int) -> tuple[list[int], Any, Any]:
    """Persons with published notices (half public), and requests under review."""
    import datetime as dt

    from sqlalchemy import insert, select

    from concord.domain.persons import PersonInput, person_to_row
    from concord.services.import_persons import csv_to_input
    from concord.services.synthetic import PersonFactory
    from concord.store import persons_repo
    from concord.store.tables import notices, persons

    factory = PersonFactory(seed=17, pool_size=300)
    rows = [
        person_to_row(PersonInput.model_validate(csv_to_input(raw)))
        for raw in factory.people(published + review, prefix="N")
    ]
    with store.write() as conn:
        for start in range(0, len(rows), 5000):
            persons_repo.upsert_batch(conn, "FRA", rows[start : start + 5000], {}, None)
        ids = list(conn.execute(select(persons.c.id).order_by(persons.c.id)).scalars())
    now = dt.datetime.now(dt.UTC)
    body = {
        "summary": "Led a cocaine network.",
        "offences": [
            {"description": "drug trafficking", "law": "CP 222-37", "max_penalty_months": 120}
        ],
        "purpose": "prosecution",
        "warrant": {"reference": "W", "date": "2026-01-01", "authority": "TJ Paris"},
    }
    compliance = {"rules_version": "bench", "outcome": "pass", "results": []}
    values = []
    for n, person in enumerate(ids):
        under_review = n >= published
        values.append(
            {
                "owner": "FRA",
                "kind": "red" if n % 3 else "yellow",
                "state": "under_review" if under_review else "published",
                "channel": "notice",
                "subject_kind": "person",
                "subject_id": person,
                "crime_programme": "organized_emerging_crime",
                "urgent": n % 17 == 0,
                "public_extract": n % 2 == 0,
                "body": body,
                "compliance": compliance,
                "review_date": "2031-01-01",
                "created_at": now,
                "updated_at": now,
                "submitted_at": now - dt.timedelta(minutes=n),
                "published_at": None if under_review else now,
                "version": 1,
            }
        )
    with store.write() as conn:
        for start in range(0, len(values), 5000):
            conn.execute(insert(notices), values[start : start + 5000])
    return ids, factory, rows


def timed(fn: Any, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    p50, p99 = percentiles(times, [50, 99])
    return p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--review", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20_000, help="for (a)")
    parser.add_argument("--submissions", type=int, default=200, help="for (b)")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    out = console()
    out.print(machine_line())
    out.print(f"revision {revision()}")
    from concord.domain.compliance import default_rulebook
    from concord.domain.enums import MembershipStatus, Role
    from concord.domain.notices import Move, NoticeInput
    from concord.domain.persons import PersonInput
    from concord.domain.principal import Principal
    from concord.index.names import PersonNameIndex
    from concord.services import notices, persons, public_notices
    from concord.services.notice_duplicates import duplicate_finder

    rows = bench_rules(args.requests)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(sqlite_fresh(Path(tmp) / "notices.db"), fresh=True)
        started = time.perf_counter()
        seed(store, args.notices, args.review)
        out.print(f"seeded {args.notices:,} published and {args.review:,} under review in "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        index = PersonNameIndex(store)
        index.load()
        finder = duplicate_finder(store, index.names)
        fra = Principal(1, "ncb.fra", Role.NCB, "FRA", MembershipStatus.MEMBER)
        gs = Principal(2, "gs", Role.GS, "XPO", MembershipStatus.MEMBER)
        book = default_rulebook()
        rng = random.Random(5)
        times = []
        for n in range(args.submissions):
            record = persons.create(
                store, fra,
                PersonInput.model_validate({"full_name": f"Bench Person {n}", "dob": "1980-01-01"}),
            )  # fmt: skip
            request = {
                "kind": "red",
                "crime_programme": "organized_emerging_crime",
                "purpose": "prosecution",
                "summary": rng.choice(list(TEXTS.values()))[1],
                "offences": [
                    {"description": "drug trafficking", "law": "CP", "max_penalty_months": 120}
                ],
                "warrant": {"reference": "W", "date": "2026-01-01", "authority": "TJ"},
                "subject": {"kind": "person", "id": record["id"]},
            }
            started = time.perf_counter()
            made = notices.create(store, fra, NoticeInput.model_validate(request))
            notices.move(store, fra, made["id"], Move.SUBMIT, rulebook=book, duplicates=finder)
            times.append(time.perf_counter() - started)
        p50, p99 = percentiles(times, [50, 99])
        rows.append(
            [
                "(b) create + submit a request (rules, duplicates, events, audit)",
                f"{len(times) / sum(times):,.0f}",
                f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms",
            ]
        )
        p50, p99 = timed(lambda: notices.review_queue(store, gs), 20)
        rows.append(
            [
                f"(c) review queue, {args.review + args.submissions:,} requests",
                f"{1 / p50:,.1f}",
                f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms",
            ]
        )
        for label, params in (
            ("no filter", {}),
            ("name", {"name": "mar"}),
            ("nationality", {"nationality": "FR"}),
            ("age 30-40", {"ageMin": 30, "ageMax": 40}),
        ):
            query = public_notices.parse_query(params)
            p50, p99 = timed(lambda q=query: public_notices.search(store, q), 30)
            rows.append(
                [
                    f"(d) public search, {label}",
                    f"{1 / p50:,.1f}",
                    f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms over "
                    f"{args.notices // 2:,} public extracts",
                ]
            )
        from sqlalchemy import select

        from concord.store.tables import notices as notices_table
        from concord.store.tables import persons as persons_table

        def raw() -> None:
            with store.read() as conn:
                conn.execute(
                    select(notices_table.c.id, persons_table.c.full_name)
                    .join(persons_table, persons_table.c.id == notices_table.c.subject_id)
                    .where(
                        notices_table.c.public_extract.is_(True),
                        notices_table.c.state == "published",
                    )
                ).all()

        p50, p99 = timed(raw, 30)
        rows.append(
            [
                "BASELINE: the same rows, one SQL query",
                f"{1 / p50:,.1f}",
                f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms",
            ]
        )
        store.close()
    show(
        out,
        [
            Report(
                f"Notices with {args.notices:,} published", ["case", "per second", "detail"], rows
            )
        ],
        args.markdown,
    )


if __name__ == "__main__":
    main()
