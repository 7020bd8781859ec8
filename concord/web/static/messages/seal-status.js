// The words and colours of a message's seal: verified (with the sender's country and
// key fingerprint) or REFUSED with the reason.

import { t } from "./ui.js";

export function sealText(result) {
  if (result.status === "refused") return t("refused", { reason: result.reason });
  const signer = result.signer;
  let text = t("verified", { country: signer.country, fingerprint: signer.signing_fingerprint });
  if (signer.replaced_at) text += t("verified_replaced");
  return text;
}

export function paintSeal(node, result) {
  node.textContent = sealText(result);
  node.classList.toggle("verified", result.status !== "refused");
  node.classList.toggle("refused", result.status === "refused");
}
