/**
 * The load generator of the API sections: plain `node:http` requests over keep-alive connections (one Agent,
 * at most `maxSockets` connections, so concurrency N uses N connections and no connection is opened per
 * request). Every request has a timeout; a status other than the expected one is an error (the measurement
 * stops and is reported as failed, never retried).
 */
import http from "node:http";

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface HttpClient {
  request(method: string, path: string, body?: string): Promise<HttpResponse>;
  /** Like request, but throws unless the status is `expected`; returns the body text. */
  expect(expected: number, method: string, path: string, body?: string): Promise<string>;
  close(): void;
}

/** A keep-alive client of `baseUrl` sending `X-API-Key: apiKey`. */
export function httpClient(baseUrl: string, apiKey: string, maxSockets: number, timeoutMs = 30_000): HttpClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const request = (method: string, path: string, body?: string): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { "x-api-key": apiKey };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      const req = http.request({ host: url.hostname, port: url.port, method, path, agent, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  return {
    request,
    async expect(expected, method, path, body) {
      const response = await request(method, path, body);
      if (response.status !== expected) throw new Error(`${method} ${path}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
      return response.body;
    },
    close() {
      agent.destroy();
    },
  };
}
