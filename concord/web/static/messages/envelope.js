// Sealed envelopes, byte for byte as concord/messaging/envelope.py makes them: the
// content under ChaCha20-Poly1305 with a random key (nonce first, the canonical
// header as associated data); the key wrapped per recipient by X25519 with a fresh
// ephemeral key, HKDF-SHA256 (info: "concord message key v1|" + message id + "|"
// + ephemeral + recipient public key) and ChaCha20-Poly1305 under a zero nonce, and
// wrapped the same way for the sender's own encryption key (``sender_copy``: the
// sender rereads what it sent, and is no recipient); an Ed25519 signature over the
// canonical {header, SHA-256 of the ciphertext, wrapped, sender_copy}, sender_copy
// only when there is one (an envelope sealed before it existed verifies unchanged).

import { chacha20poly1305 } from "../vendor/noble-ciphers/chacha.js";
import {
  b64, canonicalBytes, concat, fingerprint, randomBytes, sha256Hex, unb64, utf8,
} from "./bytes.js";

const WRAP_NONCE = new Uint8Array(12);
const VERSION = 1;

/** Why an envelope must not be trusted (shown as "REFUSED: <reason>"). */
export class Refused extends Error {}

function sortedEqual(a, b) {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** What the sender signs: the header, the ciphertext's digest, every wrapped key and
 * the sender's copy when there is one. */
function signedBytes(header, ciphertextDigest, wrapped, senderCopy) {
  const signed = { header, ciphertext: ciphertextDigest, wrapped };
  if (senderCopy) signed.sender_copy = senderCopy;
  return canonicalBytes(signed);
}

async function kdf(shared, messageId, ephemeral, recipient) {
  const info = concat(utf8.encode(`concord message key v1|${messageId}|`), ephemeral, recipient);
  const base = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info }, base, 256,
  );
  return new Uint8Array(bits);
}

async function exchange(privateKey, publicRaw) {
  const peer = await crypto.subtle.importKey("raw", publicRaw, { name: "X25519" }, false, []);
  const bits = await crypto.subtle.deriveBits({ name: "X25519", public: peer }, privateKey, 256);
  return new Uint8Array(bits);
}

/** Parse posted JSON into the envelope's parts; a damaged one is refused. */
export function parse(json) {
  if (!json || typeof json !== "object" || json.version !== VERSION) {
    throw new Refused("not a version 1 envelope");
  }
  const { header, wrapped } = json;
  if (!header || typeof header !== "object" || !wrapped || typeof wrapped !== "object") {
    throw new Refused("header and wrapped keys are objects");
  }
  const senderCopy = "sender_copy" in json ? json.sender_copy : null;
  if ("sender_copy" in json && (!senderCopy || typeof senderCopy !== "object" || Array.isArray(senderCopy))) {
    throw new Refused("the sender's copy is not an object");
  }
  try {
    return {
      header, wrapped, senderCopy, ciphertext: unb64(json.ciphertext), signature: unb64(json.signature),
    };
  } catch {
    throw new Refused("a field is not base64: damaged");
  }
}

/** The sender's key entry (current or replaced) that signed ``envelope``, or null. */
export function signerOf(envelope, history) {
  return history.find((k) => k.signing_fingerprint === envelope.header.sender_key) || null;
}

/** Check the sender's signature over everything (envelope.verify). */
export async function verify(envelope, senderKeys) {
  const sender = String(envelope.header.sender);
  if (!senderKeys || senderKeys.country !== sender) {
    throw new Refused(`no key known for sender ${sender}`);
  }
  if (envelope.header.sender_key !== senderKeys.signing_fingerprint) {
    throw new Refused("signed with a key the directory does not hold");
  }
  const listed = Array.isArray(envelope.header.recipients) ? envelope.header.recipients : [];
  if (!sortedEqual(listed, Object.keys(envelope.wrapped))) {
    throw new Refused("the recipients do not match the signed header");
  }
  const signingRaw = unb64(senderKeys.signing_key);
  if ((await fingerprint(signingRaw)) !== senderKeys.signing_fingerprint) {
    throw new Refused("the directory's key does not match its fingerprint");
  }
  const key = await crypto.subtle.importKey("raw", signingRaw, { name: "Ed25519" }, false, ["verify"]);
  let sound = false;
  try {
    const digest = await sha256Hex(envelope.ciphertext);
    const bytes = signedBytes(envelope.header, digest, envelope.wrapped, envelope.senderCopy);
    sound = await crypto.subtle.verify({ name: "Ed25519" }, key, envelope.signature, bytes);
  } catch {
    sound = false;
  }
  if (!sound) throw new Refused("the signature does not match: tampered");
}

/** The wrapped key ``me`` opens: the sender's copy for the sender, else its own entry. */
export function entryFor(envelope, me) {
  if (me.country === String(envelope.header.sender) && envelope.senderCopy) return envelope.senderCopy;
  return Object.hasOwn(envelope.wrapped, me.country) ? envelope.wrapped[me.country] : null;
}

/** Verify, then decrypt for ``me`` (unlocked keys; the sender: with its copy); any
 * failure refuses it whole. */
export async function open(envelope, me, senderKeys) {
  await verify(envelope, senderKeys);
  const entry = entryFor(envelope, me);
  if (!entry) throw new Refused("this envelope is not addressed to you");
  if (entry.key !== me.encryptionFingerprint) throw new Refused("sealed for another of your keys");
  try {
    const ephemeral = unb64(entry.ephemeral);
    const shared = await exchange(me.encryption, ephemeral);
    const wrapKey = await kdf(shared, String(envelope.header.message_id), ephemeral, me.encryptionPublic);
    const contentKey = chacha20poly1305(wrapKey, WRAP_NONCE).decrypt(unb64(entry.wrapped));
    const nonce = envelope.ciphertext.subarray(0, 12);
    const body = envelope.ciphertext.subarray(12);
    return chacha20poly1305(contentKey, nonce, canonicalBytes(envelope.header)).decrypt(body);
  } catch {
    throw new Refused("the content cannot be opened: tampered");
  }
}

async function wrap(contentKey, recipient, messageId) {
  const pair = await crypto.subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
  const ephemeral = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const recipientRaw = unb64(recipient.encryption_key);
  if ((await fingerprint(recipientRaw)) !== recipient.encryption_fingerprint) {
    throw new Error(`the directory's key for ${recipient.country} does not match its fingerprint`);
  }
  const shared = await exchange(pair.privateKey, recipientRaw);
  const key = await kdf(shared, messageId, ephemeral, recipientRaw);
  return {
    key: recipient.encryption_fingerprint,
    ephemeral: b64(ephemeral),
    wrapped: b64(chacha20poly1305(key, WRAP_NONCE).encrypt(contentKey)),
  };
}

/** Seal ``content`` (bytes) from ``me`` for each recipient's directory entry, and for
 * ``me``'s own encryption key (the sender's copy). */
export async function seal(me, recipients, content, { messageId, created, attachments = [] }) {
  if (!recipients.length) throw new Error("at least one recipient");
  const header = {
    message_id: messageId,
    sender: me.country,
    sender_key: me.signingFingerprint,
    recipients: recipients.map((r) => r.country).sort(),
    created,
  };
  if (attachments.length) {
    header.attachments = attachments.map((a) => ({ sha256: a.sha256, size: a.size }));
  }
  const contentKey = randomBytes(32);
  const nonce = randomBytes(12);
  const ciphertext = concat(
    nonce, chacha20poly1305(contentKey, nonce, canonicalBytes(header)).encrypt(content),
  );
  const wrapped = {};
  for (const r of recipients) wrapped[r.country] = await wrap(contentKey, r, messageId);
  const own = {
    country: me.country,
    encryption_key: b64(me.encryptionPublic),
    encryption_fingerprint: me.encryptionFingerprint,
  };
  const senderCopy = await wrap(contentKey, own, messageId);
  contentKey.fill(0);
  const digest = await sha256Hex(ciphertext);
  const signature = new Uint8Array(await crypto.subtle.sign(
    { name: "Ed25519" }, me.signing, signedBytes(header, digest, wrapped, senderCopy),
  ));
  return {
    version: VERSION, header, ciphertext: b64(ciphertext), wrapped, sender_copy: senderCopy,
    signature: b64(signature),
  };
}

/** (SHA-256, size) of each attachment as the signed header lists them. */
export function signedAttachments(envelope) {
  const listed = envelope.header.attachments ?? [];
  if (!Array.isArray(listed)) throw new Refused("the header's attachments are not a list");
  return new Map(listed.map((a) => {
    if (!a || typeof a.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(a.sha256)) {
      throw new Refused("an attachment in the header has no SHA-256");
    }
    if (!Number.isSafeInteger(a.size) || a.size < 0) {
      throw new Refused("an attachment in the header has no size");
    }
    return [a.sha256, a.size];
  }));
}

/** A message id unique and the sender's own: country, UTC time, randomness. */
export function newMessageId(country) {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  const tail = Array.from(randomBytes(4), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${country.toLowerCase()}-${stamp}-${tail}`;
}

/** The time as Python's isoformat(timespec="seconds") writes it in UTC. */
export function nowIso() {
  return new Date().toISOString().slice(0, 19) + "+00:00";
}
