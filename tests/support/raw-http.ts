import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Milliseconds from the first byte sent to the answer's end. */
  elapsedMs: number;
  /** The server closed the connection (after the answer) without the client closing it. */
  closedByServer: boolean;
}

/**
 * One request on a connection of its own, written as it is given: a body in chunks (chunked when
 * no Content-Length is given), a declared length larger than what is sent, any header. The
 * client stops sending as soon as an answer arrives, as a browser does, and then waits (up to
 * `waitForCloseMs`) to see whether the server closes the connection.
 */
export function rawRequest(
  baseUrl: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    /** Chunks written one after another; a function makes the next chunk (null: the body is done). */
    body?: Buffer | string | (() => Buffer | null);
    waitForCloseMs?: number;
    /** After this long without a whole answer the request is dropped and answered as status 0. */
    giveUpMs?: number;
  },
): Promise<RawResponse> {
  const url = new URL(options.path, baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const agent = new http.Agent({ keepAlive: false });
    const req = http.request(url, { method: options.method ?? "POST", headers: options.headers, agent, setHost: !options.headers?.Host });
    req.on("response", (res) => {
      answered = true;
      // An event stream stays open by design: its status and headers are the answer.
      if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
        clearTimeout(giveUp);
        req.destroy();
        return resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: "",
          elapsedMs: Date.now() - started,
          closedByServer: false,
        });
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(giveUp);
        const done = (closedByServer: boolean) =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
            elapsedMs: Date.now() - started,
            closedByServer,
          });
        const socket = req.socket;
        if (!socket || socket.destroyed) return done(true);
        const timer = setTimeout(() => {
          socket.destroy();
          done(false);
        }, options.waitForCloseMs ?? 0);
        socket.once("close", () => {
          clearTimeout(timer);
          done(true);
        });
      });
    });
    // Writing after the server has answered and closed may fail; the answer is what counts.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    req.on("socket", (socket) => socket.on("error", () => {}));
    // A server that never finishes its answer is reported as a very slow one, never a hung test.
    const giveUp = setTimeout(() => {
      req.destroy();
      resolve({ status: 0, headers: {}, text: "", elapsedMs: Date.now() - started, closedByServer: false });
    }, options.giveUpMs ?? 60_000);
    giveUp.unref();
    const body = options.body;
    if (typeof body === "function") {
      const pump = () => {
        while (!answered && !req.destroyed) {
          const chunk = body();
          if (chunk === null) return void req.end();
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
      };
      pump();
    } else {
      req.end(body);
    }
  });
}

/** A body source of `total` bytes of form data ("a=xxxx…"), in 64 KB chunks. */
export function formBytes(total: number): () => Buffer | null {
  const chunk = Buffer.alloc(64 * 1024, "x");
  chunk.write("a=");
  let sent = 0;
  return () => {
    if (sent >= total) return null;
    const n = Math.min(chunk.length, total - sent);
    sent += n;
    return n === chunk.length ? chunk : chunk.subarray(0, n);
  };
}
