import type http from "node:http";
import { performance } from "node:perf_hooks";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocketServer, type WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

/**
 * The baseline for the benchmark: a plain in-memory y-websocket relay built on the same libraries
 * (ws, y-protocols, yjs), as the reference y-websocket server does it: no authentication, no
 * checks, no storage. It records the same server latency (receipt of an update → its last send).
 */
export function startRelay(server: http.Server, latencies: { values: number[] | null }) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });
  const rooms = new Map<string, { doc: Y.Doc; awareness: awarenessProtocol.Awareness; conns: Set<WebSocket> }>();
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
      const r = room((request.url ?? "/").split("?")[0]!.slice(1));
      r.conns.add(ws);
      ws.on("close", () => r.conns.delete(ws));
      ws.on("message", (data: Buffer) => {
        const receivedAt = performance.now();
        const decoder = decoding.createDecoder(new Uint8Array(data));
        const encoder = encoding.createEncoder();
        const type = decoding.readVarUint(decoder);
        if (type === 0) {
          encoding.writeVarUint(encoder, 0);
          const sub = syncProtocol.readSyncMessage(decoder, encoder, r.doc, ws);
          if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
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
