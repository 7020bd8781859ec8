"""Seeding realistic demo data: real members, demo accounts, generated people, and
notices (``demo_notices``): a person answers a check only while a notice about it is
published.

Idempotent: a second run keeps what is there, adds what is missing, and issues
fresh tokens for the demo accounts (tokens are stored only as hashes, so old
ones cannot be shown again). Demo passwords are generated on the first run and
kept in ``var/demo-credentials.json`` (mode 600), never in the code.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from concord.domain.countries import ORGANISATION_CODE, current_members
from concord.domain.enums import MembershipStatus, Role
from concord.domain.persons import PersonInput, person_to_row
from concord.domain.principal import SYSTEM, Principal
from concord.services import auth, demo_notices, second_factor, users
from concord.services.demo_names import FEATURED
from concord.services.import_persons import csv_to_input
from concord.services.synthetic import LOCALES, PersonFactory
from concord.store import Store, countries_repo, persons_repo, users_repo

# (username, role, country): the General Secretariat, the CCF, and NCBs of five regions.
ACCOUNTS: tuple[tuple[str, Role, str], ...] = (
    ("gs.lyon", Role.GS, ORGANISATION_CODE),
    ("ccf.commission", Role.CCF, ORGANISATION_CODE),
    ("ncb.fra", Role.NCB, "FRA"),
    ("ncb.deu", Role.NCB, "DEU"),
    ("ncb.usa", Role.NCB, "USA"),
    ("ncb.bra", Role.NCB, "BRA"),
    ("ncb.nga", Role.NCB, "NGA"),
    ("ncb.jpn", Role.NCB, "JPN"),
    ("border.cdg", Role.FRONTLINE, "FRA"),
    ("border.fra", Role.FRONTLINE, "DEU"),
    ("border.jfk", Role.FRONTLINE, "USA"),
    ("airline.af", Role.PARTNER, "FRA"),
)
PEOPLE_PER_NCB = 400


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: str
    country: str
    password: str
    token: str
    authenticator: str | None = None  # the second factor's secret (NCB, GS and CCF)


@dataclass(frozen=True, slots=True)
class DemoHits:
    """Identifiers in the demo data that hit, printed for a newcomer to try."""

    documents: list[tuple[str, str, str]]  # (issuing state, number, status)
    blank_range: tuple[str, str, str]  # (issuing state, first, last)
    vin: str
    plate: tuple[str, str]
    firearm: tuple[str, str]


def seed(
    store: Store, credentials: Path, people_per_ncb: int = PEOPLE_PER_NCB
) -> list[DemoAccount]:
    with store.write() as conn:
        countries_repo.seed(conn, current_members())
    passwords = _passwords(credentials)
    accounts = []
    for username, role, country in ACCOUNTS:
        with store.read() as conn:
            row = users_repo.by_username(conn, username)
        if row is None:
            view = users.create_user(
                store,
                SYSTEM,
                username=username,
                role=role.value,
                country=country,
                password=passwords[username],
            )
            user_id = view.id
        else:
            user_id = int(row["id"])
        secret = _authenticator(store, credentials, username, user_id, role)
        _, token, _ = auth.issue_token(store, SYSTEM, user_id, label="demo", ttl_days=30)
        accounts.append(
            DemoAccount(username, role.value, country, passwords[username], token, secret)
        )
    seed_people(store, people_per_ncb)
    demo_notices.seed_notices(store)
    return accounts


def seed_people(store: Store, per_ncb: int = PEOPLE_PER_NCB) -> None:
    """The generated and the featured people: the subjects of the demo's notices."""
    _seed_people(store, per_ncb)
    _seed_featured(store)


def _authenticator(
    store: Store, credentials: Path, username: str, user_id: int, role: Role
) -> str | None:
    """The demo account's second-factor secret, enrolled once and kept beside the
    passwords (``demo-second-factor.json``, mode 600) so a demo user can log in."""
    if not second_factor.required(role):
        return None
    path = credentials.with_name("demo-second-factor.json")
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    with store.read() as conn:
        row = users_repo.by_id(conn, user_id)
    assert row is not None
    if username not in known or row["totp_secret"] is None:
        known[username] = second_factor.enrol(store, SYSTEM, dict(row))["secret"]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(known, indent=2))
    return known[username]


def _passwords(path: Path) -> dict[str, str]:
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    for username, _, _ in ACCOUNTS:
        known.setdefault(username, secrets.token_urlsafe(12))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    os.chmod(path, 0o600)
    return known


def _seed_people(store: Store, per_ncb: int) -> None:
    """Each demo NCB's people, from its own locales, with a mix of access restrictions."""
    by_country: dict[str, list[str]] = {}
    for locale, (country, _) in LOCALES.items():
        by_country.setdefault(country, []).append(locale)
    factory = PersonFactory(seed=7, pool_size=120)
    other_locales = list(LOCALES)
    for _, role, country in ACCOUNTS:
        if role is not Role.NCB:
            continue
        owner = Principal(0, f"demo:{country}", Role.NCB, country, MembershipStatus.MEMBER)
        rows = []
        countries: dict[str, list[str]] = {}
        for n in range(per_ncb):
            # Mostly own nationals, some foreigners of every script.
            own = by_country.get(country, [])
            locale = (
                factory.random.choice(own)
                if own and n % 3
                else factory.random.choice(other_locales)
            )
            raw = factory.person(f"DEMO-{country}-{n:05d}", locale)
            data = PersonInput.model_validate(csv_to_input(raw))
            if n % 10 == 1:
                data.access.visibility = data.access.visibility.ONLY
                data.access.countries = sorted({country, "DEU", "FRA", "USA"} - {country})
            elif n % 10 == 2:
                data.access.visibility = data.access.visibility.EXCEPT
                data.access.countries = ["BRA"] if country != "BRA" else ["NGA"]
            elif n % 25 == 3:
                data.access.visibility = data.access.visibility.OWNER
            rows.append(person_to_row(data))
            if data.access.countries:
                countries[raw["reference"]] = list(data.access.countries)
        with store.write() as conn:
            persons_repo.upsert_batch(conn, owner.country, rows, countries, None)


def _seed_featured(store: Store) -> None:
    """The people whose passport spellings the demo prints (see ``demo_names``)."""
    for person in FEATURED:
        data = PersonInput.model_validate(
            {
                "reference": person.reference,
                "full_name": person.full_name,
                "dob": person.dob,
                "nationalities": [person.nationality],
                "sex": person.sex,
            }
        )
        with store.write() as conn:
            persons_repo.upsert_batch(conn, person.owner, [person_to_row(data)], {}, None)


def seed_objects(store: Store, documents: int) -> DemoHits:
    """The stolen and lost documents database, a blank range, vehicles and firearms."""
    from sqlalchemy import func, select

    from concord.domain import objects as object_rules
    from concord.services import synthetic_objects as synth
    from concord.store import records_repo
    from concord.store.tables import blank_ranges, firearms, travel_documents, vehicles

    with store.read() as conn:
        have = int(conn.execute(select(func.count()).select_from(travel_documents)).scalar_one())
    batches: dict[str, list[dict[str, object]]] = {}

    def flush(state: str) -> None:
        rows = batches.pop(state, [])
        if rows:
            with store.write() as conn:
                records_repo.upsert_batch(conn, travel_documents, "document", state, rows, {}, None)

    for state, row in synth.documents(max(0, documents - have), seed=have + 1):
        batches.setdefault(state, []).append(row)
        if len(batches[state]) >= 5000:
            flush(state)
    for state in list(batches):
        flush(state)

    shown: list[tuple[str, str, str]] = []
    with store.read() as conn:
        for state in ("DEU", "FRA", "USA"):
            found = conn.execute(
                select(travel_documents.c.number, travel_documents.c.status)
                .where(travel_documents.c.issuing_country == state)
                .order_by(travel_documents.c.id)
                .limit(1)
            ).first()
            if found is not None:
                shown.append((state, str(found[0]), str(found[1])))

    fixed = {
        "blank_range": (blank_ranges, "DEU", object_rules.validate_blank_range(
            {"reference": "DEMO-BLANK-1", "issuing_country": "DEU", "type": "passport",
             "first": "C4F000100", "last": "C4F000599", "lost_on": "2026-03-14"}, True)),
        "vehicle": (vehicles, "FRA", object_rules.validate_vehicle(
            {"reference": "DEMO-VEH-1", "vin": "1M8GDM9AXKP042788", "plate": "GE-451-RT",
             "plate_country": "FRA", "make": "Peugeot", "model": "3008", "colour": "grey",
             "year": "2021", "stolen_on": "2026-10-02"}, True)),
        "firearm": (firearms, "USA", object_rules.validate_firearm(
            {"reference": "DEMO-FA-1", "make": "Glock", "model": "19", "serial": "BXRT417",
             "calibre": "9mm", "type": "pistol", "stolen_on": "2026-08-30"}, True)),
    }  # fmt: skip
    rnd = __import__("random").Random(99)
    extra_vehicles = [
        object_rules.validate_vehicle(
            {
                "reference": f"DEMO-VEH-{n}",
                "vin": synth.vin(rnd),
                "make": "Toyota",
                "status": "stolen",
            },
            True,
        ).row
        for n in range(2, 2000)
    ]
    with store.write() as conn:
        for kind, (table, owner, validated) in fixed.items():
            records_repo.upsert_batch(conn, table, kind, owner, [validated.row], {}, None)
        records_repo.upsert_batch(conn, vehicles, "vehicle", "FRA", extra_vehicles, {}, None)
    return DemoHits(
        documents=shown,
        blank_range=("DEU", "C4F000100", "C4F000599"),
        vin="1M8GDM9AXKP042788",
        plate=("FRA", "GE-451-RT"),
        firearm=("Glock", "BXRT417"),
    )
