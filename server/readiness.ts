/** One dependency's state in /readyz. */
export type CheckState = "ok" | "down";

export interface ReadinessReport {
  /** False when a required dependency is down: /readyz then answers 503. */
  ok: boolean;
  /** Which process answered (INSTANCE_NAME): behind a load balancer, tells them apart. */
  instance: string;
  checks: Record<string, CheckState>;
}

/**
 * What /readyz reports: each dependency this process needs, by name, with its state. A part that
 * brings a dependency (the database, Redis, the notification listener, the collaboration relay)
 * adds its own check; `required: false` reports it without failing readiness.
 */
export class Readiness {
  private checks = new Map<string, { check: () => CheckState | Promise<CheckState>; required: boolean }>();

  constructor(private readonly instance: string) {}

  add(name: string, check: () => CheckState | Promise<CheckState>, options: { required?: boolean } = {}) {
    this.checks.set(name, { check, required: options.required ?? true });
  }

  async report(timeoutMs = 2_000): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, { check, required }]) => {
        const state = await withTimeout(check, timeoutMs);
        return { name, state, required };
      }),
    );
    return {
      ok: entries.every((e) => e.state === "ok" || !e.required),
      instance: this.instance,
      checks: Object.fromEntries(entries.map((e) => [e.name, e.state])),
    };
  }
}

async function withTimeout(check: () => CheckState | Promise<CheckState>, timeoutMs: number): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<CheckState>((resolve) => {
        timer = setTimeout(() => resolve("down"), timeoutMs);
      }),
    ]);
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}
