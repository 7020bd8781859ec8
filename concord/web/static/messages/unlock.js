// The "your keys" panel every messages page carries: choose the two key files, type
// the passphrase, unlock (nothing leaves the browser); or forget the kept keys.
// Page scripts call onKeys(callback): called with the unlocked keys, or null.

import { keyHistory } from "./api.js";
import { forget, kept, unlock } from "./keys.js";
import { show, t } from "./ui.js";

const panel = document.getElementById("messages-keys");
const country = panel.dataset.country;
const idle = Number(panel.dataset.idleMinutes) || 15;
const form = document.getElementById("unlock-form");
const files = document.getElementById("key-files");
const passphrase = document.getElementById("key-passphrase");
const open = document.getElementById("keys-open");
const state = document.getElementById("keys-state");
const warning = document.getElementById("keys-warning");
const error = document.getElementById("keys-error");
const listeners = [];
let current;

export function onKeys(callback) {
  listeners.push(callback);
  if (current !== undefined) callback(current);
}

async function announce(me) {
  current = me;
  form.hidden = Boolean(me);
  open.hidden = !me;
  warning.hidden = true;
  if (me) {
    show(state, t("keys_unlocked", { country: me.country, fingerprint: me.signingFingerprint }));
    const history = await keyHistory(me.country);
    const registered = history.find((k) => !k.replaced_at);
    if (!registered || registered.signing_fingerprint !== me.signingFingerprint
        || registered.encryption_fingerprint !== me.encryptionFingerprint) {
      warning.hidden = false;
    }
  }
  for (const callback of listeners) callback(me);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  form.setAttribute("aria-busy", "true");
  try {
    const me = await unlock([...files.files], passphrase.value, country, idle);
    passphrase.value = "";
    files.value = "";
    await announce(me);
    document.getElementById("forget-keys").focus();
  } catch (problem) {
    show(error, t("keys_refused", { reason: problem.message }));
    error.hidden = false;
    passphrase.focus();
  } finally {
    form.removeAttribute("aria-busy");
  }
});

document.getElementById("forget-keys").addEventListener("click", async () => {
  await forget();
  await announce(null);
  files.focus();
});

// Logging out from a messages page forgets the keys first.
const logout = document.querySelector('form[action="/web/logout"]');
if (logout) {
  logout.addEventListener("submit", async (event) => {
    event.preventDefault();
    await forget();
    logout.submit();
  }, { once: true });
}

kept(country, idle).then(announce, () => announce(null));
