/**
 * rhea decodes every plain (format 0) transfer into a message object and drops the bytes. The emulator stores
 * messages exactly as the client encoded them, so it keeps those bytes: it wraps `rhea.message.decode` once
 * to attach the input buffer to the decoded object under a private symbol. The wrapper changes nothing else,
 * so other rhea users in the same process (the SDK in tests) are unaffected.
 */
import rhea from "rhea";

const RAW_BYTES = Symbol.for("service-bus-bridge.emulator.raw-bytes");

type Decode = (buffer: Buffer) => object;
interface DecodeHolder {
  decode: Decode & { [RAW_BYTES]?: true };
}

/** Makes rhea keep the encoded bytes of decoded messages; safe to call any number of times. */
export function captureRawMessageBytes(): void {
  const holder = rhea.message as unknown as DecodeHolder;
  if (holder.decode[RAW_BYTES]) return;
  const original = holder.decode;
  const decode = ((buffer: Buffer) => {
    const decoded = original(buffer);
    Object.defineProperty(decoded, RAW_BYTES, { value: buffer, enumerable: false });
    return decoded;
  }) as DecodeHolder["decode"];
  decode[RAW_BYTES] = true;
  holder.decode = decode;
}

/** The bytes a message was decoded from, when captured. */
export function rawMessageBytes(message: object): Buffer | undefined {
  return (message as { [RAW_BYTES]?: Buffer })[RAW_BYTES];
}
