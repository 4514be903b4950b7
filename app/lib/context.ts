import type { Database } from "../../db/client";
import type { CollabService } from "../../server/collab/service";
import type { Env } from "../../server/env";
import type { Logger } from "../../server/logger";
import type { MailDelivery } from "../../server/mail";
import type { PageCache } from "../../server/page-cache";
import type { RateLimiters } from "../../server/rate-limit";
import type { Readiness } from "../../server/readiness";
import type { Refusal } from "../../server/request-body";
import type { RoundEvents } from "../../server/round-events";

/** What the server hands every loader and action (never put in loader data). */
export interface AppServices {
  database: Database;
  env: Env;
  log: Logger;
  mail: MailDelivery;
  limits: RateLimiters;
  /** The collaboration server: live connections, revisions, round locks. */
  collab: CollabService;
  /** Rendered public pages; `pages.invalidate(change)` after every write that a public page shows. */
  pages: PageCache;
  /** "Round X changed", for the round pages that are open now. */
  roundEvents: RoundEvents;
  /** What /readyz reports: each part adds the dependency it needs. */
  readiness: Readiness;
}

export interface RequestContext extends AppServices {
  requestId: string;
  /** The client's address, as Express sees it (honours TRUST_PROXY). */
  clientAddress: string;
  /** The per-request nonce for scripts on signed-in pages. */
  nonce: string;
  /** Set only when the server answers a request it refused before any route (server/request-body.ts). */
  refusal?: Refusal;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- module augmentation
  interface AppLoadContext extends RequestContext {}
}

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}
