import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { createProposal } from "../../db/queries/proposals";
import { MESSAGE_ACCESS, MESSAGE_AUTH, MESSAGE_COMMITTED } from "../../server/collab/protocol";
import { TestClient } from "./http";
import { makeOrganization, makePerson, signIn } from "./factories";

/** A ws WebSocket class that sends the given headers (Cookie, Origin) as a browser would. */
export function webSocketWithHeaders(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  } as typeof WebSocket;
}

export async function makeProposal(db: Db, fields: { leadOrganizationId?: string; createdById?: string; title?: string } = {}) {
  const leadOrganizationId = fields.leadOrganizationId ?? (await makeOrganization(db)).id;
  return createProposal(db, {
    title: fields.title ?? "A proposal",
    summary: "",
    pillars: ["coverage"],
    leadOrganizationId,
    createdById: fields.createdById ?? (await makePerson(db, { organizationId: leadOrganizationId })).id,
  });
}

/** Signs a new person in and returns their session cookie header. */
export async function signedInCookie(
  baseUrl: string,
  db: Db,
  fields: Parameters<typeof makePerson>[1] = {},
): Promise<{ cookie: string; person: Awaited<ReturnType<typeof makePerson>>; client: TestClient }> {
  const person = await makePerson(db, fields);
  const client = new TestClient(baseUrl);
  await signIn(client, person.email);
  return { cookie: `care_session=${client.cookie("care_session")}`, person, client };
}

export interface TestCollabClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** The last committed-state message (ack, state vector) received. */
  committed: { ack: number; sv: Map<number, number> } | null;
  access: { readOnly: boolean; suggesting: boolean; reason: string } | null;
  refusals: string[];
  /** Document messages this client sent (sync step 2 and updates), counted as the server counts. */
  sent: number;
  closeEvents: { code: number; reason: string }[];
  synced(): Promise<void>;
  /** Resolves when the server has committed everything this client sent. */
  saved(timeoutMs?: number): Promise<void>;
  isSaved(): boolean;
  destroy(): void;
}

/**
 * A stock y-websocket client in Node (ws with Cookie and Origin, no BroadcastChannel) that also
 * reads the server's custom messages when `saved` is asked for.
 */
export function connectCollab(
  baseUrl: string,
  proposalId: string,
  options: { cookie?: string; origin?: string; saved?: boolean; doc?: Y.Doc; connect?: boolean } = {},
): TestCollabClient {
  const doc = options.doc ?? new Y.Doc();
  const ownClients = new Set(Y.decodeStateVector(Y.encodeStateVector(doc)).keys());
  const headers: Record<string, string> = { Origin: options.origin ?? baseUrl };
  if (options.cookie) headers.Cookie = options.cookie;
  const Base = webSocketWithHeaders(headers);
  let destroyed = false;
  const state: TestCollabClient = {
    doc,
    provider: undefined as unknown as WebsocketProvider,
    committed: null,
    access: null,
    refusals: [],
    sent: 0,
    closeEvents: [],
    synced: () =>
      new Promise((resolve, reject) => {
        if (state.provider.synced) return resolve();
        const timer = setTimeout(() => reject(new Error("not synced within 10 s")), 10_000);
        state.provider.once("sync", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    isSaved() {
      // As the editor judges it: every message of this connection committed, and the committed
      // state covers this client's own changes (and those of the document it started from).
      const c = state.committed;
      if (!c || !state.provider.synced || c.ack < state.sent) return false;
      const local = Y.decodeStateVector(Y.encodeStateVector(doc));
      for (const client of [doc.clientID, ...ownClients]) if ((c.sv.get(client) ?? 0) < (local.get(client) ?? 0)) return false;
      return true;
    },
    saved: (timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          if (state.isSaved()) return resolve();
          if (Date.now() - started > timeoutMs) return reject(new Error("not saved in time"));
          setTimeout(poll, 5);
        };
        poll();
      }),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      state.provider.destroy();
    },
  };
  class Counting extends Base {
    override send(data: Parameters<WebSocket["send"]>[0], ...rest: unknown[]) {
      const bytes = new Uint8Array(data as ArrayBuffer);
      if (bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2)) state.sent++;
      // @ts-expect-error -- ws's overloads; forwarded as given
      super.send(data, ...rest);
    }
  }
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, "ws")}/collab`, proposalId, doc, {
    WebSocketPolyfill: Counting as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    params: options.saved ? { saved: "1" } : {},
    maxBackoffTime: 300,
  });
  state.provider = provider;
  provider.on("connection-close", (event) => {
    // Acks count the messages of one connection: a new connection starts from nothing.
    state.sent = 0;
    state.committed = null;
    if (event) state.closeEvents.push({ code: event.code, reason: event.reason });
  });
  provider.messageHandlers[MESSAGE_COMMITTED] = (_encoder, decoder) => {
    const ack = decoding.readVarUint(decoder);
    const sv = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    state.committed = { ack, sv };
  };
  provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
    const mode = decoding.readVarUint(decoder);
    state.access = { readOnly: mode === 0, suggesting: mode === 2, reason: decoding.readVarString(decoder) };
  };
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
    decoding.readVarUint(decoder);
    state.refusals.push(decoding.readVarString(decoder));
  };
  return state;
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Opens a raw WebSocket (no y-websocket) and resolves with it once open, or with the close. */
export function rawSocket(baseUrl: string, proposalId: string, headers: Record<string, string>, options: { autoPong?: boolean } = {}) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/collab/${proposalId}`, { headers, ...options });
  const messages: Uint8Array[] = [];
  ws.on("message", (data: Buffer) => messages.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on("error", () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", () => reject(new Error("upgrade refused over HTTP")));
  });
  return { ws, messages, closed, opened };
}

/** Appends text to the last paragraph of a document (making one when empty), as typing would. */
export function typeInto(doc: Y.Doc, text: string) {
  const fragment = doc.getXmlFragment("default");
  doc.transact(() => {
    let paragraph = fragment.get(fragment.length - 1) as Y.XmlElement | undefined;
    if (!paragraph) {
      paragraph = new Y.XmlElement("paragraph");
      fragment.insert(0, [paragraph]);
      paragraph.insert(0, [new Y.XmlText()]);
    }
    const t = paragraph.get(0) as Y.XmlText;
    t.insert(t.length, text);
  });
}
