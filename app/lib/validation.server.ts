import { z } from "zod";
import { pillarKeys } from "./pillars";

/**
 * Field helpers shared by every form's schema, so every form says the same thing the same way.
 * Conform turns an empty field into `undefined` and a repeated field into an array: both come
 * back here as a clear message, never as a crash.
 */
function typeError(label: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined
      ? `Enter ${label.toLowerCase()}.`
      : Array.isArray(issue.input)
        ? `${label} was sent more than once: send one value.`
        : `${label} must be text.`;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** One line of text (names, titles): no line breaks, no control characters. */
export function singleLine(label: string, max: number, min = 1) {
  return z
    .string({ error: typeError(label) })
    .trim()
    .min(min, `Enter ${label.toLowerCase()}.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((v) => !/[\r\n]/.test(v) && !CONTROL.test(v), `${label} must be a single line of text.`);
}

/** Text that may have paragraphs. */
export function multiLine(label: string, max: number, min = 1) {
  return z
    .string({ error: typeError(label) })
    .trim()
    .min(min, `Enter ${label.toLowerCase()}.`)
    .max(max, `${label} must be at most ${max.toLocaleString("en-US")} characters.`)
    .refine((v) => !CONTROL.test(v), `${label} contains characters that are not text.`);
}

/*
 * Optional fields: conform turns an empty field into `undefined` before the schema sees it, so
 * optional text is `.optional()` and becomes "" afterwards.
 */
export function optionalMultiLine(label: string, max: number) {
  return multiLine(label, max, 0)
    .optional()
    .transform((v) => v ?? "");
}

export function optionalSingleLine(label: string, max: number) {
  return singleLine(label, max, 0)
    .optional()
    .transform((v) => v ?? "");
}

export function email(label = "Email") {
  return singleLine(label, 254)
    .transform((v) => v.toLowerCase())
    .refine((v) => z.email().safeParse(v).success, `Enter a valid email address, like name@example.org.`);
}

export function password(label = "Password") {
  return z
    .string({ error: typeError(label) })
    .min(10, `${label} must be at least 10 characters.`)
    .max(200, `${label} must be at most 200 characters.`);
}

/** The password typed to sign in: checked only for presence and size. */
export function currentPassword(label = "Password") {
  return z
    .string({ error: typeError(label) })
    .min(1, `Enter your ${label.toLowerCase()}.`)
    .max(200, `${label} must be at most 200 characters.`);
}

/**
 * An optional website, http or https only. An address typed without its scheme ("example.org") gets https:// added,
 * then is checked like any other.
 */
export function optionalWebsite(label = "Website") {
  return optionalSingleLine(label, 500)
    .transform((v) => (v !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(v) ? `https://${v.replace(/^\/+/, "")}` : v))
    .refine((v) => {
      if (v === "") return true;
      try {
        const url = new URL(v);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.includes(".");
      } catch {
        return false;
      }
    }, `${label} must be a web address, like https://example.org.`);
}

/** A checkbox: present ("on", which conform turns into true) means yes, absent means no. */
export function checkbox(label: string) {
  return z
    .boolean({ error: `${label} must be checked or not.` })
    .optional()
    .transform((v) => v ?? false);
}

/** A set of pillar checkboxes (one name, several values); at least `min` chosen. */
export function pillarChoice(min: number) {
  return z
    .array(z.enum(pillarKeys, { error: "Choose pillars from the list." }), { error: "Choose pillars from the list." })
    .optional()
    .transform((list) => [...new Set(list ?? [])])
    .refine((list) => list.length >= min, min === 1 ? "Choose at least one pillar." : `Choose at least ${min} pillars.`);
}

export function uuid(label: string) {
  return z.string({ error: typeError(label) }).uuid(`${label} is not valid.`);
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
