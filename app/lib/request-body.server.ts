/** The body of a request was larger than its form accepts. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`request body over ${maxBytes} bytes`);
  }
}

/**
 * Reads a form posted to a public page, keeping at most `maxBytes` of it in memory: Remix's own
 * `request.formData()` keeps whatever it is sent. A larger body is read to its end and dropped
 * (so the connection stays usable and the browser shows the answer), then refused with
 * BodyTooLargeError.
 */
export async function readFormData(request: Request, maxBytes: number): Promise<FormData> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size <= maxBytes) chunks.push(value);
    else chunks.length = 0;
  }
  if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
  const contentType = request.headers.get("Content-Type") ?? "application/x-www-form-urlencoded";
  try {
    return await new Response(Buffer.concat(chunks), { headers: { "Content-Type": contentType } }).formData();
  } catch {
    throw new Response("The form could not be read. Send it again from the page.", { status: 400 });
  }
}
