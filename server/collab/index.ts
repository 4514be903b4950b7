import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { Db } from "../../db/client";
import { getProposalForUpdate } from "../../db/queries/proposals";
import type { Logger } from "../logger";
import { authenticateUpgrade, collabProposalId } from "./authenticate";
import { createDeriver } from "./derive-pool";
import { CollabHub } from "./hub";
import { defaultLimits, type CollabLimits } from "./limits";
import { lockProposalForRound, unlockProposal, type Everywhere } from "./lock";
import { Relay } from "./relay";
import { SharedConnectionCounts } from "./shared-counts";
import { takeRevision } from "./revisions";
import { ProposalStateError, type CollabService } from "./service";
import { listSuggestions, resolveSuggestions } from "./suggestions";

export interface Collaboration {
  hub: CollabHub;
  service: CollabService;
  /** Handles an HTTP upgrade for `/collab/:proposalId`; returns false for any other path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Attaches to the HTTP server's `upgrade` event (same port and origin as the site). */
  attach(server: Server): void;
  /** With REDIS_URL: the relay to the other processes (null alone). */
  relay: Relay | null;
  /** How many document changes this process has accepted so far (it only grows). */
  changes(): number;
  /**
   * Finds the derive workers' entry (the workers start with the first job) and connects to Redis
   * when there is one (resolves once Redis is subscribed, or after a few seconds).
   */
  start(): Promise<void>;
  /** SIGTERM: close connections, commit everything pending, store the derived text, end the derive workers. */
  stop(): Promise<void>;
}

/** Words for a lock or a version that could not reach every process (nothing was changed). */
const NOT_EVERY_SERVER = "Not every server could be reached to save the text everywhere, so nothing was changed. Try again in a minute.";

/**
 * The collaboration server: the y-websocket protocol (y-protocols sync and awareness) over `ws`,
 * wired to the HTTP server's `upgrade` event. Only wiring lives here.
 */
export function createCollaboration(options: {
  db: Db;
  log: Logger;
  publicUrl: string;
  secure: boolean;
  /** TRUST_PROXY: count connections per address by X-Forwarded-For. */
  trustProxy?: boolean;
  limits?: Partial<CollabLimits>;
  /** REDIS_URL and its key prefix: several processes serve the same documents. */
  redis?: { url: string; prefix: string };
  /** This process's name (INSTANCE_NAME), sent with each accepted upgrade as `X-Care-Instance`. */
  instance?: string;
  /** Worker threads for the derived text and folds (DERIVE_WORKERS; default 1; 0: on this thread). */
  deriveWorkers?: number;
}): Collaboration {
  const limits = { ...defaultLimits, ...options.limits };
  const { db, log } = options;
  const deriver = createDeriver(options.deriveWorkers ?? 1, log);
  const hub = new CollabHub(db, log, limits, options.trustProxy, deriver);
  const rooms = hub.rooms;
  const relay = options.redis
    ? new Relay(options.redis, log, {
        applyRemote: (proposalId, update) => rooms.applyRemote(proposalId, update),
        applyRemoteAwareness: (proposalId, update) => rooms.applyRemoteAwareness(proposalId, update),
        catchUpAll: () => rooms.catchUpAll(),
        async control(message) {
          if (message.t === "close-person") return void hub.closeConnectionsOfPerson(message.person, message.reason);
          if (message.t === "recheck") return hub.recheck();
          if (message.t === "threads") return hub.threadsChanged(message.p);
          if (message.t === "unlock") return rooms.setLocked(message.p, false);
          // Lock: read-only first, then everything accepted before committed; then the answer.
          if (message.t === "lock") await rooms.setLocked(message.p, true);
          await rooms.flush();
        },
      })
    : null;
  rooms.relay = relay;
  if (relay) hub.shareCounts(new SharedConnectionCounts(relay.commands, options.redis!.prefix, log));

  /** Asks the other processes, if any; a process that cannot be reached refuses the step. */
  async function askEveryone(message: Parameters<Relay["request"]>[0]) {
    if (!relay) return;
    try {
      await relay.request(message);
    } catch (error) {
      log.warn({ err: error, kind: message.t }, "collab: not every process answered");
      throw new ProposalStateError(NOT_EVERY_SERVER, null);
    }
  }

  const everywhere: Everywhere = {
    async setLocked(proposalId, locked) {
      await rooms.setLocked(proposalId, locked);
      if (locked) await askEveryone({ t: "lock", p: proposalId });
      else relay?.broadcast({ t: "unlock", p: proposalId });
    },
    async flush() {
      await rooms.flush();
      await askEveryone({ t: "flush", p: "" });
    },
  };
  // maxPayload: ws closes a connection whose frame is larger (1009), before buffering it whole.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
  // Behind a load balancer, which process a client reached (as /readyz names it).
  const instance = options.instance;
  if (instance) wss.on("headers", (headers: string[]) => headers.push(`X-Care-Instance: ${instance}`));

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (collabProposalId(request.url) === undefined) return false;
    socket.on("error", () => socket.destroy());
    authenticateUpgrade(request, { db, publicUrl: options.publicUrl, secure: options.secure })
      .then((result) => {
        wss.handleUpgrade(request, socket, head, (ws) => {
          if (!result.ok) {
            // Refused after the upgrade, with a 44xx code: y-websocket stops retrying.
            log.info({ code: result.code, reason: result.reason, url: request.url?.split("?")[0] }, "collab: connection refused");
            ws.close(result.code, result.reason);
            return;
          }
          void hub.accept(ws, result, request).catch((error: unknown) => {
            log.error({ err: error }, "collab: accepting a connection failed");
            ws.terminate();
          });
        });
      })
      .catch((error: unknown) => {
        log.error({ err: error }, "collab: authenticating an upgrade failed");
        socket.write("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
        socket.destroy();
      });
    return true;
  }

  const service: CollabService = {
    closeConnectionsOfPerson(personId) {
      relay?.broadcast({ t: "close-person", person: personId, reason: "signed out" });
      return hub.closeConnectionsOfPerson(personId);
    },
    recheckOrganization() {
      relay?.broadcast({ t: "recheck", p: "" });
      return hub.recheck();
    },
    recheckProposal(proposalId) {
      relay?.broadcast({ t: "recheck", p: proposalId });
      return hub.recheck();
    },
    flushProposal: () => everywhere.flush(),
    presence: (proposalId) => hub.presence(proposalId),
    threadsChanged(proposalId) {
      relay?.broadcast({ t: "threads", p: proposalId });
      hub.threadsChanged(proposalId);
    },
    listSuggestions: (proposalId) => hub.withRoom(proposalId, (room) => listSuggestions(room.doc)),
    async resolveSuggestions(input) {
      const ids = new Set(input.ids);
      const resolved = await hub.withRoom(input.proposalId, (room) =>
        room.facts.status === "draft" && !room.locked
          ? room.applyServerChange(input.authorId, (doc, origin) => resolveSuggestions(doc, ids, input.accept, origin))
          : null,
      );
      if (resolved === null) return null;
      // Committed before the caller audits it: the audit never names a change that was lost.
      await hub.flush();
      return resolved;
    },
    async saveRevision(input) {
      await everywhere.flush();
      return db.transaction(async (tx) => {
        // The row lock orders revision numbers and keeps a round's lock from crossing this.
        const proposal = await getProposalForUpdate(tx, input.proposalId);
        if (!proposal) throw new ProposalStateError("There is no such proposal.", null);
        return takeRevision(tx, input, deriver);
      });
    },
    lockProposalForRound: (input) => lockProposalForRound(everywhere, db, input, deriver),
    unlockProposal: (input) => unlockProposal(everywhere, db, input),
  };

  return {
    hub,
    service,
    relay,
    changes: () => rooms.writer.enqueued,
    // The derive workers' entry is found while Redis connects; either may finish first.
    start: async () => {
      await Promise.all([deriver.start(), relay?.start()]);
    },
    handleUpgrade,
    attach(server) {
      server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!handleUpgrade(request, socket, head)) {
          socket.write("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
          socket.destroy();
        }
      });
    },
    async stop() {
      await hub.stop();
      await relay?.stop();
    },
  };
}
