// Private key files as `concord keys generate` writes them (Python cryptography's
// BestAvailableEncryption): PEM "ENCRYPTED PRIVATE KEY", PKCS#8 under PBES2 with
// PBKDF2-HMAC-SHA256 (2048 rounds, 16-byte salt) and AES-256-CBC. Decrypted here
// with WebCrypto; a minimal DER reader is enough for these few structures.

const OID = {
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacSha1: "1.2.840.113549.2.7",
  hmacSha256: "1.2.840.113549.2.9",
  hmacSha384: "1.2.840.113549.2.10",
  hmacSha512: "1.2.840.113549.2.11",
  aes128cbc: "2.16.840.1.101.3.4.1.2",
  aes256cbc: "2.16.840.1.101.3.4.1.42",
  ed25519: "1.3.101.112",
  x25519: "1.3.101.110",
};
const HASH_OF = {
  [OID.hmacSha1]: "SHA-1",
  [OID.hmacSha256]: "SHA-256",
  [OID.hmacSha384]: "SHA-384",
  [OID.hmacSha512]: "SHA-512",
};
const AES_BITS = { [OID.aes128cbc]: 128, [OID.aes256cbc]: 256 };

/** An error a person can act on (shown as it is). */
export class KeyFileError extends Error {}

/** One DER element: tag, and the bytes of its content. */
function element(bytes, at) {
  if (at + 2 > bytes.length) throw new KeyFileError("damaged key file (truncated)");
  const tag = bytes[at];
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 4 || start + count > bytes.length) {
      throw new KeyFileError("damaged key file (length)");
    }
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new KeyFileError("damaged key file (truncated)");
  return { tag, content: bytes.subarray(start, end), end };
}

/** The elements inside a constructed element's content. */
function children(content) {
  const out = [];
  let at = 0;
  while (at < content.length) {
    const child = element(content, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function expect(node, tag, what) {
  if (!node || node.tag !== tag) throw new KeyFileError(`damaged key file (${what})`);
  return node;
}

function oid(node) {
  const bytes = expect(node, 0x06, "object identifier").content;
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

function integer(node) {
  let value = 0;
  for (const byte of expect(node, 0x02, "integer").content) value = value * 256 + byte;
  return value;
}

/** The DER bytes of a PEM block, and its label. */
export function pemBlock(text) {
  const found = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!found) throw new KeyFileError("not a PEM key file");
  const binary = atob(found[2].replace(/\s+/g, ""));
  return { label: found[1], der: Uint8Array.from(binary, (c) => c.charCodeAt(0)) };
}

/** Decrypt an EncryptedPrivateKeyInfo (PBES2) into PKCS#8 PrivateKeyInfo bytes. */
async function decrypt(der, passphrase) {
  const [algorithm, data] = children(expect(element(der, 0), 0x30, "envelope").content);
  const [scheme, params] = children(expect(algorithm, 0x30, "algorithm").content);
  if (oid(scheme) !== OID.pbes2) throw new KeyFileError("unsupported key encryption (not PBES2)");
  const [kdf, cipher] = children(expect(params, 0x30, "parameters").content);
  const [kdfId, kdfParams] = children(expect(kdf, 0x30, "key derivation").content);
  if (oid(kdfId) !== OID.pbkdf2) throw new KeyFileError("unsupported key derivation (not PBKDF2)");
  const fields = children(expect(kdfParams, 0x30, "PBKDF2 parameters").content);
  const salt = expect(fields[0], 0x04, "salt").content;
  const rounds = integer(fields[1]);
  let hash = "SHA-1";
  for (const extra of fields.slice(2)) {
    if (extra.tag === 0x30) {
      hash = HASH_OF[oid(children(extra.content)[0])];
      if (!hash) throw new KeyFileError("unsupported PBKDF2 hash");
    }
  }
  const [cipherId, iv] = children(expect(cipher, 0x30, "cipher").content);
  const bits = AES_BITS[oid(cipherId)];
  if (!bits) throw new KeyFileError("unsupported key cipher (AES-CBC 128 or 256 only)");
  const secret = await crypto.subtle.importKey(
    "raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"],
  );
  const key = await crypto.subtle.deriveKey(
    { name: "PBKDF2", salt, iterations: rounds, hash },
    secret, { name: "AES-CBC", length: bits }, false, ["decrypt"],
  );
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-CBC", iv: expect(iv, 0x04, "iv").content }, key,
      expect(data, 0x04, "encrypted key").content,
    );
    return new Uint8Array(plain);
  } catch {
    throw new KeyFileError("wrong passphrase or damaged key file");
  }
}

/** The algorithm ("Ed25519" or "X25519") of PKCS#8 PrivateKeyInfo bytes. */
function algorithmOf(pkcs8) {
  try {
    const [, algorithm] = children(expect(element(pkcs8, 0), 0x30, "key").content);
    const id = oid(children(expect(algorithm, 0x30, "key algorithm").content)[0]);
    if (id === OID.ed25519) return "Ed25519";
    if (id === OID.x25519) return "X25519";
  } catch (error) {
    if (!(error instanceof KeyFileError)) throw error;
  }
  throw new KeyFileError("wrong passphrase or damaged key file");
}

/** A key file's text and the passphrase → { algorithm, pkcs8 } (plain PKCS#8 bytes). */
export async function readKeyFile(text, passphrase) {
  const { label, der } = pemBlock(text);
  let pkcs8;
  if (label === "ENCRYPTED PRIVATE KEY") pkcs8 = await decrypt(der, passphrase);
  else if (label === "PRIVATE KEY") pkcs8 = der;
  else throw new KeyFileError(`not a private key file (${label})`);
  return { algorithm: algorithmOf(pkcs8), pkcs8 };
}
