import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * Presence rules. A connection may set and remove only its own awareness client ids (the first
 * connection to use an id owns it); the person's name, organization and colour are stamped by the
 * server over whatever the client sent; oversized states are dropped. The result is a new,
 * well-formed awareness update holding only the accepted entries (possibly none).
 */

export interface AwarenessIdentity {
  name: string;
  organization: string | null;
  color: string;
}

export interface AwarenessOwner {
  /** Client ids this connection owns. */
  clientIds: Set<number>;
}

export interface AwarenessFilterOptions {
  identity: AwarenessIdentity;
  owner: AwarenessOwner;
  /** Who owns a client id in this room now (another connection), if anyone. */
  ownerOf(clientId: number): AwarenessOwner | undefined;
  maxStateBytes: number;
  maxClientsPerConnection: number;
}

export type AwarenessFilterResult = { ok: true; update: Uint8Array | null; dropped: number } | { ok: false; reason: string };

/** Colours with at least 4.5:1 contrast against white (caret labels use white text). */
const palette = ["#1f5fa8", "#8a3b12", "#116149", "#6b2f8f", "#9b1c31", "#3d5a00", "#005f73", "#7a4100"];

/** A stable colour per person. */
export function colorFor(personId: string): string {
  let hash = 0;
  for (const ch of personId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}

/**
 * Reads an awareness update (varUint count, then clientID, clock, JSON state per entry) and
 * returns the entries this connection may send, stamped. A payload that does not decode is an
 * invalid message (the caller closes the connection); a spoofed or oversized entry is dropped.
 */
export function filterAwarenessUpdate(payload: Uint8Array, options: AwarenessFilterOptions): AwarenessFilterResult {
  const accepted: { clientId: number; clock: number; state: string }[] = [];
  let dropped = 0;
  try {
    const decoder = decoding.createDecoder(payload);
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const raw = decoding.readVarString(decoder);
      const other = options.ownerOf(clientId);
      const mine = options.owner.clientIds.has(clientId);
      if ((other && other !== options.owner) || (!mine && options.owner.clientIds.size >= options.maxClientsPerConnection)) {
        dropped++;
        continue;
      }
      if (raw.length > options.maxStateBytes) {
        dropped++;
        continue;
      }
      let state: unknown;
      try {
        state = JSON.parse(raw);
      } catch {
        dropped++;
        continue;
      }
      if (state !== null && (typeof state !== "object" || Array.isArray(state))) {
        dropped++;
        continue;
      }
      const stamped = state === null ? null : { ...(state as Record<string, unknown>), user: options.identity };
      options.owner.clientIds.add(clientId);
      accepted.push({ clientId, clock, state: JSON.stringify(stamped) });
    }
    if (decoding.hasContent(decoder)) return { ok: false, reason: "awareness update with trailing bytes" };
  } catch {
    return { ok: false, reason: "undecodable awareness update" };
  }
  if (accepted.length === 0) return { ok: true, update: null, dropped };
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, accepted.length);
  for (const entry of accepted) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  return { ok: true, update: encoding.toUint8Array(encoder), dropped };
}
