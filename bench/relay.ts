import type http from "node:http";
import { performance } from "node:perf_hooks";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocketServer, type WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import type { Db } from "../db/client";
import { appendProposalUpdates } from "../db/queries/proposal-documents";
import { MESSAGE_COMMITTED } from "../server/collab/protocol";

/**
 * The baselines for the benchmark: a plain in-memory y-websocket relay built on the same libraries
 * (ws, y-protocols, yjs), as the reference y-websocket server does it: no authentication, no
 * checks, no storage. It records the same server latency (receipt of an update → its last send).
 *
 * With `store`, the least a durable relay must add: every update appended to the same log table
 * (the same statement as the real server, one batch in flight at a time) and, once a batch is
 * committed, each author told how many of its messages are (the "Saved" message). Still no
 * authentication, checks, presence rules, derived text or compaction: what remains between it and
 * the real server is the real server's own work, not the database's.
 */
export function startRelay(server: http.Server, latencies: { values: number[] | null }, store?: { db: Db }) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });
  const rooms = new Map<string, { doc: Y.Doc; awareness: awarenessProtocol.Awareness; conns: Set<WebSocket> }>();
  const writer = store ? storedLog(store.db) : null;
  const room = (name: string) => {
    let r = rooms.get(name);
    if (!r) {
      const doc = new Y.Doc();
      const awareness = new awarenessProtocol.Awareness(doc);
      awareness.setLocalState(null);
      const conns = new Set<WebSocket>();
      r = { doc, awareness, conns };
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        syncProtocol.writeUpdate(e, update);
        const message = encoding.toUint8Array(e);
        for (const c of conns) if (c !== origin) c.send(message);
      });
      rooms.set(name, r);
    }
    return r;
  };
  server.on("upgrade", (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      const name = (request.url ?? "/").split("?")[0]!.slice(1);
      const r = room(name);
      r.conns.add(ws);
      let received = 0;
      ws.on("close", () => r.conns.delete(ws));
      ws.on("message", (data: Buffer) => {
        const receivedAt = performance.now();
        const decoder = decoding.createDecoder(new Uint8Array(data));
        const encoder = encoding.createEncoder();
        const type = decoding.readVarUint(decoder);
        if (type === 0) {
          encoding.writeVarUint(encoder, 0);
          const payload = decoding.clone(decoder);
          const sub = syncProtocol.readSyncMessage(decoder, encoder, r.doc, ws);
          if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
          if (sub !== syncProtocol.messageYjsSyncStep1 && writer) {
            decoding.readVarUint(payload);
            writer.append(ws, name, decoding.readVarUint8Array(payload), ++received);
          }
          if (sub === syncProtocol.messageYjsUpdate) latencies.values?.push(performance.now() - receivedAt);
        } else if (type === 1) {
          awarenessProtocol.applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(decoder), ws);
        }
      });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, r.doc);
      ws.send(encoding.toUint8Array(e));
    });
  });
}

/** The update log of the stored relay: group commit, then each author's count of committed messages. */
function storedLog(db: Db) {
  let queue: { ws: WebSocket; proposalId: string; update: Uint8Array; seq: number }[] = [];
  let writing = false;
  async function drain() {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      await appendProposalUpdates(
        db,
        batch.map((e) => ({ proposalId: e.proposalId, update: e.update, authorId: null })),
      );
      const acks = new Map<WebSocket, number>();
      for (const e of batch) acks.set(e.ws, e.seq);
      for (const [ws, seq] of acks) {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, MESSAGE_COMMITTED);
        encoding.writeVarUint(e, seq);
        ws.send(encoding.toUint8Array(e));
      }
    }
    writing = false;
  }
  return {
    append(ws: WebSocket, proposalId: string, update: Uint8Array, seq: number) {
      queue.push({ ws, proposalId, update, seq });
      // One turn of the event loop lets every message already received join the batch.
      if (!writing) {
        writing = true;
        setImmediate(() => void drain());
      }
    },
  };
}
