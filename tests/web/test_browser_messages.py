"""Secure messages in a real Chromium, byte-compatible with the Python side both ways:
a message sealed by concord.messaging is verified and opened by the page (and its
attachment saved with the same bytes), a tampered one is shown REFUSED; a message
with an attachment composed and sent in the browser is opened by the Python side
and shown verified to the recipient in a second browser. The keys are unlocked
from the files `concord keys generate` writes, through the page's file input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from concord.messaging import keys
from concord.messaging.attachments import open_stream, seal_stream
from concord.messaging.envelope import Envelope, open_envelope, seal
from concord.messaging.keys import PrivateKeys
from concord.messaging.letter import AttachedFile, Letter
from concord.services import attachments, key_directory, messages
from concord.services.messages import SendInput
from concord.store import Store
from concord.store.tables import messages as messages_table
from tests.conftest import World
from tests.web.browser_kit import TABLET, log_in, served, shots_dir, staff_login

PASSPHRASE = "a passphrase long enough"
EVIDENCE = bytes(range(256)) * 700  # 179 200 bytes: three segments, the last one short


def _register(world: World, tmp_path: Path) -> dict[str, PrivateKeys]:
    made = {}
    for actor in (world.ncb_a, world.ncb_b, world.ncb_c):
        country = actor.principal.country
        made[country] = keys.generate(tmp_path / "keys" / country, country, PASSPHRASE)
        key_directory.register(world.store, actor.principal, made[country].public().as_json())
    return made


def _unlock(page: Page, tmp_path: Path, country: str) -> None:
    folder = tmp_path / "keys" / country
    page.set_input_files(
        "#key-files", [folder / f"{country}.signing.pem", folder / f"{country}.encryption.pem"]
    )
    page.fill("#key-passphrase", PASSPHRASE)
    page.press("#key-passphrase", "Enter")  # the keyboard alone unlocks
    expect(page.locator("#keys-state")).to_contain_text(f"Keys unlocked for {country}")


def _python_sends(store: Store, world: World, ncbs: dict[str, PrivateKeys]) -> str:
    """FRA seals a letter with an attachment on the Python side and posts it."""
    sink = io.BytesIO()
    sealed = seal_stream(io.BytesIO(EVIDENCE), sink)
    upload = attachments.begin(store, world.ncb_a.principal)
    upload.write(sink.getvalue())
    attachments.finish(store, world.ncb_a.principal, upload, sealed.sha256)
    letter = Letter(
        "HIT on red notice 42",
        "Subject detained at CDG.\nPlease confirm the warrant — ü, 日本.",
        [AttachedFile.of("evidence.bin", "application/octet-stream", sealed)],
    )
    envelope = seal(
        ncbs["FRA"],
        [ncbs["DEU"].public()],
        letter.to_bytes(),
        message_id="fra-py-000001",
        created="2026-11-23T19:45:00+00:00",
        attachments=[sealed],
    )
    messages.send(store, world.ncb_a.principal, SendInput(envelope=envelope.as_json()))
    return "fra-py-000001"


def _tampered(store: Store, world: World, ncbs: dict[str, PrivateKeys]) -> str:
    """A sound message whose stored envelope is then changed behind the platform's back."""
    envelope = seal(
        ncbs["FRA"],
        [ncbs["DEU"].public()],
        Letter("Genuine", "The real text.").to_bytes(),
        message_id="fra-py-000002",
        created="2026-11-23T19:50:00+00:00",
    ).as_json()
    messages.send(store, world.ncb_a.principal, SendInput(envelope=envelope, thread_id=None))
    forged = json.loads(json.dumps(envelope))
    forged["header"]["created"] = "2026-11-23T23:59:00+00:00"
    with store.write() as conn:
        conn.execute(
            update(messages_table)
            .where(messages_table.c.message_id == "fra-py-000002")
            .values(envelope=forged)
        )
    return "fra-py-000002"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_python_sealed_message_is_verified_and_opened_in_the_browser(
    store: Store, world: World, chromium: Browser, tmp_path: Path
) -> None:
    ncbs = _register(world, tmp_path)
    sound = _python_sends(store, world, ncbs)
    forged = _tampered(store, world, ncbs)
    secret = staff_login(store, world.ncb_b.principal)
    shots = shots_dir(tmp_path)
    with served(store, tmp_path) as base:
        context = chromium.new_context(viewport=TABLET, accept_downloads=True)
        page = context.new_page()
        log_in(page, base, "ncb.deu", secret)
        page.goto(f"{base}/web/messages")
        sound_row = page.locator(f'tr[data-message-id="{sound}"]')
        forged_row = page.locator(f'tr[data-message-id="{forged}"]')
        expect(sound_row.locator(".seal")).to_contain_text("Signature verified: sent by FRA NCB")
        expect(forged_row.locator(".seal")).to_contain_text("REFUSED: the signature does not match")
        folder = tmp_path / "keys" / "DEU"
        page.set_input_files("#key-files", [folder / "DEU.signing.pem", folder / "DEU.public.json"])
        page.fill("#key-passphrase", PASSPHRASE)
        page.press("#key-passphrase", "Enter")
        expect(page.locator("#keys-error")).to_contain_text("not a PEM key file")
        page.set_input_files(
            "#key-files", [folder / "DEU.signing.pem", folder / "DEU.encryption.pem"]
        )
        page.fill("#key-passphrase", "not the passphrase")
        page.press("#key-passphrase", "Enter")
        expect(page.locator("#keys-error")).to_contain_text("wrong passphrase")
        _unlock(page, tmp_path, "DEU")
        expect(page.locator("#keys-error")).to_be_hidden()
        expect(sound_row.locator(".subject")).to_have_text("HIT on red notice 42")
        expect(forged_row.locator(".subject")).to_have_text("Not shown: the envelope is refused")
        page.screenshot(path=str(shots / "messages-inbox.png"), full_page=True)

        page.goto(f"{base}/web/messages/{sound}")
        letter = page.locator(f"#m-{sound}")
        fingerprint = ncbs["FRA"].public().signing_fingerprint
        expect(letter.locator(".seal")).to_have_text(
            f"Signature verified: sent by FRA NCB (key fingerprint {fingerprint})"
        )
        expect(letter.locator(".body")).to_have_text(
            "Subject detained at CDG.\nPlease confirm the warrant — ü, 日本."
        )
        expect(letter.locator(".receipts")).to_contain_text("Read by DEU at")  # receipt sent
        with page.expect_download() as download:
            letter.get_by_role("button", name="Save evidence.bin").click()
        assert Path(download.value.path()).read_bytes() == EVIDENCE
        expect(letter.locator(".attachments .note")).to_contain_text("the one signed")
        page.screenshot(path=str(shots / "message-read.png"), full_page=True)

        page.goto(f"{base}/web/messages/{forged}")
        expect(page.locator(f"#m-{forged} .seal")).to_contain_text("REFUSED")
        expect(page.locator(f"#m-{forged} .body")).to_be_empty()  # nothing shown as sound

        page.get_by_role("button", name="Forget keys").click()
        expect(page.locator("#key-files")).to_be_visible()
        page.reload()
        expect(page.locator(f"#m-{forged} .seal")).to_contain_text("REFUSED")
        expect(page.locator("#keys-open")).to_be_hidden()
        context.close()
    (receipt,) = messages.get(store, world.ncb_a.principal, sound)["receipts"]
    assert receipt["read_at"] is not None


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_message_sent_from_the_browser_opens_in_python_and_for_the_recipient(
    store: Store, world: World, chromium: Browser, tmp_path: Path
) -> None:
    ncbs = _register(world, tmp_path)
    sender_secret = staff_login(store, world.ncb_a.principal)
    recipient_secret = staff_login(store, world.ncb_b.principal)
    evidence = tmp_path / "photo.jpg"
    evidence.write_bytes(EVIDENCE[::-1] + b"end")
    shots = shots_dir(tmp_path)
    with served(store, tmp_path) as base:
        sender = chromium.new_context(viewport=TABLET).new_page()
        log_in(sender, base, "ncb.fra", sender_secret)
        sender.goto(f"{base}/web/messages/new")
        _unlock(sender, tmp_path, "FRA")
        sender.check("#to-DEU")
        sender.fill("#subject", "Fingerprints of the suspect")
        sender.fill("#body", "Attached: the photo taken at CDG.\nRegards — FRA NCB")
        sender.set_input_files("#files", evidence)
        sender.select_option("#priority", "high")
        sender.check('input[name="handling"][value="police_use_only"]')
        sender.screenshot(path=str(shots / "message-compose.png"), full_page=True)
        sender.get_by_role("button", name="Seal, sign and send").click()
        sender.wait_for_url(f"{base}/web/messages/fra-*")
        message_id = sender.url.rsplit("/", 1)[1]
        expect(sender.locator(f"#m-{message_id} .seal")).to_contain_text(
            "Signature verified: sent by FRA NCB"
        )
        # The sender rereads its own letter, opened with its copy: in the thread...
        expect(sender.locator(f"#m-{message_id} .subject")).to_have_text(
            "Fingerprints of the suspect"
        )
        expect(sender.locator(f"#m-{message_id} .body")).to_contain_text("Regards — FRA NCB")
        expect(sender.locator(f"#m-{message_id}")).not_to_contain_text("Sealed for")
        # ... and in the sent box.
        sender.goto(f"{base}/web/messages?box=out")
        sent_row = sender.locator(f'tr[data-message-id="{message_id}"]')
        expect(sent_row.locator(".seal")).to_contain_text("Signature verified: sent by FRA NCB")
        expect(sent_row.locator(".subject")).to_have_text("Fingerprints of the suspect")

        stored = messages.get(store, world.ncb_b.principal, message_id)
        assert stored["priority"] == "high" and stored["handling"] == ["police_use_only"]
        envelope = Envelope.from_json(stored["envelope"])
        assert envelope.recipients == ["DEU"] and envelope.sender_copy is not None
        own = open_envelope(envelope, ncbs["FRA"], ncbs["FRA"].public())  # the JS sender copy
        letter = Letter.from_bytes(open_envelope(envelope, ncbs["DEU"], ncbs["FRA"].public()))
        assert Letter.from_bytes(own) == letter
        assert letter.subject == "Fingerprints of the suspect"
        assert letter.body == "Attached: the photo taken at CDG.\nRegards — FRA NCB"
        (attached,) = letter.attachments
        assert (attached.name, attached.size) == ("photo.jpg", evidence.stat().st_size)
        assert envelope.attachments == [(attached.sha256, stored["attachments"][0]["size"])]
        found = attachments.fetch(store, world.ncb_b.principal, message_id, attached.sha256)
        plain = io.BytesIO()
        with found.path.open("rb") as sealed_file:
            open_stream(sealed_file, plain, attached.key, attached.sha256)
        assert plain.getvalue() == evidence.read_bytes()

        recipient_context = chromium.new_context(viewport=TABLET, accept_downloads=True)
        recipient = recipient_context.new_page()
        log_in(recipient, base, "ncb.deu", recipient_secret)
        recipient.goto(f"{base}/web/messages")
        _unlock(recipient, tmp_path, "DEU")
        row = recipient.locator(f'tr[data-message-id="{message_id}"]')
        expect(row.locator(".subject")).to_have_text("Fingerprints of the suspect")
        row.locator(".subject").click()
        letter_view = recipient.locator(f"#m-{message_id}")
        expect(letter_view.locator(".seal")).to_contain_text(
            f"Signature verified: sent by FRA NCB (key fingerprint "
            f"{ncbs['FRA'].public().signing_fingerprint})"
        )
        expect(letter_view.locator(".body")).to_contain_text("Regards — FRA NCB")
        with recipient.expect_download() as download:
            letter_view.get_by_role("button", name="Save photo.jpg").click()
        assert download.value.suggested_filename == "photo.jpg"
        assert Path(download.value.path()).read_bytes() == evidence.read_bytes()

        recipient.get_by_role("link", name="Reply").click()
        expect(recipient.locator("#subject")).to_have_value("Re: Fingerprints of the suspect")
        expect(recipient.locator("#to-FRA")).to_be_checked()
        recipient.fill("#body", "Received, thank you.")
        recipient.get_by_role("button", name="Seal, sign and send").click()
        recipient.wait_for_url(f"{base}/web/messages/deu-*")
        expect(recipient.locator("article.letter")).to_have_count(2)  # one thread
        recipient_context.close()
    (receipt,) = messages.get(store, world.ncb_a.principal, message_id)["receipts"]
    assert receipt["read_at"] is not None
    (reply,) = [m for m in messages.box(store, world.ncb_a.principal)[0] if m["sender"] == "DEU"]
    assert reply["thread_id"] == message_id
