import type { AppLoadContext } from "@remix-run/node";
import { fileTypeFromBuffer } from "file-type";
import crypto from "node:crypto";
import { recordAudit } from "../../db/queries/audit";
import { deleteLogo, getLogoInfo, getLogoWithStatus, saveLogo } from "../../db/queries/logos";
import { getOrganizationForUpdate } from "../../db/queries/organizations";
import { imageSize } from "../lib/image-size";
import { LOGO_MAX_BYTES, LOGO_TYPES, isLogoType, logoPath } from "../lib/logos";
import { UserFacingError } from "./auth.server";
import { isUuid } from "../lib/uuid";

export const LOGO_TOO_LARGE = "The logo is larger than 512 KB. Save it smaller (a few hundred pixels wide is plenty) and upload it again.";

/** What the file's first bytes say it is, in words for the refusal message. */
function describeRefused(bytes: Uint8Array, detected: string | undefined): string {
  const head = Buffer.from(bytes.subarray(0, 512)).toString("utf8").trimStart().toLowerCase();
  if (head.startsWith("<") || head.includes("<svg") || head.includes("<html")) {
    return "This file is SVG or HTML (text that a browser would run), not a picture, whatever its name says. Upload a PNG, JPEG or WebP image.";
  }
  return `This file is ${detected ? `a ${detected} file` : "not a picture we can read"}, whatever its name says. Upload a PNG, JPEG or WebP image.`;
}

/**
 * Stores an organization's logo after checking its bytes (not its name or the type the browser
 * claims): PNG, JPEG or WebP, at most 512 KB. Anything else, SVG and HTML included, is refused.
 */
export async function uploadLogo(context: AppLoadContext, actorId: string, organizationId: string, file: File) {
  if (!isUuid(organizationId)) return null;
  if (file.size === 0) throw new UserFacingError("Choose a logo file to upload.", 400, "logo");
  if (file.size > LOGO_MAX_BYTES) throw new UserFacingError(LOGO_TOO_LARGE, 413, "logo");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !isLogoType(detected.mime)) {
    throw new UserFacingError(describeRefused(bytes, detected?.ext.toUpperCase()), 415, "logo");
  }
  const contentType = detected.mime;
  const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
  const size = imageSize(bytes, contentType);
  const saved = await context.database.db.transaction(async (tx) => {
    if (!(await getOrganizationForUpdate(tx, organizationId))) return null;
    await saveLogo(tx, organizationId, { contentType, bytes, sha256, width: size?.width ?? null, height: size?.height ?? null });
    await recordAudit(tx, {
      actorId,
      action: "organization.logo.updated",
      subjectType: "organization",
      subjectId: organizationId,
      after: { contentType, bytes: bytes.byteLength, sha256 },
    });
    return { contentType, sha256 };
  });
  if (saved) context.pages.invalidate("organizations");
  return saved;
}

export async function removeLogo(context: AppLoadContext, actorId: string, organizationId: string) {
  if (!isUuid(organizationId)) return false;
  const removed = await context.database.db.transaction(async (tx) => {
    if (!(await deleteLogo(tx, organizationId))) return false;
    await recordAudit(tx, {
      actorId,
      action: "organization.logo.removed",
      subjectType: "organization",
      subjectId: organizationId,
    });
    return true;
  });
  if (removed) context.pages.invalidate("organizations");
  return removed;
}

/** The logo as the organization's page shows it. */
export async function getLogoForConveners(context: AppLoadContext, organizationId: string) {
  if (!isUuid(organizationId)) return null;
  const info = await getLogoInfo(context.database.db, organizationId);
  return info ? { src: logoPath(organizationId, info.sha256, info.contentType), width: info.width, height: info.height } : null;
}

/**
 * The logo file at `/logos/:organizationId/:sha256.:ext`, or null: an unknown organization, one
 * that left the coalition, an old hash or the wrong extension all answer the same 404.
 */
export async function getLogoFile(context: AppLoadContext, organizationId: string, file: string) {
  const match = /^([0-9a-f]{64})\.([a-z]+)$/.exec(file);
  if (!isUuid(organizationId) || !match) return null;
  const logo = await getLogoWithStatus(context.database.db, organizationId);
  if (!logo || logo.status === "left" || logo.sha256 !== match[1]) return null;
  if (!isLogoType(logo.contentType) || LOGO_TYPES[logo.contentType] !== match[2]) return null;
  return { contentType: logo.contentType, bytes: logo.bytes, sha256: logo.sha256 };
}
