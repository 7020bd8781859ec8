"""The ``concord`` command. Bad input: a message naming the field and exit code 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from concord.domain.countries import normalise_country
from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import SYSTEM, Principal
from concord.errors import ConcordError
from concord.messaging.cli import messages_app
from concord.settings import get_settings
from concord.store import Store

if TYPE_CHECKING:
    from concord.services.demo_notices import NoticeSummary

app = typer.Typer(help="Concord: police data sharing and real-time checks.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
import_app = typer.Typer(help="Bulk imports (CSV or JSONL).", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
member_app = typer.Typer(help="Membership of countries.", no_args_is_help=True)
check_app = typer.Typer(help="Checks from files (manifests).", no_args_is_help=True)
notice_app = typer.Typer(help="Notices.", no_args_is_help=True)
keys_app = typer.Typer(help="An NCB's keys for secure messages.", no_args_is_help=True)
snapshot_app = typer.Typer(
    help="Offline snapshots for border posts without a link.", no_args_is_help=True
)
for sub, name in (
    (db_app, "db"),
    (user_app, "user"),
    (token_app, "token"),
    (import_app, "import"),
    (audit_app, "audit"),
    (member_app, "member"),
    (check_app, "check"),
    (notice_app, "notices"),
    (keys_app, "keys"),
    (snapshot_app, "snapshot"),
    (messages_app, "messages"),
):
    app.add_typer(sub, name=name)

console = Console(stderr=True)
out = Console()


@contextmanager
def _store() -> Iterator[Store]:
    """Open the configured store; map Concord errors to a message and exit code 2."""
    try:
        store = Store.from_settings()
    except Exception as exc:  # settings refused (placeholder secret, bad URL)
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    try:
        yield store
    except ConcordError as exc:
        where = f" ({exc.field})" if exc.field else ""
        console.print(f"[red]error{where}:[/red] {exc.message}")
        raise typer.Exit(2) from None
    finally:
        store.close()


def _as_ncb(store: Store, country: str) -> Principal:
    """The operator acting as ``country``'s NCB, which must be a member in good standing."""
    from concord.store import countries_repo

    code = normalise_country(country, "country")
    with store.read() as conn:
        status = countries_repo.status_of(conn, code)
    if status is None:
        raise ConcordError(
            f"country {code} is not registered (run `concord db upgrade` and `concord demo`)",
            field="country",
        )
    return Principal(0, f"cli:ncb:{code}", Role.NCB, code, status)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest revision, and register the countries."""
    from concord.domain.countries import current_members
    from concord.store import countries_repo
    from concord.store.migrate import current_revision, upgrade

    with _store() as store:
        upgrade(store)
        with store.write() as conn:
            added = countries_repo.seed(conn, current_members())
        console.print(f"schema at revision {current_revision(store)}; {added} countries registered")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
    access_log: Annotated[
        bool, typer.Option(help="log every request (the audit log already records each check)")
    ] = False,
) -> None:
    """Serve the API (OpenAPI at /docs)."""
    import uvicorn

    uvicorn.run(
        "concord.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
    )


@app.command()
def demo(
    people: Annotated[int, typer.Option(help="generated people per demo NCB")] = 400,
    documents: Annotated[int, typer.Option(help="stolen and lost travel documents")] = 1_000_000,
) -> None:
    """Seed the demo data (idempotent) and print the demo accounts and fresh tokens."""
    from concord.services import demo as demo_service
    from concord.services import demo_notices, demo_traffic
    from concord.services.demo_names import cross_script_examples

    credentials = Path("var") / "demo-credentials.json"
    with _store() as store:
        accounts = demo_service.seed(store, credentials, people_per_ncb=people)
        console.print(f"travel documents database: up to {documents:,} records (kept between runs)")
        hits = demo_service.seed_objects(store, documents)
        border = _frontline(_as_ncb(store, "FRA"))
        names = cross_script_examples(store, border, get_settings())
        seeded = demo_notices.summary(store)
        open_hits = demo_traffic.seed_hits(store)
        threads = demo_traffic.seed_messages(store, credentials.parent / "demo-keys")
    table = Table(
        title="Concord demo accounts (passwords in var/demo-credentials.json, authenticator "
        "secrets in var/demo-second-factor.json)"
    )
    for column in ("username", "role", "country", "password", "authenticator secret"):
        table.add_column(column, overflow="fold")
    for a in accounts:
        table.add_row(a.username, a.role, a.country, a.password, a.authenticator or "")
    out.print(table)
    # Tokens are long: plain lines, never wrapped or cut, ready to paste into a shell.
    print("\nAPI tokens (valid 30 days; a new set on every run of `concord demo`):")
    for a in accounts:
        print(f"  {a.username:<16} {a.token}")
    sample = next(a for a in accounts if a.role == "ncb")
    officer = next(a for a in accounts if a.role == "frontline")
    state, number, _ = hits.documents[0]
    print("\nIdentifiers that hit (check them as a frontline officer):")
    for state_, number_, status_ in hits.documents:
        print(f"  document {number_} issued by {state_} ({status_})")
    blank_state, first, last = hits.blank_range
    print(f"  any number from {first} to {last} issued by {blank_state} (stolen blank passports)")
    print(f"  VIN {hits.vin}; plate {hits.plate[1]} ({hits.plate[0]})")
    print(f"  firearm {hits.firearm[0]} serial {hits.firearm[1]}")
    print(
        f"\nOpen hits: {open_hits} (one past its deadline, in the GS command centre); "
        f"secure message threads between NCBs: {threads} (keys in var/demo-keys)"
    )
    nga = next((a for a in accounts if a.username == "ncb.nga"), None)
    if nga is not None:
        print("Open Nigeria's sealed messages on its side (one carries a file):")
        print(
            f"  CONCORD_API_TOKEN={nga.token} "
            "CONCORD_KEY_PASSPHRASE=$(cat var/demo-keys/passphrase) "
            ".venv/bin/concord messages inbox --country NGA --keys var/demo-keys/NGA "
            "--save var/received"
        )
    print("\nNames that hit in another script or spelling (as a passport prints them):")
    for example in names:
        print(
            f"  {example.typed:<36} finds {example.found} "
            f"({example.owner} record, score {example.score:.2f})"
        )
    if names:
        print(f"  the passport zone of the first: {names[0].zone}")
    _print_notices(seeded)
    check = (
        "curl -s -H 'Authorization: Bearer "
        + officer.token
        + "' -H 'Content-Type: application/json' "
        f'-d \'{{"document": {{"number": "{number}", "issuing_country": "{state}"}}}}\' '
        "http://127.0.0.1:8000/checks"
    )
    print(f"\nTry:\n  {check}")
    if names:
        person = json.dumps({"name": names[0].typed}, ensure_ascii=False)
        print(
            f"  curl -s -H 'Authorization: Bearer {officer.token}' -H 'Content-Type: "
            f"application/json' -d '{person}' http://127.0.0.1:8000/checks/persons"
        )
    print(
        f"  curl -H 'Authorization: Bearer {sample.token}' 'http://127.0.0.1:8000/persons?limit=3'"
        "\n  OpenAPI: http://127.0.0.1:8000/docs\n"
    )
    print(
        "Web application: http://localhost:8000/web (localhost: its cookies are Secure)\n"
        f"  {officer.username} / {officer.password} checks at the counter; NCB, GS and CCF "
        "staff add the code of an authenticator enrolled with their secret above\n"
        "  messages open in the browser with the country's key files from var/demo-keys/<CODE>/ "
        "and the passphrase in var/demo-keys/passphrase\n"
    )


def _print_notices(seeded: NoticeSummary) -> None:
    """Notices by state and kind; only a published one makes its subject checkable."""
    print("\nNotices by state and kind (a person is found by checks while one is published):")
    for state, total, kinds in seeded.by_state():
        listed = ", ".join(f"{kind} {n}" for kind, n in kinds)
        extra = f" ({seeded.public} with a public extract)" if state == "published" else ""
        print(f"  {state:<20} {total:>5}  {listed}{extra}")
    print(
        f"Review queue (gs.lyon, GET /review/notices): {seeded.queue} requests under review, "
        f"{seeded.flagged} flagged by the compliance rules"
    )


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="gs, ncb, frontline, ccf or partner")],
    country: Annotated[str, typer.Option(help="ISO 3166 code (XPO for the General Secretariat)")],
    password_stdin: Annotated[
        bool, typer.Option(help="read the password from standard input")
    ] = False,
    display_name: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a user account (the operator acts for the General Secretariat); NCB,
    General Secretariat and CCF accounts get their second factor, printed once."""
    from concord.services import second_factor, users

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with _store() as store:
        view = users.create_user(
            store,
            SYSTEM,
            username=username,
            role=role,
            country=country,
            password=password,
            display_name=display_name,
        )
        enrolled = (
            users.enrol_second_factor(store, SYSTEM, view.id)
            if second_factor.required(view.role)
            else None
        )
    out.print(f"user {view.username} (id {view.id}, {view.role}, {view.country}) created")
    if enrolled is not None:
        _show_second_factor(view.username, enrolled)


def _show_second_factor(username: str, enrolled: dict[str, str]) -> None:
    """Printed once, for the administrator to hand to the user (it is not kept in clear)."""
    out.print(f"second factor for {username} (add it to an authenticator app; shown once):")
    print(f"  secret {enrolled['secret']}")
    print(f"  {enrolled['uri']}")


@user_app.command("second-factor")
def user_second_factor(username: str) -> None:
    """Enrol (or replace, after a lost phone) the account's authenticator secret."""
    from concord.services import users

    with _store() as store:
        enrolled = users.enrol_second_factor(store, SYSTEM, _user_id(store, username))
    _show_second_factor(username, enrolled)


def _user_id(store: Store, username: str) -> int:
    from concord.store import users_repo

    with store.read() as conn:
        row = users_repo.by_username(conn, username)
    if row is None:
        raise ConcordError(f"no user {username!r}", field="username")
    return int(row["id"])


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Disable an account and revoke its tokens."""
    from concord.services import users

    with _store() as store:
        users.set_active(store, SYSTEM, _user_id(store, username), False)
    out.print(f"user {username} disabled; its tokens are revoked")


@token_app.command("create")
def token_create(
    username: str,
    ttl_days: Annotated[int, typer.Option(help="days until it expires")] = 30,
    label: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Issue an API token for a user; it is printed once and stored only as a hash."""
    from concord.services import auth

    with _store() as store:
        token_id, token, expires = auth.issue_token(
            store, SYSTEM, _user_id(store, username), label=label, ttl_days=ttl_days
        )
    console.print(f"token {token_id} for {username}, expires {expires:%Y-%m-%d %H:%M} UTC")
    out.print(token)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id."""
    from concord.services import auth

    with _store() as store:
        auth.revoke_token(store, SYSTEM, token_id)
    out.print(f"token {token_id} revoked")


@member_app.command("set")
def member_set(
    code: str,
    status: Annotated[str, typer.Argument(help="member, applicant, suspended, non-member")],
) -> None:
    """Change a country's membership status."""
    from concord.services import members

    with _store() as store:
        row = members.set_status(store, SYSTEM, code, status)
    out.print(f"{row['code']} {row['name']}: {row['status']}")


@member_app.command("list")
def member_list(status: Annotated[str | None, typer.Option()] = None) -> None:
    """List countries and their status."""
    from concord.services import members

    with _store() as store:
        rows = members.list_countries(store, SYSTEM, status)
    for row in rows:
        out.print(f"{row['code']}  {row['status']:<10}  {row['name']}")


def _progress_bar(total: int, label: str) -> tuple[Progress, Callable[[int, int], None]]:
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task(label, total=total)

    def update(done: int, size: int) -> None:
        progress.update(task, completed=done, total=size)

    return progress, update


_IMPORT_EXIT = (
    "Idempotent by (country, reference): a rerun resumes an interrupted import. "
    "Exit 0: every row landed; 1: good rows landed, bad rows are in the reject file; "
    "2: nothing was imported (bad file, header or option)."
)


def _register_import(name: str, help_text: str, run: Callable[..., Any]) -> None:
    """``concord import NAME FILE --country C``: the same options and exits for every kind."""

    @import_app.command(name, help=f"{help_text} {_IMPORT_EXIT}")
    def command(
        file: Annotated[Path, typer.Argument(help="CSV (header row) or JSONL file")],
        country: Annotated[str, typer.Option(help="import as this country's NCB (ISO 3166)")],
        format: Annotated[
            str | None, typer.Option(help="csv or jsonl (default: by extension)")
        ] = None,
        batch_size: Annotated[int | None, typer.Option(help="rows per transaction")] = None,
        rejects: Annotated[
            Path | None, typer.Option(help="bad rows (default FILE.rejects.csv)")
        ] = None,
        bulk: Annotated[
            bool | None,
            typer.Option(
                "--bulk/--no-bulk",
                help="SQLite: rebuild the lookup indexes once at the end "
                "(default: when the file is large beside the table)",
            ),
        ] = None,
    ) -> None:
        with _store() as store:
            principal = _as_ncb(store, country)
            size = file.stat().st_size if file.is_file() else 0
            progress, update = _progress_bar(size, f"{name} → {principal.country}")
            with progress:
                report = run(
                    store,
                    principal,
                    file,
                    fmt=format,
                    batch_size=batch_size,
                    rejects=rejects,
                    progress=update,
                    bulk=bulk,
                )
        _report_import(report)


def _import_persons(store: Store, principal: Principal, file: Path, **options: Any) -> Any:
    from concord.services.import_persons import import_persons

    return import_persons(store, principal, file, **options)


def _object_importer(path: str) -> Callable[..., Any]:
    def run(store: Store, principal: Principal, file: Path, **options: Any) -> Any:
        from concord.services.import_objects import import_objects
        from concord.store.kinds import BY_PATH

        return import_objects(store, principal, BY_PATH[path], file, **options)

    return run


def _columns(path: str) -> str:
    from concord.store.kinds import BY_PATH

    kind = BY_PATH[path]
    return (
        ", ".join(sorted(kind.csv_required)) + "; optional: " + ", ".join(sorted(kind.csv_optional))
    )


def _report_import(report: Any) -> None:
    console.print(
        f"read {report.read} rows: {report.written} written, {report.unchanged} already there, "
        f"{report.rejected} rejected" + (f" (see {report.rejects_path})" if report.rejected else "")
    )
    if report.rejected:
        raise typer.Exit(1)


_register_import(
    "persons",
    "Import person records (CSV columns: reference; optional: full_name, given_names, "
    "family_names, aliases, dob, place_of_birth, nationalities, sex, description, "
    "visibility, visibility_countries, review_date).",
    _import_persons,
)
for _path, _name in (
    ("documents", "stolen and lost travel documents"),
    ("blank-ranges", "stolen blank document ranges"),
    ("vehicles", "stolen motor vehicles"),
    ("firearms", "stolen and lost firearms"),
    ("vessels", "stolen vessels"),
    ("artworks", "stolen works of art"),
):
    _register_import(
        _path, f"Import {_name} (CSV columns: {_columns(_path)}).", _object_importer(_path)
    )


@app.command()
def screen(
    watchlist: Annotated[
        Path, typer.Option(help="CSV id,name,dob,nationality,sex[,aliases (|-separated)]")
    ],
    queries: Annotated[Path, typer.Option(help="CSV qid,name,dob,nationality,sex")],
    out: Annotated[Path, typer.Option(help="JSONL answers, one line per query, in order")],
    workers: Annotated[int, typer.Option(min=0, max=64, help="processes (0: one a CPU)")] = 0,
) -> None:
    """Screen people against a watchlist file, with no database.

    Each output line: {"qid", "hits": [{"id", "score", "name", "verdict"}]} best first, at
    most 10, down to the floor in the settings; "error" {code, message, field} on a query
    that could not be checked. A bad watchlist row stops the run (exit code 2).
    """
    from concord.matching.check import Thresholds
    from concord.services.screening import load_watchlist
    from concord.services.screening import screen as run_screen

    thresholds = Thresholds.from_settings(get_settings())
    try:
        index = load_watchlist(watchlist)
        report = run_screen(index, queries, out, thresholds=thresholds, workers=workers or None)
    except ConcordError as exc:
        where = f" ({exc.field})" if exc.field else ""
        console.print(f"[red]error{where}:[/red] {exc.message}")
        raise typer.Exit(2) from None
    console.print(
        f"screened {report.queries} queries against {report.records} people "
        f"({report.names} names): {report.with_hits} with a hit, {report.errors} refused; "
        f"answers in {out}"
    )


@check_app.command("documents")
def check_documents(
    file: Annotated[
        Path, typer.Argument(help="CSV with qid,number,issuing_country[,type], or JSONL")
    ],
    country: Annotated[str, typer.Option(help="check as a frontline officer of this country")],
    out: Annotated[Path, typer.Option(help="results, one JSON line per row, in input order")],
) -> None:
    """Check a passenger manifest of travel documents.

    Each output line: {"qid", "hit", "matches": [{"id", "kind", "status", "owner"}]}, plus
    "error" {code, message, field} on a row that could not be checked.
    """
    from concord.index.identifiers import IdentifierIndex
    from concord.services.checks import MAX_BATCH, Checker
    from concord.services.rows import RowReader

    with _store() as store:
        officer = _frontline(_as_ncb(store, country))
        index = IdentifierIndex(store)
        index.load()
        checker = Checker(store, index)
        reader = RowReader(
            file,
            required={"qid", "number", "issuing_country"},
            allowed={"qid", "number", "issuing_country", "type"},
        )
        hits = rows = 0
        try:
            with out.open("w", encoding="utf-8") as sink:
                chunk: list[tuple[str | None, str, str, str | None]] = []

                def flush() -> None:
                    nonlocal hits, rows
                    for answer in checker.check_documents(officer, chunk):
                        sink.write(json.dumps(_manifest_line(answer), ensure_ascii=False) + "\n")
                        hits += bool(answer.get("hit"))
                        rows += 1
                    chunk.clear()

                for row in reader:
                    data = row.data or {}
                    qid = data.get("qid") or str(row.line)
                    chunk.append(
                        (
                            qid,
                            data.get("number", ""),
                            data.get("issuing_country", ""),
                            data.get("type") or None,
                        )
                    )
                    if len(chunk) >= MAX_BATCH:
                        flush()
                flush()
        finally:
            reader.close()
    console.print(f"checked {rows} documents: {hits} hit(s); results in {out}")


@check_app.command("persons")
def check_persons(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV qid,name,dob,nationality,sex (or given_names,family_names, or mrz), or JSONL"
        ),
    ],
    country: Annotated[str, typer.Option(help="check as a frontline officer of this country")],
    out: Annotated[Path, typer.Option(help="results, one JSON line per row, in input order")],
) -> None:
    """Check a list of people against the platform's records, with the officer's access.

    Each output line: {"qid", "verdict", "hits": [{"id", "owner", "score", "name",
    "verdict"}]} best first, at most 10, down to the floor in the settings; "error"
    {code, message, field} on a row that could not be checked. A bad header is refused
    before any check (exit code 2); the answers go to a temporary file renamed over
    ``--out`` at the end, so a run that fails leaves no half-written answer.
    """
    from concord.index.names import PersonNameIndex
    from concord.services.person_checks import MAX_PERSON_BATCH, PERSON_COLUMNS, PersonChecker
    from concord.services.rows import RowReader

    with _store() as store:
        officer = _frontline(_as_ncb(store, country))
        reader = RowReader(file, required={"qid"}, allowed=set(PERSON_COLUMNS))
        index = PersonNameIndex(store)
        index.load()
        checker = PersonChecker(store, index, get_settings())
        rows = hits = errors = 0
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("wb") as sink:
                chunk: list[Any] = []  # rows as read; unreadable ones answered in place

                def flush() -> None:
                    nonlocal rows, hits, errors
                    items = [_person_item(row) for row in chunk if row.data is not None]
                    answers = iter(checker.check_many(officer, items) if items else [])
                    for row in chunk:
                        answer = next(answers) if row.data is not None else _unreadable(row)
                        sink.write(orjson.dumps(_person_line(answer, row.line)) + b"\n")
                        rows += 1
                        hits += answer.get("verdict") == "hit"
                        errors += "error" in answer
                    chunk.clear()

                for row in reader:
                    chunk.append(row)
                    if len(chunk) >= MAX_PERSON_BATCH:
                        flush()
                flush()
            partial.replace(out)
        finally:
            reader.close()
            partial.unlink(missing_ok=True)
    console.print(f"checked {rows} people: {hits} hit(s), {errors} refused; results in {out}")


def _frontline(ncb: Principal) -> Principal:
    return Principal(
        0, f"cli:frontline:{ncb.country}", Role.FRONTLINE, ncb.country, ncb.country_status
    )


def _person_item(row: Any) -> dict[str, Any]:
    """A row as a check item: empty cells are absent; no qid is the line number."""
    item = {k: v for k, v in row.data.items() if v not in (None, "")}
    item.setdefault("qid", str(row.line))
    return item


def _unreadable(row: Any) -> dict[str, Any]:
    from concord.errors import InvalidInput

    error = InvalidInput(f"line {row.line}: {row.error}", field="file")
    return {"qid": str(row.line), "error": error.as_dict()}


def _person_line(answer: dict[str, Any], line_number: int) -> dict[str, Any]:
    line: dict[str, Any] = {
        "qid": answer["qid"],
        "verdict": answer.get("verdict", "no_hit"),
        "hits": [
            {
                "id": c["id"],
                "owner": c["owner"],
                "score": c["score"],
                "name": c["name"],
                "verdict": c["verdict"],
            }
            for c in answer.get("candidates", [])
        ],
    }
    if "error" in answer:
        # The checker names the field within its batch ("items[3].dob"); a file names the line.
        error = dict(answer["error"])
        field = error.get("field") or ""
        error["field"] = field.split("].", 1)[1] if field.startswith("items[") else field
        line["error"] = {**error, "line": line_number}
    return line


def _manifest_line(answer: dict[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = {
        "qid": answer["qid"],
        "hit": bool(answer.get("hit")),
        "matches": [
            {"id": m["id"], "kind": m["kind"], "status": m["status"], "owner": m["owner"]}
            for m in answer.get("matches", [])
        ],
    }
    if "error" in answer:
        line["error"] = answer["error"]
    return line


@import_app.command("public-notices")
def import_public_notices(
    file: Annotated[
        Path, typer.Argument(help="JSON in the public red-notice service's shape, or JSONL")
    ],
) -> None:
    """Load public red notices (list answers or detail records with entity_id, forename,
    name, date_of_birth, nationalities, sex_id, arrest_warrants) as published notices
    with a public extract, each owned by its warrant's country. Idempotent: run it again
    to finish a run cut short. Exit code 1 when some records were rejected."""
    from concord.services.public_notices_import import import_public_notices as run

    with _store() as store:
        report = run(store, file)
    for where, field, why in report.rejected[:50]:
        console.print(f"  rejected {where}: {field or 'record'}: {why}")
    console.print(
        f"{report.written} written, {report.unchanged} unchanged, {len(report.rejected)} rejected"
    )
    if report.rejected:
        raise typer.Exit(1)


@keys_app.command("generate")
def keys_generate(
    country: Annotated[str, typer.Option(help="the NCB's country (alpha-2 or alpha-3)")],
    directory: Annotated[Path, typer.Option("--dir", help="where the key files are written")],
) -> None:
    """Make the NCB's signing (Ed25519) and encryption (X25519) key pairs, on the NCB's
    side: private keys encrypted under a passphrase (CONCORD_KEY_PASSPHRASE, else asked)
    with mode 600, never sent; register ``<country>.public.json`` with POST /keys."""
    import os

    from concord.messaging import keys

    try:
        code = normalise_country(country, "country")
        passphrase = os.environ.get("CONCORD_KEY_PASSPHRASE") or typer.prompt(
            "Passphrase for the private keys", hide_input=True, confirmation_prompt=True
        )
        keys.generate(directory, code, passphrase)
    except ConcordError as exc:
        where = f" ({exc.field})" if exc.field else ""
        console.print(f"[red]error{where}:[/red] {exc.message}")
        raise typer.Exit(2) from None
    console.print(
        f"keys for {code} written to {directory}; register {directory / (code + '.public.json')}"
        " with POST /keys"
    )


@notice_app.command("sweep")
def notices_sweep(
    today: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD to act as of (default: today, UTC)")
    ] = None,
) -> None:
    """Expire notices past their review date, resume ended suspensions, and remind
    owners of review dates within two months (run it daily; it is idempotent)."""
    import datetime as dt

    from concord.errors import InvalidInput
    from concord.services import notices

    with _store() as store:
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise InvalidInput("expected YYYY-MM-DD", field="today") from None
        done = notices.sweep(store, day)
    console.print(
        f"expired {len(done['expired'])}, resumed {len(done['resumed'])}, "
        f"reminded {len(done['reminded'])} notice(s)"
    )


def _passphrase(confirm: bool) -> str:
    """From CONCORD_SNAPSHOT_PASSPHRASE, else asked for (it travels apart from the file)."""
    import os

    given = os.environ.get("CONCORD_SNAPSHOT_PASSPHRASE")
    if given:
        return given
    return str(typer.prompt("snapshot passphrase", hide_input=True, confirmation_prompt=confirm))


@snapshot_app.command("export")
def snapshot_export(
    country: Annotated[
        str, typer.Option(help="the border post's country: its view of the records")
    ],
    out: Annotated[Path, typer.Option(help="the snapshot file to write")],
    valid_days: Annotated[int, typer.Option(help="days before the snapshot refuses to answer")] = 7,
) -> None:
    """Write a signed snapshot of keyed hashes of every identifier the country can check."""
    import datetime as dt

    from concord.offline import keys, snapshot
    from concord.services.snapshots import audit_export, match_keys

    if not 1 <= valid_days <= 90:
        console.print("[red]error (valid_days):[/red] between 1 and 90 days")
        raise typer.Exit(2)
    with _store() as store:
        code = _as_ncb(store, country).country
        key_path = Path(store.settings.signing_key_file)
        if not key_path.exists():
            if store.settings.env == "prod":
                raise ConcordError(f"no signing key at {key_path}", field="signing_key_file")
            public = keys.generate(key_path)
            console.print(f"created the platform signing key {key_path} (public key: {public})")
        signing_key = keys.load_private(key_path)
        passphrase = _passphrase(confirm=True)
        counted: list[str] = []

        def counting() -> Iterator[str]:
            for key in match_keys(store, code):
                counted.append("")
                yield key

        data = snapshot.build(
            counting(),
            passphrase=passphrase,
            signing_key=signing_key,
            valid_for=dt.timedelta(days=valid_days),
            scope=code,
        )
        out.write_bytes(data)
        audit_export(store, code, len(counted), str(out))
    console.print(
        f"snapshot for {code}: {len(counted)} identifiers, {len(data)} bytes, "
        f"valid {valid_days} days -> {out}"
    )


@snapshot_app.command("check")
def snapshot_check(
    file: Annotated[Path, typer.Argument(help="a snapshot written by `concord snapshot export`")],
    queries: Annotated[
        list[str],
        typer.Argument(
            help="document:STATE:NUMBER, vin:VIN, plate:COUNTRY:PLATE, firearm:SERIAL, "
            "imo:NUMBER, hin:HIN or art:ID"
        ),
    ],
    public_key: Annotated[Path | None, typer.Option(help="the platform's public key (PEM)")] = None,
) -> None:
    """Check identifiers against a snapshot with no network: possible hit or no hit."""
    from concord.domain.checks import parse_check
    from concord.offline import keys, snapshot

    settings = get_settings()
    key_path = public_key or Path(settings.signing_key_file).with_suffix(".pub")
    try:
        items = [_snapshot_query(q) for q in queries]
        parsed = [parse_check(item) for item in items]
        if not file.is_file():
            raise ConcordError(f"no such file: {file}", field="file")
        opened = snapshot.open_snapshot(
            file.read_bytes(),
            public_key=keys.load_public(key_path),
            passphrase=_passphrase(confirm=False),
        )
    except ConcordError as exc:
        console.print(
            f"[red]refused ({exc.field}):[/red] {exc.message}"
            if exc.field
            else f"[red]refused:[/red] {exc.message}"
        )
        raise typer.Exit(2) from None
    console.print(
        f"snapshot of {opened.header['scope']}, valid until {opened.header['expires_at']}"
    )
    for query, check in zip(queries, parsed, strict=True):
        hit = any(opened.possible_hit(k) for k in check.keys)
        verdict = "POSSIBLE HIT: hold and confirm with your NCB" if hit else "no hit"
        out.print(f"{query}: {verdict}")


def _snapshot_query(text: str) -> dict[str, Any]:
    kind, _, rest = text.partition(":")
    parts = rest.split(":")
    if kind == "document" and len(parts) == 2:
        return {"document": {"issuing_country": parts[0], "number": parts[1]}}
    if kind == "plate" and len(parts) == 2:
        return {"plate": {"country": parts[0], "number": parts[1]}}
    if kind in ("vin", "imo", "hin") and len(parts) == 1:
        return {kind: parts[0]}
    if kind == "firearm" and len(parts) == 1:
        return {"firearm": {"serial": parts[0]}}
    if kind == "art" and len(parts) == 1:
        return {"art": {"object_id": parts[0]}}
    raise ConcordError(f"cannot read the query {text!r}", field="query")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain: exit 0 when intact, else 1 naming the first event at fault."""
    from concord.audit import verify

    with _store() as store:
        result = verify(store)
    if result.ok:
        out.print(f"ok: {result.message}")
        return
    out.print(f"FAILED: {result.message}")
    raise typer.Exit(1)


@audit_app.command("show")
def audit_show(
    limit: Annotated[int, typer.Option(help="newest events to show")] = 20,
) -> None:
    """Print the newest events as JSON lines."""
    from sqlalchemy import select

    from concord.store.tables import audit_events

    with _store() as store, store.read() as conn:
        rows = (
            conn.execute(select(audit_events).order_by(audit_events.c.seq.desc()).limit(limit))
            .mappings()
            .all()
        )
    for row in reversed(rows):
        item: dict[str, Any] = dict(row)
        item["details"] = json.loads(item["details"])
        out.print_json(json.dumps(item, default=str))


def main() -> None:
    app()


_ = MembershipStatus  # re-exported for scripts that call the CLI programmatically
