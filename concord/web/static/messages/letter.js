// What a sealed message says (concord/messaging/letter.py): subject, body and, for
// each attachment, its name, type, size, digest and key. Content that is not a
// letter (plain text from an older client) reads as a body without subject.

import { b64, canonical, decodeUtf8, unb64, utf8 } from "./bytes.js";

const KIND = "concord.letter.v1";

/** The letter's bytes as Letter.to_bytes writes them (sorted keys, ", " and ": "). */
export function letterBytes(subject, body, files) {
  return utf8.encode(canonical({
    kind: KIND,
    subject,
    body,
    attachments: files.map((f) => ({
      name: f.name, media_type: f.mediaType, size: f.plainSize, sha256: f.sha256, key: b64(f.key),
    })),
  }, ", ", ": "));
}

/** Opened content → { subject, body, attachments: [{ name, mediaType, size, sha256, key }] }. */
export function readLetter(content) {
  let text;
  try {
    text = decodeUtf8(content);
  } catch {
    text = new TextDecoder().decode(content);
    return { subject: "", body: text, attachments: [] };
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { subject: "", body: text, attachments: [] };
  }
  if (!data || typeof data !== "object" || data.kind !== KIND) {
    return { subject: "", body: text, attachments: [] };
  }
  const listed = Array.isArray(data.attachments) ? data.attachments : [];
  const attachments = listed.map((a) => {
    if (!a || typeof a !== "object" || !("name" in a) || !("key" in a) || !("sha256" in a)) {
      throw new Error("an attachment entry is incomplete");
    }
    return {
      name: String(a.name), mediaType: String(a.media_type), size: Number(a.size),
      sha256: String(a.sha256), key: unb64(a.key),
    };
  });
  return { subject: String(data.subject ?? ""), body: String(data.body ?? ""), attachments };
}
