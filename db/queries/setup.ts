import type { Db } from "../client";
import { createOneTimeToken, revokeOneTimeTokens } from "./one-time-tokens";
import { countConveners } from "./people";

/**
 * While no convener exists, makes a fresh one-time setup token (earlier ones stop working) and
 * returns it; once a convener exists, returns null and no setup link works any more.
 */
export async function issueSetupToken(db: Db): Promise<string | null> {
  return db.transaction(async (tx) => {
    if ((await countConveners(tx)) > 0) return null;
    await revokeOneTimeTokens(tx, "setup");
    const { token } = await createOneTimeToken(tx, { purpose: "setup" });
    return token;
  });
}
