// A thread: each message verified, opened and shown here, in the browser; its
// attachments fetched sealed, checked against the signed digest, opened and offered
// as downloads (the sender's own letters too, with their sender's copy); a received
// message shown to its reader gets its read receipt.

import { call } from "./api.js";
import { openBytes } from "./attachments.js";
import { openMessage } from "./opening.js";
import { paintSeal } from "./seal-status.js";
import { data, el, show, size, t } from "./ui.js";
import { onKeys } from "./unlock.js";

const envelopes = data("messages-envelopes") || {};

function when(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "";
}

function paintReceipts(article, receipts) {
  const list = article.querySelector(".receipts");
  show(list, ...receipts.map((r) => {
    let text = t("not_delivered", { country: r.recipient });
    if (r.read_at) text = t("read", { country: r.recipient, time: when(r.read_at) });
    else if (r.delivered_at) text = t("delivered", { country: r.recipient, time: when(r.delivered_at) });
    return el("li", { "data-recipient": r.recipient }, text);
  }));
}

async function save(id, attached, button, note) {
  button.disabled = true;
  note.className = "note";
  note.textContent = t("opening_attachment", { name: attached.name });
  try {
    const sealed = await call("GET", `/web/messages/${encodeURIComponent(id)}/attachments/${attached.sha256}`);
    const plain = await openBytes(sealed, attached.key, attached.sha256);
    // Always a download, never a document of this origin: the type the sender named is not trusted.
    const url = URL.createObjectURL(new Blob([plain], { type: "application/octet-stream" }));
    const link = el("a", { href: url, download: attached.name.replace(/[\\/]/g, "_") || "attachment" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    note.textContent = t("attachment_saved", { name: attached.name });
  } catch (problem) {
    note.className = "note refused";
    note.textContent = t("attachment_refused", { name: attached.name, reason: problem.message });
  } finally {
    button.disabled = false;
  }
}

async function paint(article, me) {
  const id = article.dataset.messageId;
  const result = await openMessage(envelopes[id], me);
  paintSeal(article.querySelector(".seal"), result);
  article.classList.toggle("refused", result.status === "refused");
  const subject = article.querySelector(".subject");
  const body = article.querySelector(".body");
  const files = article.querySelector(".attachments");
  show(body);
  show(files);
  if (result.status === "refused") {
    subject.textContent = t("refused", { reason: result.reason });
    return;
  }
  if (result.status !== "opened") {
    const countries = Object.keys(envelopes[id].wrapped).sort().join(", ");
    subject.textContent = me ? t("sealed_for_recipients", { countries }) : t("locked");
    return;
  }
  const letter = result.letter;
  subject.textContent = letter.subject || t("no_subject");
  body.textContent = letter.body;
  for (const attached of letter.attachments) {
    const button = el("button", { type: "button", class: "download" },
      t("download", { name: attached.name, size: size(attached.size) }));
    const note = el("span", { class: "note", role: "status" });
    button.addEventListener("click", () => save(id, attached, button, note));
    files.append(el("li", {}, button, " ", note));
  }
  if (article.dataset.unread === "1") {
    try {
      const answer = await call("POST", `/web/messages/${encodeURIComponent(id)}/read`);
      article.dataset.unread = "0";
      article.classList.remove("unread");
      paintReceipts(article, answer.receipts);
    } catch {
      /* the receipt is retried on the next visit */
    }
  }
}

onKeys(async (me) => {
  const articles = [...document.querySelectorAll("article.letter")];
  await Promise.all(articles.map((a) => paint(a, me)));
  const chosen = articles.find((a) => a.dataset.chosen === "1");
  if (chosen && me && !location.hash) chosen.scrollIntoView({ block: "start" });
});
