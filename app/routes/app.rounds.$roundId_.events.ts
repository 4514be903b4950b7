import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "../lib/not-found";
import { requirePermission } from "../lib/session.server";
import { getRoundDeadline } from "../models/round-page.server";

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 20_000;

/**
 * Server-sent events for one round's page: an event named `changed` (no data: the page reads
 * itself again, with what its person may see) whenever the round changes, while it is open.
 * The stream ends when the browser leaves.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "proposal:read");
  const round = await getRoundDeadline(context, params.roundId ?? "");
  if (!round) throw notFound();
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // A client that reconnects waits 3 s first (the default is browser-specific).
      send("retry: 3000\n\n");
      const unsubscribe = context.roundEvents.subscribe(round.id, () => send("event: changed\ndata: {}\n\n"));
      const heartbeat = setInterval(() => send(": still here\n\n"), HEARTBEAT_MS);
      heartbeat.unref();
      cleanup = () => {
        unsubscribe();
        clearInterval(heartbeat);
        request.signal.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // Already closed by the runtime.
        }
      };
      request.signal.addEventListener("abort", onAbort);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "private, no-store",
      "X-Accel-Buffering": "no",
    },
  });
}
