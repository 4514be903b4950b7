/** A readable, stable address part from a title: "Coverage for Prosthetic Care" → "coverage-for-prosthetic-care". */
export function slugify(title: string, maxLength = 80): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (base.length <= maxLength) return base || "position";
  const cut = base.slice(0, maxLength);
  return cut.slice(0, cut.lastIndexOf("-") > 20 ? cut.lastIndexOf("-") : maxLength).replace(/-+$/, "");
}
