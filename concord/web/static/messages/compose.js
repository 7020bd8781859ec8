// Compose and send: every attachment sealed here in segments and uploaded as the
// API's POST /attachments takes it, then the letter sealed for each recipient's
// current key (and the sender's own, to reread it), signed with the unlocked signing
// key and posted. The platform only ever receives ciphertext; its refusals are shown
// at the field they name.

import { ApiError, call } from "./api.js";
import { sealBytes } from "./attachments.js";
import { newMessageId, nowIso, seal } from "./envelope.js";
import { letterBytes } from "./letter.js";
import { openMessage } from "./opening.js";
import { data, size, t } from "./ui.js";
import { onKeys } from "./unlock.js";

const form = document.getElementById("compose");
const status = document.getElementById("compose-status");
const problem = document.getElementById("compose-error");
const subject = document.getElementById("subject");
const body = document.getElementById("body");
const files = document.getElementById("files");
const sendButton = document.getElementById("send");
const fieldErrors = { to: document.getElementById("to-error"), files: document.getElementById("files-error") };
const maxBytes = Number(form.dataset.maxBytes);
const original = data("messages-original");
let keys = null;

onKeys(async (me) => {
  keys = me;
  if (me && original && !subject.value) {
    const result = await openMessage(original.envelope, me);
    if (result.status === "opened" && result.letter.subject) {
      const prefix = t("reply_prefix");
      const was = result.letter.subject;
      subject.value = was.startsWith(prefix) ? was : prefix + was;
    }
  }
});

function clearErrors() {
  problem.hidden = true;
  for (const [name, node] of Object.entries(fieldErrors)) {
    node.hidden = true;
    document.getElementById(name).removeAttribute("aria-invalid");
  }
  subject.removeAttribute("aria-invalid");
}

/** Show ``message`` at the form field the platform's ``field`` names. */
function refuse(message, field) {
  status.textContent = "";
  const where = !field ? null
    : /^(recipients|to)$/.test(field) ? "to"
    : /attach|sha256|body$/.test(field) ? "files" : null;
  if (where) {
    fieldErrors[where].textContent = message;
    fieldErrors[where].hidden = false;
    document.getElementById(where).setAttribute("aria-invalid", "true");
  }
  problem.textContent = field ? t("send_failed", { reason: `${message} (${field})` }) : t("send_failed", { reason: message });
  problem.hidden = false;
}

async function upload(file) {
  status.textContent = t("sealing", { name: file.name });
  const sealed = await sealBytes(new Uint8Array(await file.arrayBuffer()));
  const stored = await call("POST", "/web/messages/attachments", {
    body: sealed.sealed,
    headers: { "Content-Type": "application/octet-stream", "X-Content-SHA256": sealed.sha256 },
  });
  if (stored.sha256 !== sealed.sha256 || stored.size !== sealed.size) {
    throw new ApiError("the platform stored other bytes than were sent", "attachment", 502);
  }
  return { name: file.name, mediaType: file.type || "application/octet-stream", ...sealed };
}

async function send() {
  const chosen = [...form.querySelectorAll('input[name="to"]:checked')].map((i) => i.value);
  if (!keys) return refuse(t("need_keys"), null);
  if (!chosen.length) return refuse(t("need_recipient"), "recipients");
  if (!subject.value.trim() && !body.value.trim()) {
    subject.setAttribute("aria-invalid", "true");
    return refuse(t("need_content"), null);
  }
  for (const file of files.files) {
    if (file.size > maxBytes) return refuse(t("too_large", { name: file.name, limit: size(maxBytes) }), "attachment");
  }
  const directory = (await call("GET", "/web/messages/keys")).items;
  const current = new Map(directory.map((k) => [k.country, k]));
  const mine = current.get(keys.country);
  if (!mine || mine.signing_fingerprint !== keys.signingFingerprint
      || mine.encryption_fingerprint !== keys.encryptionFingerprint) {
    return refuse(t("not_current"), "sender_key");
  }
  const missing = chosen.filter((c) => !current.has(c));
  if (missing.length) return refuse(t("no_keys_for", { countries: missing.join(", ") }), "recipients");
  const attached = [];
  for (const file of files.files) attached.push(await upload(file));
  status.textContent = t("sending");
  const envelope = await seal(
    keys, chosen.map((c) => current.get(c)), letterBytes(subject.value, body.value, attached),
    { messageId: newMessageId(keys.country), created: nowIso(), attachments: attached },
  );
  const routing = {
    envelope,
    priority: document.getElementById("priority").value,
    handling: [...form.querySelectorAll('input[name="handling"]:checked')].map((i) => i.value),
  };
  if (form.dataset.thread) routing.thread_id = form.dataset.thread;
  const stored = await call("POST", "/web/messages/send", { json: routing });
  location.assign(`/web/messages/${encodeURIComponent(stored.message_id)}`);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  sendButton.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await send();
  } catch (error) {
    refuse(error.message, error instanceof ApiError ? error.field : null);
  } finally {
    sendButton.disabled = false;
    form.removeAttribute("aria-busy");
  }
});

