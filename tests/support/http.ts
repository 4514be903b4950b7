/**
 * A browser-like HTTP client for integration tests: keeps cookies, sends the site's Origin on
 * posts (as a browser does), never follows redirects on its own (tests look at them).
 */
export class TestClient {
  private cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private origin: string | null = baseUrl,
  ) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.request("GET", path, undefined, headers);
  }

  /** Posts a form; a field given as an array is sent once per value (as a browser does). */
  async post(
    path: string,
    fields: Record<string, string | string[]> | URLSearchParams | FormData = {},
    headers: Record<string, string> = {},
  ): Promise<TestResponse> {
    let body: URLSearchParams | FormData;
    if (fields instanceof URLSearchParams || fields instanceof FormData) {
      body = fields;
    } else {
      body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    }
    return this.request("POST", path, body, headers);
  }

  async request(
    method: string,
    path: string,
    body?: URLSearchParams | FormData,
    headers: Record<string, string> = {},
  ): Promise<TestResponse> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (method !== "GET" && this.origin && !("Origin" in h)) h.Origin = this.origin;
    const response = await fetch(new URL(path, this.baseUrl), { method, body, headers: h, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, location: response.headers.get("Location") };
  }
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}
