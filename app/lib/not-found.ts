/**
 * The one "not found" answer, for what does not exist and for what this person may not see
 * alike (thrown from loaders and actions; the error boundary renders it).
 */
export function notFound(): Response {
  return new Response("Not found", { status: 404 });
}
