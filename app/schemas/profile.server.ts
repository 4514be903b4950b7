import { z } from "zod";
import { currentPassword, isValidTimeZone, password, singleLine } from "../lib/validation.server";
export const profileSchema = z.object({
  intent: z.literal("profile"),
  name: singleLine("Name", 200),
  // The first option, "The coalition's zone", posts an empty value (which the form parser turns
  // into "absent"): that means no zone of one's own.
  timeZone: z.string().max(100).refine(isValidTimeZone, "Choose a time zone from the list.").optional(),
});
export const passwordSchema = z.object({
  intent: z.literal("password"),
  currentPassword: currentPassword("Current password"),
  newPassword: password("New password"),
});
