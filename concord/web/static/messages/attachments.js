// Attachments sealed in 64 KiB segments, as concord/messaging/attachments.py does:
// "CCA1" and a random 7-byte prefix, then each segment under ChaCha20-Poly1305 with
// the nonce prefix + segment number (4 bytes, big-endian) + last-segment flag, so a
// segment moved, dropped, repeated or cut short fails to open. The platform names
// the ciphertext by its SHA-256, which the sender signs in the envelope's header.

import { chacha20poly1305 } from "../vendor/noble-ciphers/chacha.js";
import { concat, randomBytes, sha256Hex, utf8 } from "./bytes.js";
import { Refused } from "./envelope.js";

const MAGIC = utf8.encode("CCA1");
const SEGMENT = 64 * 1024;
const TAG = 16;
const PREFIX = 7;
const HEADER = MAGIC.length + PREFIX;

function nonce(prefix, counter, last) {
  const out = new Uint8Array(12);
  out.set(prefix);
  new DataView(out.buffer).setUint32(PREFIX, counter);
  out[11] = last ? 1 : 0;
  return out;
}

/** Seal a file's bytes → { key, sealed, sha256, size, plainSize }. */
export async function sealBytes(plain) {
  const key = randomBytes(32);
  const prefix = randomBytes(PREFIX);
  const segments = Math.max(1, Math.ceil(plain.length / SEGMENT));
  const sealed = new Uint8Array(HEADER + plain.length + segments * TAG);
  sealed.set(MAGIC);
  sealed.set(prefix, MAGIC.length);
  let at = HEADER;
  for (let i = 0; i < segments; i++) {
    const chunk = plain.subarray(i * SEGMENT, (i + 1) * SEGMENT);
    const box = chacha20poly1305(key, nonce(prefix, i, i === segments - 1)).encrypt(chunk);
    sealed.set(box, at);
    at += box.length;
  }
  return { key, sealed, sha256: await sha256Hex(sealed), size: sealed.length, plainSize: plain.length };
}

/** Check the sealed bytes against the signed digest, then open every segment. */
export async function openBytes(sealed, key, expectedSha256) {
  if ((await sha256Hex(sealed)) !== expectedSha256) {
    throw new Refused("the attachment is not the one signed");
  }
  if (sealed.length < HEADER || !MAGIC.every((b, i) => sealed[i] === b)) {
    throw new Refused("not a sealed attachment");
  }
  const prefix = sealed.subarray(MAGIC.length, HEADER);
  const parts = [];
  let at = HEADER;
  let counter = 0;
  for (;;) {
    const chunk = sealed.subarray(at, at + SEGMENT + TAG);
    at += chunk.length;
    const last = at >= sealed.length;
    try {
      parts.push(chacha20poly1305(key, nonce(prefix, counter, last)).decrypt(chunk));
    } catch {
      throw new Refused(`segment ${counter} cannot be opened: tampered or cut short`);
    }
    if (last) return concat(...parts);
    counter += 1;
  }
}
