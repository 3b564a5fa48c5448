/**
 * Callback URLs at rest. A flow's callback URL carries its signature (whoever has it can start the flow), so it
 * is stored only sealed: AES-256-GCM under a key from the configuration, bound to its subscription's id (the
 * associated data), so a sealed URL copied into another record does not open.
 *
 * Format: `v1.<iv>.<ciphertext + tag>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** The key length AES-256 needs. */
export const CALLBACK_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1";

/** A sealed URL could not be opened: another key sealed it, it belongs to another record, or it was altered. */
export class CallbackSealError extends Error {
  override readonly name = "CallbackSealError";
}

/** Seals and opens callback URLs with one key. */
export class CallbackSeal {
  private readonly key: Buffer;

  /** @throws RangeError when the key is not 32 bytes. */
  constructor(key: Uint8Array) {
    if (key.byteLength !== CALLBACK_KEY_BYTES) throw new RangeError(`The callback key must be ${CALLBACK_KEY_BYTES} bytes.`);
    this.key = Buffer.from(key);
  }

  /** The URL sealed for the record `subscriptionId`. */
  seal(url: string, subscriptionId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(subscriptionId, "utf8"));
    const sealed = Buffer.concat([cipher.update(url, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${iv.toString("base64url")}.${sealed.toString("base64url")}`;
  }

  /** The URL a {@link seal} of the record `subscriptionId` holds. @throws CallbackSealError otherwise. */
  open(sealed: string, subscriptionId: string): string {
    const [version, ivText, bodyText, ...rest] = sealed.split(".");
    if (version !== VERSION || ivText === undefined || bodyText === undefined || rest.length > 0) throw new CallbackSealError("Not a sealed callback URL.");
    const iv = Buffer.from(ivText, "base64url");
    const body = Buffer.from(bodyText, "base64url");
    if (iv.byteLength !== IV_BYTES || body.byteLength <= TAG_BYTES) throw new CallbackSealError("Not a sealed callback URL.");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, iv);
      decipher.setAAD(Buffer.from(subscriptionId, "utf8"));
      decipher.setAuthTag(body.subarray(body.byteLength - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.byteLength - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new CallbackSealError("The sealed callback URL does not open with this key for this subscription.", { cause: error });
    }
  }
}
