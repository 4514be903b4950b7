/** What a route module's `handle` may say about the page it renders. */
export interface RouteHandle {
  /** The page runs JavaScript (signed-in pages): scripts load with a per-request nonce. */
  hydrate?: boolean;
  /** The page is the same for everyone: shared caches may keep it (with an ETag). */
  publicCache?: boolean;
  /** The page's scripts may write inline styles (the editor's collaboration carets). */
  inlineStyles?: boolean;
  /** The page's scripts talk to this origin (the collaboration WebSocket). */
  connect?: boolean;
}

export function pageTraits(handles: unknown[]): Required<RouteHandle> {
  const traits = { hydrate: false, publicCache: false, inlineStyles: false, connect: false };
  let everyPublic = handles.length > 0;
  for (const handle of handles) {
    const h = (handle ?? {}) as RouteHandle;
    traits.hydrate ||= Boolean(h.hydrate);
    traits.inlineStyles ||= Boolean(h.inlineStyles);
    traits.connect ||= Boolean(h.connect);
    // The leaf decides: a page is public only if its deepest route says so.
    everyPublic = Boolean(h.publicCache);
  }
  traits.publicCache = everyPublic && !traits.hydrate;
  return traits;
}
