// accounts' input rules: emails, passwords, names and refresh tokens, each failure naming its field.
import { badInput } from "../../platform/errors.ts";
import { text } from "../kit/validation.ts";
import { normaliseEmail } from "./repositories/users.ts";

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL = 254;

export function email(value: string, field = "email"): string {
  const normalised = normaliseEmail(value);
  if (normalised.length > MAX_EMAIL)
    throw badInput(`${field} must have at most ${MAX_EMAIL} characters.`, field);
  if (!EMAIL.test(normalised))
    throw badInput(`${field} must be an email address such as ada@example.com.`, field);
  return normalised;
}

/** Counted in characters (code points), not UTF-16 units; never trimmed, since spaces may be part of it. */
export function password(value: string, field = "password"): string {
  const length = [...value].length;
  if (length < 8) throw badInput(`${field} must have at least 8 characters.`, field);
  if (length > 128) throw badInput(`${field} must have at most 128 characters.`, field);
  return value;
}

export function name(value: string, field = "name"): string {
  return text(value, field, { min: 1, max: 100 });
}

/** Sign-in checks only the shape: the password rule may have changed since an account was made. */
export function loginCredentials(emailValue: string, passwordValue: string) {
  if (emailValue.trim() === "") throw badInput("email must not be empty.", "email");
  if (emailValue.length > MAX_EMAIL)
    throw badInput(`email must have at most ${MAX_EMAIL} characters.`, "email");
  if (passwordValue === "") throw badInput("password must not be empty.", "password");
  if ([...passwordValue].length > 128)
    throw badInput("password must have at most 128 characters.", "password");
  return { email: normaliseEmail(emailValue), password: passwordValue };
}

export function refreshToken(value: string): string {
  // Ours are 43 characters; anything far longer is not worth hashing.
  if (value.length === 0 || value.length > 256) {
    throw badInput(
      "refreshToken must be the token returned by login, register or refreshToken.",
      "refreshToken",
    );
  }
  return value;
}
