"""The frontline check screen: how long an officer waits for the banner.

On the demo's data (``concord demo``: its people, notices and N travel documents) in
a fresh SQLite file, against a real ``concord serve``:

(a) ``POST /web/check`` with a passport zone that hits a red notice (checked as a
    document and as its holder) and with a name and date of birth that hit nobody,
    each a whole page: session, CSRF, both checkers, the hit recorded, HTML;
    BASELINE: the same queries through the API (``POST /checks`` and
    ``POST /checks/persons`` with a token), as a national system would send them;
(b) in Debian's Chromium: the zone typed into the form, Enter, until the banner is
    on the screen (what the officer sees, rendering included).

    .venv/bin/python bench/web_check.py --documents 200000 --rounds 200
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from common import Report, console, machine_line, percentiles, revision, show

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.live_server import free_port, wait_ready

OFFICER = "border.cdg"
MISS = {"name": "Zebulon Quarrington", "dob": "1950-02-03"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=200, help="page checks per case")
    parser.add_argument("--browser-rounds", type=int, default=30)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    out = console()
    out.print(machine_line())
    out.print(f"revision {revision()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "CONCORD_DATABASE_URL": f"sqlite:///{tmp / 'demo.db'}",
            "CONCORD_SECRET_KEY": "bench-secret-key-that-is-long-enough-0000",
            "CONCORD_ATTACHMENTS_DIR": str(tmp / "attachments"),
        }
        concord = [sys.executable, "-m", "concord"]
        subprocess.run([*concord, "db", "upgrade"], env=env, cwd=tmp, check=True)
        demo = subprocess.run(
            [*concord, "demo", "--documents", str(args.documents)],
            env=env, cwd=tmp, check=True, capture_output=True, text=True,
        )  # fmt: skip
        zone, token = _zone_and_token(demo.stdout)
        password = json.loads((tmp / "var" / "demo-credentials.json").read_text())[OFFICER]
        port = free_port()
        server = subprocess.Popen(
            [*concord, "serve", "--port", str(port)],
            env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://localhost:{port}"
        try:
            wait_ready(base.replace("localhost", "127.0.0.1"), server, timeout=300)
            rows = _pages(base, password, zone, token, args.rounds)
            rows += _browser(base, password, zone, args.browser_rounds)
        finally:
            server.terminate()
            server.wait(timeout=60)
    show(
        out,
        [Report(f"Check screen on the demo data ({args.documents:,} documents, SQLite)",
                ["case", "per second", "p50", "p99"], rows)],
        args.markdown,
    )  # fmt: skip


def _zone_and_token(demo_output: str) -> tuple[list[str], str]:
    """The passport zone the demo prints (a wanted person's) and the officer's token."""
    lines = demo_output.splitlines()
    at = next(i for i, line in enumerate(lines) if "the passport zone of the first:" in line)
    first = lines[at].split("the passport zone of the first:", 1)[1].strip()
    zone = first.split() if " " in first else [first, lines[at + 1].strip()]
    token = next(line.split()[1] for line in lines if line.strip().startswith(OFFICER + " "))
    return zone, token


def _log_in(client: httpx.Client, base: str, password: str) -> str:
    """Through the form. The cookies are Secure, which httpx keeps to HTTPS even on
    localhost (browsers do not): they are carried by hand."""
    page = client.get(f"{base}/web/login")
    csrf = _csrf(page.text)
    client.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
    answer = client.post(
        f"{base}/web/login", data={"username": OFFICER, "password": password, "csrf": csrf}
    )
    assert answer.status_code == 303, answer.text[:300]
    client.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in answer.cookies.items())
    return _csrf(client.get(f"{base}/web/check").text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field"
    return found.group(1)


def _timed(rounds: int, call: Callable[[], None]) -> list[str]:
    call()  # warm
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    p50, p99 = percentiles(times, (50, 99))
    return [f"{rounds / sum(times):,.1f}", f"{p50 * 1000:.1f} ms", f"{p99 * 1000:.1f} ms"]


def _pages(base: str, password: str, zone: list[str], token: str, rounds: int) -> list[list[str]]:
    rows = []
    with httpx.Client(timeout=30) as client:
        csrf = _log_in(client, base, password)

        def page(fields: dict[str, str], verdict: str) -> Callable[[], None]:
            def call() -> None:
                answer = client.post(f"{base}/web/check", data={"csrf": csrf, **fields})
                problems = re.findall(r'class="(?:error|banner)[^>]*>([^<]*)', answer.text)
                assert f'class="banner {verdict}"' in answer.text, (zone, problems)

            return call

        rows.append(["(a) page: zone that hits (document + holder)",
                     *_timed(rounds, page({"mrz": "\n".join(zone)}, "hit"))])  # fmt: skip
        rows.append(["(a) page: name + date of birth, no hit",
                     *_timed(rounds, page(MISS, "nohit"))])  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=30, headers=headers) as api:
        mrz = "\n".join(zone)

        def api_zone() -> None:
            assert api.post(f"{base}/checks", json={"mrz": mrz}).status_code == 200
            assert api.post(f"{base}/checks/persons", json={"mrz": mrz}).status_code == 200

        def api_miss() -> None:
            assert api.post(f"{base}/checks/persons", json=MISS).status_code == 200

        rows.append(["BASELINE: the same zone through the API (2 requests)",
                     *_timed(rounds, api_zone)])  # fmt: skip
        rows.append(["BASELINE: the same name through the API", *_timed(rounds, api_miss)])
    return rows


def _browser(base: str, password: str, zone: list[str], rounds: int) -> list[list[str]]:
    from playwright.sync_api import expect, sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        page.goto(f"{base}/web/login")
        page.fill("#username", OFFICER)
        page.fill("#password", password)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/web/home")

        def once() -> None:
            page.goto(f"{base}/web/check")
            page.fill("#mrz", "\n".join(zone))
            page.focus("#mrz")
            start = time.perf_counter()
            page.locator("button.primary").press("Enter")
            expect(page.locator(".banner.hit")).to_be_visible(timeout=10_000)
            times.append(time.perf_counter() - start)

        times: list[float] = []
        once()
        times.clear()
        for _ in range(rounds):
            once()
        browser.close()
    p50, p99 = percentiles(times, (50, 99))
    return [["(b) Chromium: Enter → HIT banner on screen", f"{rounds / sum(times):,.1f}",
             f"{p50 * 1000:.1f} ms", f"{p99 * 1000:.1f} ms"]]  # fmt: skip


if __name__ == "__main__":
    main()
