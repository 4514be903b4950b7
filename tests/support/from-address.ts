import http from "node:http";

export interface TimedResponse {
  status: number;
  text: string;
  location: string | null;
  /** Milliseconds from sending the request to the end of the answer. */
  ms: number;
}

/**
 * Posts a form from a chosen local address. Every 127.x.y.z address is the loopback on Linux, so
 * 127.0.0.2, 127.0.0.3 … reach a test server on 127.0.0.1 as distinct clients (the server sees
 * the socket's address: TRUST_PROXY is off in tests).
 */
export function postFrom(localAddress: string, baseUrl: string, path: string, fields: Record<string, string>): Promise<TimedResponse> {
  const body = new URLSearchParams(fields).toString();
  const url = new URL(path, baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        localAddress,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          Origin: url.origin,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            location: response.headers.location ?? null,
            ms: performance.now() - started,
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
