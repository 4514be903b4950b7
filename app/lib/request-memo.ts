const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * `load()` once per request and key, however many loaders ask. Remix gives each loader its own
 * copy of the Request but all of them the request's one context, so the context holds the memo.
 * What an action can change must have the phase in its key (the request's method: the action's
 * POST, then GET for the loaders that run after it), so loaders never see what was read before.
 */
export function oncePerRequest<T>(context: object, key: string, load: () => Promise<T>): Promise<T> {
  let forRequest = memos.get(context);
  if (!forRequest) memos.set(context, (forRequest = new Map()));
  let pending = forRequest.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = load();
    forRequest.set(key, pending);
  }
  return pending;
}
