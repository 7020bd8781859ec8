// The NCB's two private keys, unlocked in the browser from the files `concord keys
// generate` wrote (the passphrase never leaves the page) and imported as
// NON-extractable WebCrypto keys: Ed25519 to sign, X25519 to open.
//
// Where they are kept, and why: the messages pages are several (inbox, a thread,
// compose), so keys held in one page's memory would be asked for at every click.
// They are kept in this browser's IndexedDB as CryptoKey objects, which stay
// non-extractable there (no script, ours or an injected one, can read the private
// bytes out), and only for this session: bound to a digest of the session's
// token, forgotten after the session's idle time without use, on "Forget keys",
// on logging out from a messages page, and whenever another session opens a
// messages page in this browser.

import { b64url, fingerprint, sha256Hex, utf8 } from "./bytes.js";
import { KeyFileError, readKeyFile } from "./pkcs8.js";

const DB = "concord-messages";
const STORE = "keys";
const RECORD = "mine";

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function database() {
  const opening = indexedDB.open(DB, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  return request(opening);
}

async function withStore(mode, work) {
  const db = await database();
  try {
    const tx = db.transaction(STORE, mode);
    const result = await request(work(tx.objectStore(STORE)));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result;
  } finally {
    db.close();
  }
}

async function sessionTag() {
  return sha256Hex(utf8.encode(`concord message keys|${document.body.dataset.csrf || ""}`));
}

/** Import a PKCS#8 private key without extractability; its raw public bytes too. */
async function importPair(algorithm, pkcs8) {
  const usages = algorithm === "Ed25519" ? ["sign"] : ["deriveBits"];
  const once = await crypto.subtle.importKey("pkcs8", pkcs8, { name: algorithm }, true, usages);
  const jwk = await crypto.subtle.exportKey("jwk", once);
  const publicRaw = b64url(jwk.x);
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: algorithm }, false, usages);
  pkcs8.fill(0);
  return { key, publicRaw };
}

async function complete(record) {
  return {
    country: record.country,
    signing: record.signing,
    encryption: record.encryption,
    signingPublic: record.signingPublic,
    encryptionPublic: record.encryptionPublic,
    signingFingerprint: await fingerprint(record.signingPublic),
    encryptionFingerprint: await fingerprint(record.encryptionPublic),
  };
}

/** The two key files (any order) and the passphrase → the unlocked keys, kept. */
export async function unlock(files, passphrase, country, idleMinutes) {
  if (files.length !== 2) throw new KeyFileError("choose both key files: signing and encryption");
  const found = {};
  for (const file of files) {
    const { algorithm, pkcs8 } = await readKeyFile(await file.text(), passphrase);
    if (found[algorithm]) throw new KeyFileError(`two ${algorithm} key files: choose one of each`);
    found[algorithm] = await importPair(algorithm, pkcs8);
  }
  if (!found.Ed25519 || !found.X25519) {
    throw new KeyFileError("choose the signing (Ed25519) and the encryption (X25519) key files");
  }
  const record = {
    tag: await sessionTag(),
    country,
    signing: found.Ed25519.key,
    encryption: found.X25519.key,
    signingPublic: found.Ed25519.publicRaw,
    encryptionPublic: found.X25519.publicRaw,
    until: Date.now() + idleMinutes * 60_000,
  };
  await withStore("readwrite", (s) => s.put(record, RECORD));
  return complete(record);
}

/** The keys kept for this session (their idle time renewed), or null. */
export async function kept(country, idleMinutes) {
  let record;
  try {
    record = await withStore("readonly", (s) => s.get(RECORD));
  } catch {
    return null;
  }
  if (!record) return null;
  if (record.tag !== (await sessionTag()) || record.country !== country || record.until < Date.now()) {
    await forget();
    return null;
  }
  record.until = Date.now() + idleMinutes * 60_000;
  await withStore("readwrite", (s) => s.put(record, RECORD));
  return complete(record);
}

/** Remove the kept keys from this browser. */
export async function forget() {
  try {
    await withStore("readwrite", (s) => s.delete(RECORD));
  } catch {
    indexedDB.deleteDatabase(DB);
  }
}
