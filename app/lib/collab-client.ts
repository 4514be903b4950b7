import * as decoding from "lib0/decoding";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

/**
 * The browser side of the collaboration protocol: a stock y-websocket provider plus the two
 * custom messages the server sends to clients that ask (`?saved=1`). Numbers mirror
 * server/collab/protocol.ts.
 */
const MESSAGE_AUTH = 2;
const MESSAGE_COMMITTED = 100;
const MESSAGE_ACCESS = 101;
const MESSAGE_THREADS = 102;

export type SaveState = "saved" | "saving" | "offline";

export interface CollabSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** What the server last said it has committed. */
  committed: { ack: number; sv: Map<number, number> } | null;
  /** Document messages sent on the current socket (counted as the server counts them). */
  sent: number;
  everConnected: boolean;
  failedAttempts: number;
  access: { readOnly: boolean; suggesting: boolean; reason: string } | null;
  refused: string | null;
  finalClose: { code: number; reason: string } | null;
  saveState(): SaveState;
  hasUnsavedChanges(): boolean;
  destroy(): void;
}

/** IndexedDB name of a person's offline copy of a proposal (cleared at logout). */
export function offlineStoreName(personId: string, proposalId: string): string {
  return `care-proposal:${personId}:${proposalId}`;
}

/**
 * Opens a proposal's document: the offline copy first (so edits kept on this device go out in the
 * first sync), then the WebSocket. `onChange` runs whenever the save state may have changed.
 */
export function openCollabSession(options: {
  proposalId: string;
  personId: string;
  onChange: () => void;
  /** The comments on passages changed on the server. */
  onThreads?: () => void;
}): CollabSession {
  const doc = new Y.Doc();
  const offline = new IndexeddbPersistence(offlineStoreName(options.personId, options.proposalId), doc);
  const session = {} as CollabSession;

  class CountingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // A new socket is a new count on the server too.
      session.sent = 0;
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
      if (bytes && bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2)) session.sent++;
      super.send(data);
    }
  }

  const url = `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/collab`;
  const provider = new WebsocketProvider(url, options.proposalId, doc, {
    connect: false,
    params: { saved: "1" },
    WebSocketPolyfill: CountingWebSocket,
  });

  provider.messageHandlers[MESSAGE_COMMITTED] = (_encoder, decoder) => {
    const ack = decoding.readVarUint(decoder);
    session.committed = { ack, sv: Y.decodeStateVector(decoding.readVarUint8Array(decoder)) };
    options.onChange();
  };
  provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
    const mode = decoding.readVarUint(decoder);
    // 0 read-only, 1 edit, 2 suggest (server/collab/protocol.ts ACCESS_*).
    session.access = { readOnly: mode === 0, suggesting: mode === 2, reason: decoding.readVarString(decoder) };
    options.onChange();
  };
  provider.messageHandlers[MESSAGE_THREADS] = () => options.onThreads?.();
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
    decoding.readVarUint(decoder);
    session.refused = decoding.readVarString(decoder);
    options.onChange();
  };
  provider.on("status", ({ status }) => {
    if (status === "connected") session.everConnected = true;
    options.onChange();
  });
  provider.on("sync", () => options.onChange());
  provider.on("connection-close", () => {
    session.failedAttempts++;
    session.committed = null;
    options.onChange();
  });
  provider.on("closed", (event) => {
    session.finalClose = event;
    options.onChange();
  });
  const onUpdate = () => options.onChange();
  doc.on("update", onUpdate);

  const ownClients = new Set<number>();
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    for (const client of Y.decodeStateVector(Y.encodeStateVector(doc)).keys()) ownClients.add(client);
    provider.connect();
  };
  void offline.whenSynced.then(start, start);
  // IndexedDB may be unavailable (private mode): connect anyway after a moment.
  const fallback = setTimeout(start, 1500);

  Object.assign(session, {
    doc,
    provider,
    committed: null,
    sent: 0,
    everConnected: false,
    failedAttempts: 0,
    access: null,
    refused: null,
    finalClose: null,
    hasUnsavedChanges() {
      const c = session.committed;
      if (!c || c.ack < session.sent) return true;
      // Our own changes: this tab's client id, and every id the offline copy brought (edits made
      // before a reload or while offline, under an earlier client id).
      const local = Y.decodeStateVector(Y.encodeStateVector(doc));
      for (const client of [doc.clientID, ...ownClients]) {
        if ((c.sv.get(client) ?? 0) < (local.get(client) ?? 0)) return true;
      }
      return false;
    },
    saveState(): SaveState {
      if (!provider.wsconnected) return session.everConnected || session.failedAttempts > 0 || session.finalClose ? "offline" : "saving";
      if (!provider.synced || session.hasUnsavedChanges()) return "saving";
      return "saved";
    },
    destroy() {
      clearTimeout(fallback);
      doc.off("update", onUpdate);
      provider.destroy();
      void offline.destroy();
      doc.destroy();
    },
  });
  return session;
}
