// Password hashing with scrypt (memory-hard); the parameters are stored with each hash so they can be raised later.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Tens of milliseconds and 16 MiB of memory per hash: cheap for one login, costly to brute-force in bulk. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  // Node refuses more than 32 MiB by default; allow what the parameters actually need (128 * N * r) plus slack.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | null {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Object.values(params).every((v) => Number.isSafeInteger(v) && v > 0)) return null;
  return { params, salt: Buffer.from(salt, "base64url"), key: Buffer.from(key, "base64url") };
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when a hash was made with other parameters than today's, so a successful login can upgrade it. */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parse(stored);
  return (
    !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p
  );
}

/**
 * Hashing at one cost: new hashes, the upgrade check and the decoy all use `params`, so a sign-in with an
 * unknown email costs the same as one with a known email.
 */
export function createPasswords(params: ScryptParams = DEFAULT_SCRYPT) {
  let decoy: Promise<string> | undefined;
  const prepareDecoy = async () => {
    decoy ??= hashPassword(randomBytes(16).toString("base64url"), params);
    return decoy;
  };
  return {
    hash: (password: string) => hashPassword(password, params),
    verify: verifyPassword,
    needsRehash: (stored: string) => needsRehash(stored, params),
    /** Makes the decoy ahead of time, so the first sign-in with an unknown email is not the slow one. */
    prepareDecoy: async () => {
      await prepareDecoy();
    },
    /** Spends the time of a real check for an email nobody registered: timing does not reveal accounts. */
    spendDecoy: async (password: string) => {
      await verifyPassword(password, await prepareDecoy());
    },
  };
}

export type Passwords = ReturnType<typeof createPasswords>;
