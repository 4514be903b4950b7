/** A content coding the server keeps or makes copies in. */
export type ContentCoding = "br" | "gzip";

/**
 * The coding to answer with for an Accept-Encoding header: Brotli when the client takes it at
 * least as gladly as gzip, else gzip, else none (identity). `q=0` refuses a coding, and `*`
 * stands for every coding the header does not name.
 */
export function preferredCoding(header: string | string[] | undefined): ContentCoding | null {
  if (!header) return null;
  const text = Array.isArray(header) ? header.join(",") : header;
  let br: number | undefined;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of text.split(",")) {
    const [rawName, ...params] = part.split(";");
    const name = rawName!.trim().toLowerCase();
    if (name !== "br" && name !== "gzip" && name !== "*") continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=");
      if (key?.trim().toLowerCase() === "q") {
        const parsed = Number.parseFloat(value ?? "");
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (name === "br") br = q;
    else if (name === "gzip") gzip = q;
    else star = q;
  }
  const qBr = br ?? star ?? 0;
  const qGzip = gzip ?? star ?? 0;
  if (qBr > 0 && qBr >= qGzip) return "br";
  if (qGzip > 0) return "gzip";
  return null;
}
