import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { DerivedBody } from "../../db/queries/proposal-documents";
import type { Logger } from "../logger";
import { projectRoot } from "../paths";
import { derive, type DeriveJob, type DeriveResult } from "./derive";
import type { DeriveReply, DeriveRequest } from "./derive-worker";

/**
 * Where the derived text (ProseMirror JSON, HTML, plain text) and folded states are computed:
 * in worker threads (DerivePool), or inline on the calling thread (InlineDeriver: no workers
 * configured, or none could start).
 */
export interface Deriver {
  /** The derived body of a document given as its updates (a snapshot and log rows, or one state). */
  body(updates: Uint8Array[]): Promise<DerivedBody>;
  /** The updates folded into one state, and its derived body (a revision stores both). */
  bodyAndState(updates: Uint8Array[]): Promise<{ body: DerivedBody; state: Uint8Array }>;
  /** The updates folded into one state (compaction). */
  fold(updates: Uint8Array[]): Promise<Uint8Array>;
  /** How many jobs run at once (the derive queue keeps this many going). */
  readonly parallelism: number;
  /** Resolves once every job asked for has finished, then ends the workers. */
  stop(): Promise<void>;
}

/** Shared by both derivers: the three questions as one job each. */
abstract class JobDeriver implements Deriver {
  abstract readonly parallelism: number;
  /** One job: what `body`, `bodyAndState` and `fold` ask. */
  abstract run(job: DeriveJob): Promise<DeriveResult>;
  abstract stop(): Promise<void>;

  async body(updates: Uint8Array[]): Promise<DerivedBody> {
    return (await this.run({ updates, body: true, state: false })).body!;
  }

  async bodyAndState(updates: Uint8Array[]): Promise<{ body: DerivedBody; state: Uint8Array }> {
    const result = await this.run({ updates, body: true, state: true });
    return { body: result.body!, state: result.state! };
  }

  async fold(updates: Uint8Array[]): Promise<Uint8Array> {
    return (await this.run({ updates, body: false, state: true })).state!;
  }
}

/** On the calling thread, one job at a time, each after a turn of the event loop. */
export class InlineDeriver extends JobDeriver {
  readonly parallelism = 1;

  async run(job: DeriveJob): Promise<DeriveResult> {
    // Yielding first lets messages already received be relayed before this blocks the loop.
    await new Promise((resolve) => setImmediate(resolve));
    return derive(job);
  }

  async stop(): Promise<void> {}
}

export interface DerivePoolOptions {
  /** Worker threads (1 suits two cores: the relaying thread keeps the other). */
  size: number;
  log: Logger;
  /** A job running longer than this ends its worker (a runaway document): retried, then refused. */
  jobTimeoutMs?: number;
  /** Tries per job when its worker dies under it (killed, out of memory, timed out). */
  attempts?: number;
  /** Heap limit of each worker (MB): a document too large to derive ends the worker, not the server. */
  maxHeapMb?: number;
  /** A worker without a job for this long ends (another starts with the next job). */
  idleMs?: number;
}

interface Job {
  job: DeriveJob;
  tries: number;
  resolve: (result: DeriveResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: (Job & { id: number; timer: NodeJS.Timeout }) | null;
  /** Ends the worker after the pool's idle time without a job. */
  idleTimer: NodeJS.Timeout | null;
  /** Ended for being idle (not a death: nothing to retry, no replacement). */
  retiring: boolean;
}

/** Thrown for a job that could not be done (its worker died each time, or the document is damaged). */
export class DeriveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeriveError";
  }
}

/**
 * A small pool of derive workers (derive-worker.ts). Jobs wait in one queue and each worker takes
 * one at a time. `start` finds the entry (a missing build shows at boot); workers start when there
 * are jobs and end after `idleMs` without one: an idle server does not keep a second copy of the
 * schema, Yjs and the sanitizer in memory (about 30 MB a worker). A worker that dies (killed, out
 * of memory, a job over its time) is replaced and its job tried again; a pool whose workers cannot
 * even start derives inline, and says so.
 */
export class DerivePool extends JobDeriver {
  readonly parallelism: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private entry: URL | null = null;
  private started: Promise<void> | null = null;
  /** Workers that died before they were ready, in a row: three means the entry cannot load. */
  private failedStarts = 0;
  private stopping = false;
  private inline: InlineDeriver | null = null;
  private idle: (() => void)[] = [];
  private readonly jobTimeoutMs: number;
  private readonly attempts: number;
  private readonly maxHeapMb: number;
  private readonly idleMs: number;
  private readonly log: Logger;

  constructor(options: DerivePoolOptions) {
    super();
    this.parallelism = Math.max(1, options.size);
    this.log = options.log;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 60_000;
    this.attempts = options.attempts ?? 3;
    this.maxHeapMb = options.maxHeapMb ?? 512;
    this.idleMs = options.idleMs ?? 30_000;
  }

  /** Finds the entry (once); resolves once it is found, or the pool fell back to inline. Workers start with the first job. */
  start(): Promise<void> {
    this.started ??= this.startFirst();
    return this.started;
  }

  private async startFirst(): Promise<void> {
    try {
      this.entry = await workerEntry();
    } catch (error) {
      this.fallBack(error);
      return;
    }
    this.dispatch();
  }

  /** Workers alive now (tests end one to see it replaced). */
  get workers(): Worker[] {
    return [...this.slots].map((s) => s.worker);
  }

  /** Jobs handed to workers so far (tries included), for diagnostics. */
  get jobsHanded(): number {
    return this.nextId;
  }

  /** Whether jobs run inline because no worker could start. */
  get degraded(): boolean {
    return this.inline !== null;
  }

  run(job: DeriveJob): Promise<DeriveResult> {
    // Inline once stopped too: a late caller (an unload racing the stop) still gets its answer.
    if (this.inline || this.stopping) return (this.inline ??= new InlineDeriver()).run(job);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, tries: 0, resolve, reject });
      // A job before start() starts the pool: it waits for a worker rather than never running.
      if (!this.entry) void this.start();
      else this.dispatch();
    });
  }

  async stop(): Promise<void> {
    if (this.started) await this.started;
    // Whatever was asked for before stop finishes first (the callers store it, then the database closes).
    if (this.queue.length > 0 || this.busy() > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.stopping = true;
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
    this.slots.clear();
  }

  private busy(): number {
    let n = 0;
    for (const slot of this.slots) if (slot.job) n++;
    return n;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve) => {
      const worker = new Worker(this.entry!, {
        name: "care-derive",
        resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      });
      // An idle worker does not keep the process alive; one with a job does (see dispatch).
      worker.unref();
      const slot: Slot = { worker, ready: false, job: null, idleTimer: null, retiring: false };
      this.slots.add(slot);
      worker.on("message", (reply: DeriveReply) => {
        if (reply.type === "ready") {
          slot.ready = true;
          this.failedStarts = 0;
          resolve();
          this.dispatch();
          return;
        }
        const running = slot.job;
        if (!running || running.id !== reply.id) return;
        clearTimeout(running.timer);
        slot.job = null;
        worker.unref();
        if (reply.type === "done") running.resolve(reply.result);
        else running.reject(new DeriveError(reply.message));
        this.dispatch();
      });
      worker.on("error", (error) => {
        this.log.error({ err: error }, "collab: a derive worker failed");
      });
      worker.on("exit", (code) => {
        this.slots.delete(slot);
        if (slot.idleTimer) clearTimeout(slot.idleTimer);
        resolve();
        const running = slot.job;
        slot.job = null;
        if (running) {
          clearTimeout(running.timer);
          // Tried again at the head of the queue, on the replacement: the edit is in the log either way.
          if (running.tries < this.attempts) this.queue.unshift(running);
          else running.reject(new DeriveError(`the derive worker ended ${running.tries} times on this document`));
        }
        if (this.stopping) return;
        if (!slot.retiring) {
          this.log.warn({ code, retrying: Boolean(running) }, "collab: a derive worker ended; starting another when needed");
          if (!slot.ready && ++this.failedStarts >= 3) {
            this.fallBack(new Error(`derive workers end before they are ready (exit code ${code})`));
            return;
          }
        }
        // Also after an idle end: a job that arrived while it was ending gets a new worker.
        this.dispatch();
      });
    });
  }

  /** Hands queued jobs to ready workers, starts workers for the rest, and retires idle ones later. */
  private dispatch() {
    if (this.stopping || this.inline) return;
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.job || slot.retiring) continue;
      const next = this.queue.shift()!;
      const id = ++this.nextId;
      next.tries++;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      // A runaway job: the worker is ended, which retries the job (the exit handler) or refuses it.
      const timer = setTimeout(() => void slot.worker.terminate(), this.jobTimeoutMs);
      timer.unref();
      slot.job = { ...next, id, timer };
      slot.worker.ref();
      // Copied, not transferred: log rows may share their buffer with other rows.
      slot.worker.postMessage({ id, ...next.job } satisfies DeriveRequest);
    }
    // More jobs than free workers: start more, up to the pool's size.
    const starting = [...this.slots].filter((s) => !s.ready).length;
    for (let i = starting; i < this.queue.length && this.slots.size < this.parallelism; i++) void this.spawn();
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || slot.idleTimer || slot.retiring) continue;
      slot.idleTimer = setTimeout(() => {
        slot.retiring = true;
        void slot.worker.terminate();
      }, this.idleMs);
      slot.idleTimer.unref();
    }
    if (this.queue.length === 0 && this.busy() === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** No worker can start (the entry is missing or broken): every job from now on runs inline. */
  private fallBack(error: unknown) {
    this.log.error({ err: error }, "collab: derive workers cannot start; deriving on the main thread");
    this.inline = new InlineDeriver();
    for (const job of this.queue.splice(0)) this.inline.run(job.job).then(job.resolve, job.reject);
    for (const resolve of this.idle.splice(0)) resolve();
  }
}

/**
 * The worker's entry file. Built: derive-worker.js beside this bundle (build/server). From
 * TypeScript sources (Vitest), where Node cannot load a .ts worker: bundled once with esbuild (a
 * development dependency, present wherever sources run) into node_modules/.cache, so that its
 * packages resolve from node_modules as the built server's do.
 */
async function workerEntry(): Promise<URL> {
  if (!import.meta.url.endsWith(".ts")) {
    const built = new URL("./derive-worker.js", import.meta.url);
    if (!fs.existsSync(fileURLToPath(built))) throw new Error(`${fileURLToPath(built)} is missing: build the server with npm run build`);
    return built;
  }
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./derive-worker.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "error",
    absWorkingDir: projectRoot,
  });
  const code = result.outputFiles[0]!.text;
  const dir = path.join(projectRoot, "node_modules", ".cache", "care-table");
  const file = path.join(dir, `derive-worker-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    // Test files run in parallel processes: each writes its own copy and renames it into place.
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, file);
  }
  return pathToFileURL(file);
}

/** The deriver a collaboration server uses: `workers` threads (started by `start()`), or inline with 0. */
export function createDeriver(workers: number, log: Logger): Deriver & { start(): Promise<void> } {
  if (workers <= 0) return Object.assign(new InlineDeriver(), { start: async () => {} });
  return new DerivePool({ size: workers, log });
}
