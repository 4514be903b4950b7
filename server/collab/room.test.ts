import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { Connection } from "./connection";
import { defaultLimits } from "./limits";
import type { CommitSink, UpdateWriter } from "./persistence";
import { MESSAGE_COMMITTED, MESSAGE_SYNC, SYNC_STEP2 } from "./protocol";
import { Room } from "./room";

/** A writer whose commits happen when the test says so, in order, as the real one's do. */
function heldWriter() {
  const queue: CommitSink[] = [];
  const writer = { enqueue: (sink: CommitSink) => queue.push(sink) } as unknown as UpdateWriter;
  return { writer, commitAll: () => queue.splice(0).forEach((sink) => sink.committed(1)) };
}

/** A connection over a fake socket that keeps what the room sends it. */
function connectionOf(personId: string) {
  const sent: Uint8Array[] = [];
  const ws = { send: (m: Uint8Array) => sent.push(m), bufferedAmount: 0, close() {}, terminate() {} } as unknown as WebSocket;
  const person = {
    id: personId,
    email: `${personId}@example.org`,
    name: personId,
    role: "convener" as const,
    organizationId: null,
    organizationName: null,
    organizationStatus: null,
    canVote: false,
    timeZone: null,
  };
  const connection = new Connection(ws, `session-${personId}`, person, "127.0.0.1", true, defaultLimits, "#000000");
  /** The last committed-state message: how many of its messages, and the state vector. */
  const lastCommitted = () => {
    for (const bytes of [...sent].reverse()) {
      const decoder = decoding.createDecoder(bytes);
      if (decoding.readVarUint(decoder) !== MESSAGE_COMMITTED) continue;
      return { ack: decoding.readVarUint(decoder), sv: Y.decodeStateVector(decoding.readVarUint8Array(decoder)) };
    }
    return null;
  };
  return { connection, lastCommitted };
}

function syncStep2(update: Uint8Array) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, SYNC_STEP2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

describe("Room: what a client is told is committed", () => {
  it("tells a client its edits are committed only once the update that carried them (from another client) is", () => {
    // After a restart, B re-sends A's edits (the server had relayed them to B before it died),
    // and then A's own SyncStep2 brings nothing new: A must not hear "committed" before B's
    // update is, and must hear it once it is.
    const { writer, commitAll } = heldWriter();
    const room = new Room(
      "proposal",
      new Y.Doc(),
      { bytes: 0, logRows: 0, facts: { status: "draft", sponsorOrganizationIds: [], openEditing: true }, clientOwners: new Map() },
      { writer, log: createLogger("silent"), limits: defaultLimits, changed() {}, committed() {}, broken() {} },
    );
    const docA = new Y.Doc();
    const paragraph = new Y.XmlElement("paragraph");
    docA.getXmlFragment("default").insert(0, [paragraph]);
    paragraph.insert(0, [new Y.XmlText("words typed by A")]);
    const edits = Y.encodeStateAsUpdate(docA);

    const a = connectionOf("a");
    const b = connectionOf("b");
    for (const c of [a, b]) {
      c.connection.backlog = null;
      room.add(c.connection);
    }
    room.handleMessage(b.connection, syncStep2(edits));
    room.handleMessage(a.connection, syncStep2(edits));

    const covers = (sv: Map<number, number> | undefined) => (sv?.get(docA.clientID) ?? 0) >= Y.getState(docA.store, docA.clientID);
    const toldA = a.lastCommitted();
    expect(toldA === null || toldA.ack < 1 || covers(toldA.sv), "A is never told its words are committed before they are").toBe(true);

    commitAll();
    const after = a.lastCommitted();
    expect(after?.ack, "A hears its message is committed").toBe(1);
    expect(covers(after?.sv), "and the committed state holds its words").toBe(true);
  });

  it("holds an update typed before the client's sync reply, and settles it with that reply", () => {
    // A client that reconnects (to another process) and types before it has answered the
    // server's SyncStep1: its update refers to edits the server has not seen yet.
    const { writer, commitAll } = heldWriter();
    const room = new Room(
      "proposal",
      new Y.Doc(),
      { bytes: 0, logRows: 0, facts: { status: "draft", sponsorOrganizationIds: [], openEditing: true }, clientOwners: new Map() },
      { writer, log: createLogger("silent"), limits: defaultLimits, changed() {}, committed() {}, broken() {} },
    );
    const a = connectionOf("a");
    a.connection.backlog = null;
    room.add(a.connection);
    const doc = new Y.Doc();
    const paragraph = new Y.XmlElement("paragraph");
    doc.getXmlFragment("default").insert(0, [paragraph]);
    paragraph.insert(0, [new Y.XmlText("typed offline")]);
    const before = Y.encodeStateVector(doc);
    (paragraph.get(0) as Y.XmlText).insert(0, "and while reconnecting ");
    const later = Y.encodeStateAsUpdate(doc, before);

    const update = encoding.createEncoder();
    encoding.writeVarUint(update, MESSAGE_SYNC);
    encoding.writeVarUint(update, 2);
    encoding.writeVarUint8Array(update, later);
    room.handleMessage(a.connection, encoding.toUint8Array(update));
    expect(a.connection.closed, "not an invalid message").toBe(false);
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(Y.encodeStateAsUpdate(new Y.Doc()));

    room.handleMessage(a.connection, syncStep2(Y.encodeStateAsUpdate(doc)));
    commitAll();
    expect(a.lastCommitted()?.ack, "both messages settled by the sync reply's commit").toBe(2);
    expect(room.doc.getXmlFragment("default").toString()).toContain("and while reconnecting typed offline");
  });
});
