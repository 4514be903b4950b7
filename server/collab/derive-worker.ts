/**
 * The derive worker's entry (a `node:worker_threads` worker started by derive-pool.ts): it folds a
 * document's updates and derives its text with derive.ts's own code, off the relaying event loop.
 * Built as its own file (build/server/derive-worker.js); under Vitest the pool bundles it first.
 */
import { parentPort } from "node:worker_threads";
import { derive, type DeriveJob, type DeriveResult } from "./derive";

/** A job from the pool, with its number. */
export interface DeriveRequest extends DeriveJob {
  id: number;
}

/** The worker's answers: ready once loaded, then one per job. */
export type DeriveReply =
  { type: "ready" } | { type: "done"; id: number; result: DeriveResult } | { type: "failed"; id: number; message: string };

const port = parentPort;
if (!port) throw new Error("derive-worker.ts runs as a worker thread (see derive-pool.ts)");

port.on("message", (request: DeriveRequest) => {
  let reply: DeriveReply;
  try {
    reply = { type: "done", id: request.id, result: derive(request) };
  } catch (error) {
    // A document that cannot be derived (damaged bytes): the same on any thread, so not retried.
    reply = { type: "failed", id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
  const state = reply.type === "done" ? reply.result.state : null;
  // The folded state is this thread's own buffer: moved to the main thread, not copied.
  port.postMessage(reply, state ? [state.buffer as ArrayBuffer] : []);
});
port.postMessage({ type: "ready" } satisfies DeriveReply);
