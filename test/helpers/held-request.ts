/**
 * Test helper: an HTTP request sent with `Expect: 100-continue`, so a test knows when a server process has taken it
 * (its 100 Continue came back) and chooses when its body goes. Used to keep a request in progress on an API
 * instance while the test stops that instance.
 */
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";

/** The complete answer of a held request. */
export interface HeldResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HeldRequest {
  /** Resolves when the server has taken the request (sent 100 Continue). */
  taken: Promise<void>;
  /** Sends the body (and ends the request). */
  finish: () => void;
  /** The answer; rejects when the connection fails (an unobserved rejection is ignored). */
  response: Promise<HeldResponse>;
}

/** Starts `method path` on `url` with the API key and a JSON `body` that is sent only on `finish()`. */
export function heldRequest(url: string, apiKey: string, method: string, path: string, body: string): HeldRequest {
  let finish = (): void => undefined;
  let taken = (): void => undefined;
  const takenPromise = new Promise<void>((resolve) => {
    taken = resolve;
  });
  const target = new URL(url);
  const response = new Promise<HeldResponse>((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { "X-API-Key": apiKey, "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), Expect: "100-continue" },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks).toString() }));
        answer.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.on("continue", () => taken());
    finish = () => outgoing.end(body);
  });
  response.catch(() => undefined);
  return { taken: takenPromise, finish: () => finish(), response };
}
