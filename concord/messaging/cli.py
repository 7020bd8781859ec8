"""``concord messages``: an NCB seals, sends, receives and opens messages from its own
machine. The API token comes from CONCORD_API_TOKEN and the key passphrase from
CONCORD_KEY_PASSPHRASE (or a prompt), never from the command line, where they
would stay in the shell's history and the process list."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from concord.domain.countries import normalise_country
from concord.errors import ConcordError, InvalidInput
from concord.messaging import keys
from concord.messaging.client import MessagingClient, Opened, PlatformError
from concord.messaging.keys import PrivateKeys

messages_app = typer.Typer(
    help="Secure messages from the NCB's side: seal, send, receive, open, reread.",
    no_args_is_help=True,
)
console = Console(stderr=True)
out = Console(soft_wrap=True)

Api = Annotated[str, typer.Option(envvar="CONCORD_API_URL", help="the platform's address")]
KeysDir = Annotated[Path, typer.Option("--keys", help="the folder `concord keys generate` wrote")]
Country = Annotated[str, typer.Option(help="the NCB's country")]
_LINK_KINDS = ("notice", "hit", "person", "document", "vehicle", "firearm", "vessel", "artwork")


@contextmanager
def _session(
    api: str, directory: Path, country: str
) -> Iterator[tuple[MessagingClient, PrivateKeys]]:
    """The NCB's keys and a client; Concord errors become a message and exit 2 (bad
    input) or 1 (the platform refused or could not be reached)."""
    try:
        token = os.environ.get("CONCORD_API_TOKEN", "")
        if not token:
            raise InvalidInput("set CONCORD_API_TOKEN to the NCB's API token", field="token")
        code = normalise_country(country, "country")
        passphrase = os.environ.get("CONCORD_KEY_PASSPHRASE") or typer.prompt(
            "Passphrase for the private keys", hide_input=True
        )
        own = keys.load(directory, code, passphrase)
        with MessagingClient(api, token) as client:
            yield client, own
    except PlatformError as exc:
        console.print(f"[red]refused by the platform:[/red] {exc.message}")
        raise typer.Exit(1) from None
    except httpx.TransportError as exc:
        console.print(f"[red]cannot reach {api}:[/red] {exc}")
        raise typer.Exit(1) from None
    except ConcordError as exc:
        where = f" ({exc.field})" if exc.field else ""
        console.print(f"[red]error{where}:[/red] {exc.message}")
        raise typer.Exit(2) from None


def _links(given: list[str]) -> list[dict[str, object]]:
    links = []
    for item in given:
        kind, _, number = item.partition(":")
        if kind not in _LINK_KINDS or not number.isdigit():
            raise InvalidInput(
                f"{item!r}: expected KIND:ID, KIND one of {_LINK_KINDS}", field="link"
            )
        links.append({"kind": kind, "id": int(number)})
    return links


@messages_app.command("send")
def send(
    country: Country,
    directory: KeysDir,
    to: Annotated[list[str], typer.Option(help="a recipient country (repeat for more)")],
    subject: Annotated[str, typer.Option(help="the subject (sealed: the platform never sees it)")],
    body: Annotated[str, typer.Option(help="the text, or @FILE to read it from a file")] = "",
    attach: Annotated[list[Path] | None, typer.Option(help="a file to attach (repeat)")] = None,
    priority: Annotated[str, typer.Option(help="urgent, high, normal or low")] = "normal",
    handling: Annotated[
        list[str] | None,
        typer.Option(
            help="no_onward_transmission, police_use_only, not_for_court_use, "
            "originator_consent_required (repeat)"
        ),
    ] = None,
    link: Annotated[list[str] | None, typer.Option(help="KIND:ID, e.g. notice:42 (repeat)")] = None,
    thread: Annotated[str | None, typer.Option(help="the message id that began the thread")] = None,
    message_id: Annotated[str | None, typer.Option("--id", help="your own message id")] = None,
    api: Api = "http://127.0.0.1:8000",
) -> None:
    """Seal a message and its files for each recipient's current key, sign it, send it."""
    with _session(api, directory, country) as (client, own):
        text = Path(body[1:]).read_text(encoding="utf-8") if body.startswith("@") else body
        recipients = [normalise_country(c, "to") for item in to for c in item.split(",") if c]
        sent = client.send(
            own,
            recipients,
            subject=subject,
            body=text,
            files=attach or [],
            message_id=message_id,
            priority=priority,
            handling=handling or [],
            links=_links(link or []),
            thread_id=thread,
        )
    out.print(
        f"sent {sent['message_id']} to {', '.join(sent['recipients'])}"
        f" with {len(sent['attachments'])} attachment(s)"
    )


@messages_app.command("inbox")
def inbox(
    country: Country,
    directory: KeysDir,
    save: Annotated[
        Path | None, typer.Option(help="save each message's attachments under this folder")
    ] = None,
    read: Annotated[bool, typer.Option("--read", help="send read receipts")] = False,
    cursor: Annotated[int, typer.Option(help="start after this cursor")] = 0,
    thread: Annotated[str | None, typer.Option(help="only this thread")] = None,
    api: Api = "http://127.0.0.1:8000",
) -> None:
    """Fetch, verify and open the NCB's messages; a tampered one, or one signed by a key
    the directory does not hold, is shown as refused (exit code 1 if any was)."""
    refused = 0
    with _session(api, directory, country) as (client, own):
        for message in client.inbox(cursor, thread):
            opened = client.open(message, own)
            _show(opened)
            if opened.letter is None:
                refused += 1
                continue
            if save is not None:
                for attached in opened.letter.attachments:
                    where = client.save_attachment(
                        message["message_id"], attached, save / message["message_id"]
                    )
                    out.print(f"    saved {where} ({attached.size} bytes, verified)")
            if read:
                client.mark_read(message["message_id"])
    if refused:
        console.print(f"[red]{refused} message(s) refused[/red]")
        raise typer.Exit(1)


@messages_app.command("sent")
def sent(
    country: Country,
    directory: KeysDir,
    cursor: Annotated[int, typer.Option(help="start after this cursor")] = 0,
    thread: Annotated[str | None, typer.Option(help="only this thread")] = None,
    api: Api = "http://127.0.0.1:8000",
) -> None:
    """Verify and open the messages the NCB sent (with each envelope's sender's copy),
    and show their receipts; one sealed before senders kept a copy, or changed, is
    shown as refused (exit code 1 if any was)."""
    refused = 0
    with _session(api, directory, country) as (client, own):
        for message in client.sent(cursor, thread):
            opened = client.open(message, own)
            _show(opened, sent=True)
            if opened.letter is None:
                refused += 1
            for receipt in message["receipts"]:
                state = "read" if receipt["read_at"] else "delivered"
                state = state if receipt["delivered_at"] else "not delivered"
                out.print(f"    {receipt['recipient']}: {state}")
    if refused:
        console.print(f"[red]{refused} message(s) refused[/red]")
        raise typer.Exit(1)


def _show(opened: Opened, *, sent: bool = False) -> None:
    message = opened.message
    party = f"to {', '.join(message['recipients'])}" if sent else f"from {message['sender']}"
    head = f"{message['message_id']}  {party}  {message['priority']}  {message['sent_at']}"
    if opened.letter is None:
        out.print(f"[red]REFUSED[/red] {head}: {opened.refused}")
        return
    out.print(f"[green]verified[/green] {head}")
    out.print(f"    subject: {opened.letter.subject}")
    for line in opened.letter.body.splitlines() or [""]:
        out.print(f"    | {line}", markup=False, highlight=False)
    for attached in opened.letter.attachments:
        out.print(f"    attachment: {attached.name} ({attached.media_type}, {attached.size} bytes)")
