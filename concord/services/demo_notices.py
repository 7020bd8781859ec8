"""Demo notices: every kind in every state, a review queue with flagged requests, and
published notices whose subjects a frontline check finds.

A person answers a check only while it is the subject of a published notice, so
the featured people and every fourth generated person of each NCB get one. Every
notice goes through ``services.notices`` as the NCB and the General Secretariat
would make it: it passed the same compliance rules, has its events and is
audited. A person who is already the subject of a notice is left alone, so a
second run creates nothing and moves nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from sqlalchemy import func, select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.notices import TRANSITIONS, Move, NoticeInput, NoticeKind, NoticeState
from concord.domain.persons import PersonInput, person_to_row
from concord.domain.principal import Principal
from concord.services import notices
from concord.services.notice_duplicates import duplicate_finder
from concord.store import Store, persons_repo
from concord.store.tables import notices as notices_table
from concord.store.tables import persons

NCBS = ("FRA", "DEU", "USA", "BRA", "NGA", "JPN")
GS = Principal(0, "demo:gs", Role.GS, "XPO", MembershipStatus.MEMBER)
PUBLISHED_EVERY = 4  # every 4th generated person of an NCB is the subject of a notice
_GENERATED = re.compile(r"DEMO-([A-Z]{3})-(\d{5})")

_S, _M = NoticeState, Move
# The moves that take a new draft to each state. An expired notice was published
# long ago; the clock (``notices.sweep``) expires it.
PATHS: dict[NoticeState, tuple[Move, ...]] = {
    _S.DRAFT: (),
    _S.UNDER_REVIEW: (_M.SUBMIT,),
    _S.MORE_INFO_REQUESTED: (_M.SUBMIT, _M.REQUEST_INFO),
    _S.REFUSED: (_M.SUBMIT, _M.REFUSE),
    _S.PUBLISHED: (_M.SUBMIT, _M.PUBLISH),
    _S.SUSPENDED: (_M.SUBMIT, _M.PUBLISH, _M.SUSPEND),
    _S.WITHDRAWN: (_M.SUBMIT, _M.PUBLISH, _M.WITHDRAW),
    _S.CANCELLED: (_M.SUBMIT, _M.PUBLISH, _M.CANCEL),
    _S.EXPIRED: (_M.SUBMIT, _M.PUBLISH),
}
REASONS: dict[Move, str] = {
    _M.REQUEST_INFO: "State the facts that link the person to the offence and the date of "
    "the warrant; the summary names the offence only.",
    _M.REFUSE: "The facts given do not show the person's own part in the offence.",
    _M.SUSPEND: "The person has been located; extradition talks are under way.",
    _M.WITHDRAW: "The person was arrested and surrendered to the requesting country.",
    _M.CANCEL: "The requesting NCB did not confirm that the warrant is still valid.",
}
_EXPIRED_AGO = dt.timedelta(days=6 * 365 + 2)  # published six years ago: past its review


@dataclass(frozen=True, slots=True)
class Case:
    """An ordinary-law offence of one country, as a red notice states it."""

    programme: str
    offence: str
    law: str
    months: int  # the maximum penalty
    summary: str


@dataclass(frozen=True, slots=True)
class Court:
    authority: str
    prefix: str  # of the warrant's reference
    cases: tuple[Case, ...]


# Each demo NCB's courts and offences (laws as cited at home, penalties as they stand).
COURTS: dict[str, Court] = {
    "FRA": Court("Tribunal judiciaire de Paris, juge d'instruction", "PAR", (
        Case("organized_emerging_crime", "drug trafficking by an organised gang",
             "Code pénal, art. 222-36", 360,
             "Organised cocaine shipments hidden in fruit containers through Le Havre."),
        Case("cybercrime", "fraudulent access to data processing systems by an organised gang",
             "Code pénal, art. 323-4-1", 120,
             "Ran a ransomware affiliate programme that encrypted the networks of two hospitals."),
        Case("organized_emerging_crime", "armed robbery", "Code pénal, art. 311-8", 240,
             "Took part in the armed robbery of a jeweller's shop in Paris; two staff injured."),
    )),
    "DEU": Court("Amtsgericht Hamburg", "HH", (
        Case("organized_emerging_crime", "drug trafficking as a member of a gang",
             "Betäubungsmittelgesetz § 30a", 180,
             "Led a network trafficking cocaine through the port of Hamburg."),
        Case("cybercrime", "computer fraud on a commercial basis", "Strafgesetzbuch § 263a", 120,
             "Ran phishing sites that emptied more than 600 online bank accounts."),
        Case("organized_emerging_crime", "trafficking in human beings",
             "Strafgesetzbuch § 232", 120,
             "Recruited women abroad with false job offers and forced them into prostitution."),
    )),
    "USA": Court("U.S. District Court for the Southern District of New York", "SDNY", (
        Case("cybercrime", "wire fraud conspiracy", "18 U.S.C. §§ 1343, 1349", 240,
             "Business e-mail compromise scheme that diverted USD 12 million of payments."),
        Case("organized_emerging_crime", "conspiracy to distribute cocaine",
             "21 U.S.C. §§ 841, 846", 480,
             "Supplied multi-kilogram quantities of cocaine to distributors in New York."),
        Case("organized_emerging_crime", "money laundering conspiracy",
             "18 U.S.C. § 1956(h)", 240,
             "Laundered drug proceeds through shell companies and cryptocurrency exchanges."),
    )),
    "BRA": Court("Justiça Federal, 5ª Vara Federal de Santos", "SAN", (
        Case("organized_emerging_crime", "international drug trafficking",
             "Lei 11.343/2006, art. 33 c/c art. 40, I", 180,
             "Shipped cocaine hidden in containers through the port of Santos."),
        Case("organized_emerging_crime", "qualified homicide", "Código Penal, art. 121, § 2º",
             360, "Killed a rival trafficker in São Vicente on the orders of a criminal group."),
        Case("organized_emerging_crime", "taking part in a criminal organisation",
             "Lei 12.850/2013, art. 2º", 96,
             "Managed the finances of a criminal organisation in the state of São Paulo."),
    )),
    "NGA": Court("Federal High Court, Lagos", "FHC/L", (
        Case("cybercrime", "obtaining property by false pretences (advance-fee fraud)",
             "Advance Fee Fraud and Other Fraud Related Offences Act 2006, s. 1", 240,
             "Ran romance and advance-fee frauds from Lagos against victims in 14 countries."),
        Case("organized_emerging_crime", "trafficking in persons",
             "Trafficking in Persons (Prohibition) Enforcement and Administration Act 2015, "
             "s. 13", 180,
             "Recruited young women for sexual exploitation in Europe."),
        Case("organized_emerging_crime", "money laundering",
             "Money Laundering (Prevention and Prohibition) Act 2022, s. 18", 168,
             "Moved the proceeds of oil theft through bureaux de change."),
    )),
    "JPN": Court("Tokyo District Court", "TKY", (
        Case("organized_emerging_crime", "fraud as the organiser of a special fraud group",
             "Penal Code, art. 246", 120,
             "Directed callers who posed as relatives of elderly victims to collect cash."),
        Case("organized_emerging_crime", "robbery resulting in injury", "Penal Code, art. 240",
             12_000, "Led a home-invasion robbery in Tokyo recruited through online job ads."),
        Case("cybercrime", "computer fraud", "Penal Code, art. 246-2", 120,
             "Stole cryptocurrency from an exchange with credentials taken by malware."),
    )),
}  # fmt: skip

# What each kind asks, for a generated subject (red notices take their country's cases).
KIND_FIELDS: dict[NoticeKind, dict[str, Any]] = {
    NoticeKind.YELLOW: {
        "title": "Missing person",
        "summary": "Left home and has not been heard of since; the family fears for the "
        "person's safety.",
        "public_extract": True,
    },
    NoticeKind.BLUE: {
        "crime_programme": "organized_emerging_crime",
        "title": "Whereabouts sought",
        "summary": "Believed to be a courier of a network smuggling migrants by sea; "
        "identity, location and travel are sought.",
    },
    NoticeKind.BLACK: {
        "title": "Unidentified body",
        "summary": "The body of a person was found on a beach; papers in this name were on "
        "the body but the identity is not confirmed.",
        "subject_description": "About 1.75 m, tattoo of an anchor on the left forearm.",
    },
    NoticeKind.GREEN: {
        "crime_programme": "organized_emerging_crime",
        "title": "Travelling pickpocket",
        "summary": "Convicted several times of pickpocketing in organised teams at airports "
        "and railway stations; expected to travel to offend again.",
    },
    NoticeKind.ORANGE: {
        "crime_programme": "counter_terrorism",
        "title": "Imminent threat",
        "summary": "Believed to be preparing an attack with improvised explosive devices "
        "against crowded places; may be armed.",
        "subject_description": "Trained in handling explosives.",
        "urgent": True,
    },
    NoticeKind.PURPLE: {
        "crime_programme": "organized_emerging_crime",
        "title": "Modus operandi: drugs in industrial rollers",
        "summary": "Hides cocaine in hollowed-out industrial rollers shipped as machine parts; "
        "customs should x-ray such cargo.",
    },
    NoticeKind.UN_SPECIAL: {
        "crime_programme": "counter_terrorism",
        "title": "United Nations Security Council sanctions",
        "summary": "Listed by the Security Council Committee pursuant to resolutions 1267 "
        "(1999), 1989 (2011) and 2253 (2015): asset freeze, travel ban, arms embargo.",
        "un_reference": "QDi.D01 (demo)",
    },
}
# The kinds of the generated people's published notices, in turn.
BULK_KINDS = (
    NoticeKind.RED, NoticeKind.YELLOW, NoticeKind.RED, NoticeKind.BLUE, NoticeKind.RED,
    NoticeKind.GREEN, NoticeKind.RED, NoticeKind.YELLOW, NoticeKind.RED, NoticeKind.UN_SPECIAL,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoNotice:
    """One notice the demo makes: about whom, what it asks, the state it ends in."""

    owner: str
    subject: str  # the subject's reference
    fields: Mapping[str, Any]  # the request, without its subject
    state: NoticeState
    check_duplicates: bool = False  # submitted with the name check for other notices


# -- the featured people and the review queue's particular requests -----------------------


def _red(case: Case, authority: str, reference: str, date: str, **extra: Any) -> dict[str, Any]:
    """A red notice for prosecution that passes the judicial-data and penalty rules."""
    return {
        "kind": "red",
        "crime_programme": case.programme,
        "title": case.offence.capitalize(),
        "summary": case.summary,
        "purpose": "prosecution",
        "offences": [
            {"description": case.offence, "law": case.law, "max_penalty_months": case.months}
        ],
        "warrant": {
            "type": "arrest_warrant",
            "reference": reference,
            "date": date,
            "authority": authority,
        },
        **extra,
    }


# Published notices about the people whose passport spellings the demo prints.
FEATURED_NOTICES: tuple[DemoNotice, ...] = (
    DemoNotice("USA", "DEMO-FEATURED-1", _red(
        Case("counter_terrorism",
             "providing material support to a designated foreign terrorist organization",
             "18 U.S.C. § 2339B", 240,
             "Recruited fighters and moved funds for a designated terrorist organisation "
             "from 2019 to 2024."),
        "U.S. District Court for the Eastern District of Virginia",
        "1:25-cr-00217", "2025-06-11", public_extract=True), _S.PUBLISHED),
    DemoNotice("DEU", "DEMO-FEATURED-2", _red(
        Case("organized_emerging_crime", "commercial fraud as a member of a gang",
             "Strafgesetzbuch § 263 Abs. 5", 120,
             "Ran call centres that took EUR 40 million from more than 3,000 investors "
             "through fake trading platforms."),
        "Landgericht Frankfurt am Main", "5/12 KLs 7/25", "2026-01-19"),
        _S.PUBLISHED),
    DemoNotice("FRA", "DEMO-FEATURED-3", {
        "kind": "yellow",
        "title": "Missing person",
        "summary": "Left Lyon on 2 September 2026 saying he would travel to the Spanish "
        "border and has not been heard of since; his family fears for his safety.",
        "public_extract": True,
    }, _S.PUBLISHED),
    DemoNotice("JPN", "DEMO-FEATURED-4", _red(
        COURTS["JPN"].cases[0], COURTS["JPN"].authority, "TKY-2026-0311", "2026-02-27",
        summary="Directed a group that called elderly people posing as their relatives and "
        "as police officers and collected more than JPY 900 million."), _S.PUBLISHED),
    DemoNotice("BRA", "DEMO-FEATURED-5", {
        **_red(COURTS["BRA"].cases[0], COURTS["BRA"].authority, "SAN-2026-0042", "2026-03-02",
               summary="Organised cocaine shipments hidden in containers of frozen fruit from "
               "the port of Santos to Rotterdam and Hamburg.", public_extract=True),
        "offences": [
            {"description": "international drug trafficking",
             "law": "Lei 11.343/2006, art. 33 c/c art. 40, I", "max_penalty_months": 180},
            {"description": "association for drug trafficking",
             "law": "Lei 11.343/2006, art. 35", "max_penalty_months": 120},
        ],
    }, _S.PUBLISHED),
    DemoNotice("NGA", "DEMO-FEATURED-6", {
        "kind": "un_special",
        "crime_programme": "organized_emerging_crime",
        "title": "United Nations Security Council sanctions (Libya)",
        "summary": "Listed by the Security Council Committee established pursuant to "
        "resolution 1970 (2011) concerning Libya for arranging arms shipments in breach of "
        "the embargo: asset freeze and travel ban.",
        "un_reference": "LYi.D06 (demo)",
    }, _S.PUBLISHED),
)  # fmt: skip

# Another country's record of a featured person who already has a red notice, kept to
# its owner; its own request is flagged as a possible duplicate.
DUPLICATE_PERSON = {
    "reference": "DEMO-DUPLICATE-1",
    "full_name": "Aleksandr Ivanovich Shcherbakov",
    "dob": "1971-04-12",
    "nationalities": ["RU"],
    "sex": "M",
    "access": {"visibility": "owner"},
}
ADDED_PERSONS = 1  # persons this module adds to the demo's generated and featured ones

# Requests that the Article 3 rules flag, waiting in the review queue (owner, request),
# each about a generated person of the owner.
FLAGGED: tuple[tuple[str, dict[str, Any]], ...] = (
    ("NGA", _red(
        Case("cybercrime", "cyberstalking and insulting the head of state in online posts",
             "Cybercrimes (Prohibition, Prevention, etc.) Act 2015, s. 24", 36,
             "Published posts accusing officials of diverting public funds."),
        COURTS["NGA"].authority, "FHC/L/CS/2026/118", "2026-05-04",
        subject_description="Journalist and blogger who reports on public contracts.")),
    ("BRA", _red(
        Case("organized_emerging_crime", "desertion", "Código Penal Militar, art. 187", 24,
             "Left his unit in 2025 and did not return."),
        "Auditoria da 2ª Circunscrição Judiciária Militar",
        "CJM-2026-0077", "2026-04-14",
        subject_description="Army sergeant.")),
    ("FRA", _red(
        Case("organized_emerging_crime",
             "aggravated violence during an unauthorised demonstration",
             "Code pénal, art. 222-12", 60,
             "Struck a police officer during an unauthorised demonstration in Nantes."),
        COURTS["FRA"].authority, "PAR-2026-0912", "2026-06-30",
        subject_description="Trade unionist.")),
)  # fmt: skip
DUPLICATE_REQUEST = DemoNotice("USA", "DEMO-DUPLICATE-1", _red(
    COURTS["USA"].cases[1], COURTS["USA"].authority, "SDNY-2026-0451", "2026-07-21",
    summary="Supplied cocaine shipped from Santos to distributors in New York."),
    _S.UNDER_REVIEW, check_duplicates=True)  # fmt: skip


# -- plans ---------------------------------------------------------------------------------


def _generated(references: Mapping[str, int]) -> dict[str, list[int]]:
    """Each NCB's generated people by number, in order."""
    found: dict[str, list[int]] = {}
    for reference in references:
        match = _GENERATED.fullmatch(reference)
        if match:
            found.setdefault(match[1], []).append(int(match[2]))
    return {country: sorted(numbers) for country, numbers in found.items()}


def _reference(country: str, n: int) -> str:
    return f"DEMO-{country}-{n:05d}"


def _fields(kind: NoticeKind, country: str, n: int, state: NoticeState) -> dict[str, Any]:
    """The request for a generated person: its country's cases for red notices."""
    if kind is not NoticeKind.RED:
        return {"kind": kind.value, **KIND_FIELDS[kind]}
    court = COURTS[country]
    case = court.cases[n % len(court.cases)]
    day = dt.date(2024, 1, 1) + dt.timedelta(days=(n * 37) % 900)
    red = _red(
        case,
        court.authority,
        f"{court.prefix}-{day.year}-{n:04d}",
        day.isoformat(),
        public_extract=n % 3 == 0,
    )
    if state is NoticeState.DRAFT:
        red["warrant"] = None  # still being written: the compliance preview says what is missing
    return red


def bulk_plan(people: Mapping[str, list[int]]) -> Iterator[DemoNotice]:
    """Published notices about every 4th generated person, of several kinds."""
    for country in NCBS:
        for n in people.get(country, []):
            if n % PUBLISHED_EVERY == 0:
                kind = BULK_KINDS[(n // PUBLISHED_EVERY) % len(BULK_KINDS)]
                fields = _fields(kind, country, n, NoticeState.PUBLISHED)
                yield DemoNotice(country, _reference(country, n), fields, NoticeState.PUBLISHED)


def showcase_plan(people: Mapping[str, list[int]]) -> Iterator[DemoNotice]:
    """One notice of every kind in every state, then the flagged requests, about
    generated people who are not among the every-4th (their slots never change, so
    a second run finds the same subjects)."""
    spare = {c: [n for n in people.get(c, []) if n % PUBLISHED_EVERY] for c in NCBS}
    taken: Counter[str] = Counter()

    def next_of(country: str) -> int | None:
        slot = taken[country]
        taken[country] += 1
        return spare[country][slot] if slot < len(spare[country]) else None

    for (k, kind), (s, state) in product(enumerate(NoticeKind), enumerate(NoticeState)):
        country = NCBS[(k + s) % len(NCBS)]  # each state's notices from several NCBs
        n = next_of(country)
        if n is not None:
            yield DemoNotice(
                country, _reference(country, n), _fields(kind, country, n, state), state
            )
    for country, fields in FLAGGED:
        n = next_of(country)
        if n is not None:
            yield DemoNotice(country, _reference(country, n), fields, NoticeState.UNDER_REVIEW)


# -- seeding -------------------------------------------------------------------------------


def ncb(country: str) -> Principal:
    """A demo NCB officer of ``country`` (the demo acts through the services as one)."""
    return Principal(0, f"demo:{country}", Role.NCB, country, MembershipStatus.MEMBER)


def seed_notices(store: Store, today: dt.date | None = None) -> int:
    """Make every demo notice whose subject has none yet; the number made."""
    day = today or dt.datetime.now(dt.UTC).date()
    _seed_duplicate_person(store)
    references = _person_ids(store)
    people = _generated(references)
    plans = [
        *FEATURED_NOTICES,
        *bulk_plan(people),
        *showcase_plan(people),
        DUPLICATE_REQUEST,  # after the featured notice it duplicates is published
    ]
    noticed = _subjects_with_notices(store)
    made: list[DemoNotice] = []
    for plan in plans:
        person = references.get(plan.subject)
        if person is None or person in noticed:
            continue
        _make(store, plan, person, day)
        noticed.add(person)
        made.append(plan)
    if any(plan.state is NoticeState.EXPIRED for plan in made):
        notices.sweep(store, day)  # the clock expires what was published long ago
    return len(made)


def _seed_duplicate_person(store: Store) -> None:
    data = PersonInput.model_validate(DUPLICATE_PERSON)
    with store.write() as conn:
        persons_repo.upsert_batch(conn, "USA", [person_to_row(data)], {}, None)


def _person_ids(store: Store) -> dict[str, int]:
    """The demo's people by reference."""
    with store.read() as conn:
        rows = conn.execute(
            select(persons.c.reference, persons.c.id).where(persons.c.reference.like("DEMO-%"))
        ).all()
    return {str(reference): int(person_id) for reference, person_id in rows}


def _subjects_with_notices(store: Store) -> set[int]:
    """Persons already the subject of a notice, in any state: the demo leaves them be."""
    with store.read() as conn:
        rows = conn.execute(
            select(notices_table.c.subject_id)
            .where(notices_table.c.subject_kind == "person")
            .distinct()
        ).scalars()
        return {int(r) for r in rows}


def _make(store: Store, plan: DemoNotice, person: int, today: dt.date) -> None:
    """Create the request, then make the moves that lead to its state."""
    owner = ncb(plan.owner)
    data = NoticeInput.model_validate({**plan.fields, "subject": {"kind": "person", "id": person}})
    notice_id = int(notices.create(store, owner, data)["id"])
    duplicates = duplicate_finder(store) if plan.check_duplicates else None
    for what in PATHS[plan.state]:
        actor = GS if TRANSITIONS[what].by == "gs" else owner
        published_long_ago = plan.state is NoticeState.EXPIRED and what is Move.PUBLISH
        notices.move(
            store,
            actor,
            notice_id,
            what,
            reason=REASONS.get(what),
            duplicates=duplicates,
            today=today - _EXPIRED_AGO if published_long_ago else today,
        )


# -- what was seeded -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeSummary:
    """Notices by state and kind, published ones with a public extract, the review queue."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (state, kind) -> n
    public: int = 0  # published notices with a public extract
    queue: int = 0  # requests under review
    flagged: int = 0  # of those, the ones a compliance rule flagged

    def by_state(self) -> list[tuple[str, int, list[tuple[str, int]]]]:
        """(state, total, [(kind, n), ...]) in the order of a notice's life."""
        lines = []
        for state in NoticeState:
            kinds = [
                (kind.value, self.counts[(state.value, kind.value)])
                for kind in NoticeKind
                if self.counts.get((state.value, kind.value))
            ]
            lines.append((state.value, sum(n for _, n in kinds), kinds))
        return lines


def summary(store: Store) -> NoticeSummary:
    """What the notices table holds now, for the demo to print."""
    n = notices_table.c
    with store.read() as conn:
        counts = {
            (str(state), str(kind)): int(count)
            for state, kind, count in conn.execute(
                select(n.state, n.kind, func.count()).group_by(n.state, n.kind)
            )
        }
        public = conn.execute(
            select(func.count()).where(
                n.state == NoticeState.PUBLISHED.value, n.public_extract.is_(True)
            )
        ).scalar_one()
        reports = conn.execute(
            select(n.compliance).where(n.state == NoticeState.UNDER_REVIEW.value)
        ).scalars()
        flags = [_has_flag(report) for report in reports]
    return NoticeSummary(counts, int(public), len(flags), sum(flags))


def _has_flag(report: Mapping[str, Any] | None) -> bool:
    return any(r["outcome"] == "flag" for r in (report or {}).get("results", []))
