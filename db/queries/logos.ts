import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { organizationLogos, organizations } from "../schema";

export interface LogoFile {
  contentType: string;
  bytes: Uint8Array;
  sha256: string;
  width: number | null;
  height: number | null;
}

/** Stores (or replaces) an organization's logo. */
export async function saveLogo(db: Db, organizationId: string, logo: LogoFile) {
  const values = { ...logo, updatedAt: new Date() };
  await db
    .insert(organizationLogos)
    .values({ organizationId, ...values })
    .onConflictDoUpdate({ target: organizationLogos.organizationId, set: values });
}

/** Removes an organization's logo; true when there was one. */
export async function deleteLogo(db: Db, organizationId: string): Promise<boolean> {
  const rows = await db
    .delete(organizationLogos)
    .where(eq(organizationLogos.organizationId, organizationId))
    .returning({ id: organizationLogos.organizationId });
  return rows.length > 0;
}

/** A logo's description without its bytes (for pages that link to it). */
export async function getLogoInfo(db: Db, organizationId: string) {
  const [row] = await db
    .select({
      contentType: organizationLogos.contentType,
      sha256: organizationLogos.sha256,
      width: organizationLogos.width,
      height: organizationLogos.height,
    })
    .from(organizationLogos)
    .where(eq(organizationLogos.organizationId, organizationId));
  return row ?? null;
}

/** A logo with its bytes and its organization's status (logos of organizations that left are not served). */
export async function getLogoWithStatus(db: Db, organizationId: string) {
  const [row] = await db
    .select({
      contentType: organizationLogos.contentType,
      bytes: organizationLogos.bytes,
      sha256: organizationLogos.sha256,
      status: organizations.status,
    })
    .from(organizationLogos)
    .innerJoin(organizations, eq(organizations.id, organizationLogos.organizationId))
    .where(eq(organizationLogos.organizationId, organizationId));
  return row ?? null;
}
