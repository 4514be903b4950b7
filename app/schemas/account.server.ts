import { z } from "zod";
import { currentPassword, email, password, singleLine } from "../lib/validation.server";

/** Account forms (log in, forgot, setup, reset, invitation): on the server only, like every schema. */
export const loginSchema = z.object({
  email: email(),
  password: currentPassword(),
  redirectTo: z.string().max(2000).optional(),
});

export const forgotSchema = z.object({ email: email() });

export const setupSchema = z.object({
  token: z.string().max(100),
  name: singleLine("Name", 200),
  email: email(),
  password: password(),
});

export const resetSchema = z.object({ password: password("New password") });

export const invitationSchema = z.object({ name: singleLine("Name", 200), password: password() });
