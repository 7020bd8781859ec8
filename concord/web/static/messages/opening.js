// One message as the pages show it: verified against the sender's key in the
// platform's directory (current or replaced, as messaging/client.py does), then,
// when it is addressed to us (or sent by us with a sender's copy) and the keys are
// unlocked, opened and read. A failure
// anywhere is an answer ("refused" with its reason), never a letter shown as sound.

import { keyHistory } from "./api.js";
import { Refused, entryFor, open, parse, signedAttachments, signerOf, verify } from "./envelope.js";
import { readLetter } from "./letter.js";

/**
 * → { status: "opened" | "verified" | "refused", reason, signer, letter }
 * "verified": the signature holds but the letter is not ours to open (sent by us
 * before envelopes carried a sender's copy: sealed for the recipients only) or the
 * keys are still locked.
 */
export async function openMessage(posted, me) {
  let signer = null;
  try {
    const envelope = parse(posted);
    signer = signerOf(envelope, await keyHistory(String(envelope.header.sender)));
    await verify(envelope, signer);
    if (!me || !entryFor(envelope, me)) {
      return { status: "verified", reason: null, signer, letter: null };
    }
    const letter = readLetter(await open(envelope, me, signer));
    const signed = signedAttachments(envelope);
    for (const attached of letter.attachments) {
      if (signed.get(attached.sha256) === undefined) {
        throw new Refused(`attachment ${attached.name} is not in the signed header`);
      }
    }
    return { status: "opened", reason: null, signer, letter };
  } catch (problem) {
    return { status: "refused", reason: problem.message || String(problem), signer, letter: null };
  }
}
