// The inbox and sent box: each row's envelope is verified here, in the browser,
// against the sender's key in the directory, and its subject read once the keys
// are unlocked (a sent letter with its sender's copy; one sealed before senders kept
// a copy is for its recipients only, and says so).

import { openMessage } from "./opening.js";
import { paintSeal } from "./seal-status.js";
import { data, t } from "./ui.js";
import { onKeys } from "./unlock.js";

const envelopes = data("messages-envelopes") || {};

async function paint(row, me) {
  const id = row.dataset.messageId;
  const result = await openMessage(envelopes[id], me);
  paintSeal(row.querySelector(".seal"), result);
  const subject = row.querySelector(".subject");
  if (result.status === "opened") subject.textContent = result.letter.subject || t("no_subject");
  else if (result.status === "refused") subject.textContent = t("not_shown");
  else if (me) subject.textContent = t("sealed_for_recipients", { countries: Object.keys(envelopes[id].wrapped).sort().join(", ") });
  else subject.textContent = t("locked");
  row.classList.toggle("refused", result.status === "refused");
}

onKeys((me) => {
  for (const row of document.querySelectorAll("tr.message")) paint(row, me);
});
