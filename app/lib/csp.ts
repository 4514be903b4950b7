/** The policy for an HTML page; `nonce` is given only for pages that run scripts. */
export function documentCsp(options: { nonce?: string; inlineStyles?: boolean; connectSelf?: boolean }): string {
  const script = options.nonce ? `'nonce-${options.nonce}' 'strict-dynamic'` : "'none'";
  const style = options.inlineStyles ? "'self' 'unsafe-inline'" : "'self'";
  // Pages that run scripts fetch their data from this origin (Remix navigations, WebSocket).
  const connect = options.nonce || options.connectSelf ? "'self'" : "'none'";
  return [
    "default-src 'none'",
    `script-src ${script}`,
    `style-src ${style}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "manifest-src 'self'",
  ].join("; ");
}
