import type { LogoType } from "./image-size";

export const LOGO_TYPES: Record<LogoType, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };
export const LOGO_MAX_BYTES = 512 * 1024;

export function isLogoType(value: string): value is LogoType {
  return Object.hasOwn(LOGO_TYPES, value);
}

/**
 * Where a logo is served. The content hash is in the address, so the file under one address
 * never changes and can be cached for a year; a new logo gets a new address.
 */
export function logoPath(organizationId: string, sha256: string, contentType: string): string {
  const ext = isLogoType(contentType) ? LOGO_TYPES[contentType] : "bin";
  return `/logos/${organizationId}/${sha256}.${ext}`;
}
