/**
 * The collaboration server's words on the wire: message types and close codes, in one place.
 * Shared with the browser's editor (app/lib/collab-protocol.ts re-exports the client side).
 */

/** Standard y-websocket message types (y-protocols). */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

/** y-protocols/sync sub-types. */
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/**
 * Custom messages, sent only to clients that ask with `?saved=1` in the URL (stock y-websocket
 * clients never see them). Numbers far from the standard ones, so a future standard type does not
 * collide.
 *
 * MESSAGE_COMMITTED: varUint ack (how many document messages of this connection are committed),
 * then varUint8Array state vector (Y.encodeStateVector form) of the committed document.
 */
export const MESSAGE_COMMITTED = 100;
/**
 * MESSAGE_ACCESS: varUint mode (ACCESS_READ_ONLY | ACCESS_EDIT | ACCESS_SUGGEST), varString reason
 * shown to people.
 */
export const MESSAGE_ACCESS = 101;
export const ACCESS_READ_ONLY = 0;
export const ACCESS_EDIT = 1;
/** Every change must be a suggestion of this person (the server refuses anything else). */
export const ACCESS_SUGGEST = 2;
/** MESSAGE_THREADS: no payload; the comments on passages changed (the page reloads its data). */
export const MESSAGE_THREADS = 102;

/** URL parameter by which a client asks for the custom messages. */
export const SAVED_PARAMETER = "saved";

/**
 * Close codes. 4400–4499 are final for y-websocket 3 (the client stops reconnecting); every other
 * code makes it reconnect with backoff. Refusals that a retry cannot fix are final; overload and
 * server trouble are transient.
 */
export const CLOSE_UNAUTHENTICATED = 4401; // no session, expired, logged out, deactivated
export const CLOSE_FORBIDDEN = 4403; // wrong Origin, or no permission to read this proposal
export const CLOSE_NOT_FOUND = 4404; // no such proposal (or a malformed id)
export const CLOSE_INVALID_MESSAGE = 4400; // undecodable or invalid message: a retry would send it again
export const CLOSE_DOCUMENT_TOO_LARGE = 4413; // the update would take the document past its size limit
export const CLOSE_TOO_MANY_CONNECTIONS = 4429; // per document, person or address
export const CLOSE_LOAD_FAILED = 4503; // the document could not be loaded: try again later
export const CLOSE_RATE_LIMITED = 4508; // too many messages per second: back off and reconnect
export const CLOSE_SLOW_CONSUMER = 4509; // the client does not read what it is sent
export const CLOSE_SERVER_STOPPING = 1012; // "service restart" (RFC 6455): reconnect

/** Reason text for the standard auth message (permission denied), which stock clients log. */
export const REFUSED_READ_ONLY = "read-only: this edit was refused and not saved";
/** The same for a suggesting connection's change that was not only its own suggestions. */
export const REFUSED_SUGGESTING = "suggesting: this edit was refused and not saved";
/** An update written under a Yjs client id that belongs to another person. */
export const REFUSED_CLIENT_ID = "refused: this edit was written under another person's client id";
