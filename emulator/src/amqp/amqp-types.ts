/**
 * The parts of rhea's AMQP type system that its typings leave out (Reader, Writer, Map32), typed once here.
 */
import rhea from "rhea";
import type { Typed } from "rhea";

export interface AmqpReader {
  position: number;
  read(): Typed;
  remaining(): number;
}

export interface AmqpWriter {
  write(value: Typed): void;
  toBuffer(): Buffer;
}

interface RheaTypesInternals {
  Reader: new (buffer: Buffer) => AmqpReader;
  Writer: new () => AmqpWriter;
  Map32: (entries: Typed[]) => Typed;
  Array32: (items: Typed[] | unknown[], code: number) => Typed;
}

const internals = rhea.types as unknown as RheaTypesInternals;

/** Reads AMQP-encoded values one by one, tracking the byte position. */
export function createReader(buffer: Buffer): AmqpReader {
  return new internals.Reader(buffer);
}

/** Encodes typed values into one buffer. */
export function encodeTyped(values: readonly Typed[]): Buffer {
  const writer = new internals.Writer();
  for (const value of values) writer.write(value);
  return writer.toBuffer();
}

/** An AMQP map from alternating key and value entries, types preserved. */
export function typedMap(entries: Typed[]): Typed {
  return internals.Map32(entries);
}

interface RheaOutcomes {
  accepted(): { described(): unknown };
  rejected(fields: { error: { condition: string; description: string } }): { described(): unknown };
}

const outcomes = rhea.message as unknown as RheaOutcomes;

/** The `accepted` delivery state. */
export function acceptedState(): unknown {
  return outcomes.accepted().described();
}

/** The `rejected` delivery state carrying an error. */
export function rejectedState(condition: string, description: string): unknown {
  return outcomes.rejected({ error: { condition, description } }).described();
}

/** The attach fields of a link end, which rhea's typings do not expose. */
export interface AttachFields {
  source?: { address?: string; filter?: Record<string, unknown> } | null;
  target?: { address?: string } | null;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
  properties?: Record<string, unknown>;
}

/** The remote (client) and local (emulator) attach of a link. */
export function linkAttach(link: object): { remote: AttachFields | undefined; local: AttachFields } {
  const ends = link as { remote: { attach?: AttachFields }; local: { attach: AttachFields } };
  return { remote: ends.remote.attach, local: ends.local.attach };
}

/**
 * Holds back the attach reply rhea would send for a link it just auto-opened, so the emulator can answer
 * later (acceptNextSession's long poll). Returns the function that sends the reply.
 */
export function deferAttachReply(link: object): () => void {
  const ends = link as { state: { local_open: boolean; open_requests: number }; open(): void };
  ends.state.local_open = false;
  ends.state.open_requests = Math.max(0, ends.state.open_requests - 1);
  return () => ends.open();
}

/** A .NET tick count (100 ns since 0001-01-01) as the 8-byte big-endian AMQP long the SDK decodes. */
export function dotNetTicksLong(ms: number): Typed {
  const ticks = BigInt(Math.round(ms)) * 10_000n + 621_355_968_000_000_000n;
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(ticks);
  return rhea.types.wrap_long(bytes) as Typed;
}
