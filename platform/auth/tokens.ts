// Access tokens: signed by accounts, verified by the gateway and again by every subgraph.
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { unauthenticated } from "../errors.ts";

export const ROLES = ["CUSTOMER", "AUTHOR", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking. `null` everywhere means an anonymous caller. */
export interface Viewer {
  id: string;
  roles: Role[];
}

export interface TokenSettings {
  algorithm: "HS256" | "RS256";
  /** HS256 shared secret. */
  secret?: string;
  /** RS256: PEM private key (accounts only signs) and public key (everyone verifies). */
  privateKey?: string;
  publicKey?: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  /** Tolerated clock difference between hosts when checking exp/nbf. */
  clockToleranceSeconds: number;
}

export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.roles.includes("ADMIN") ?? false;
}

/**
 * Given a string, jsonwebtoken builds a KeyObject on every call, first trying to parse the key as PEM,
 * which throws for every HS256 secret: a thrown and caught error per sign or verify, on every request at
 * every hop. Built once per settings object instead.
 */
const keyObjects = new WeakMap<TokenSettings, { signing?: KeyObject; verifying?: KeyObject }>();

function keysOf(settings: TokenSettings): { signing?: KeyObject; verifying?: KeyObject } {
  const cached = keyObjects.get(settings);
  if (cached) return cached;
  const keys = {};
  keyObjects.set(settings, keys);
  return keys;
}

function signingKey(settings: TokenSettings): KeyObject {
  const keys = keysOf(settings);
  if (keys.signing) return keys.signing;
  const key = settings.algorithm === "HS256" ? settings.secret : settings.privateKey;
  if (!key) throw new Error(`No signing key configured for ${settings.algorithm}`);
  keys.signing = settings.algorithm === "HS256" ? createSecretKey(Buffer.from(key)) : createPrivateKey(key);
  return keys.signing;
}

function verifyingKey(settings: TokenSettings): KeyObject {
  const keys = keysOf(settings);
  if (keys.verifying) return keys.verifying;
  const key = settings.algorithm === "HS256" ? settings.secret : settings.publicKey;
  if (!key) throw new Error(`No verification key configured for ${settings.algorithm}`);
  keys.verifying = settings.algorithm === "HS256" ? createSecretKey(Buffer.from(key)) : createPublicKey(key);
  return keys.verifying;
}

export function signAccessToken(settings: TokenSettings, viewer: Viewer): { token: string; expiresAt: Date } {
  const token = jwt.sign({ roles: viewer.roles }, signingKey(settings), {
    algorithm: settings.algorithm,
    subject: viewer.id,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: settings.accessTokenTtlSeconds,
  });
  const { exp } = jwt.decode(token) as { exp: number };
  return { token, expiresAt: new Date(exp * 1000) };
}

export interface VerifiedToken {
  viewer: Viewer;
  expiresAt: Date;
}

/** Verifies signature (algorithm pinned: `alg: none` and swapped algorithms fail), exp, nbf, iss and aud. */
export function verifyAccessToken(settings: TokenSettings, token: string): VerifiedToken {
  let claims: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, verifyingKey(settings), {
      algorithms: [settings.algorithm],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: settings.clockToleranceSeconds,
    });
    if (typeof decoded === "string") throw new Error("unexpected string payload");
    claims = decoded;
  } catch (error) {
    const reason =
      error instanceof jwt.TokenExpiredError ? "The access token has expired" : "The access token is invalid";
    throw unauthenticated(`${reason}; sign in again.`);
  }
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is Role => ROLES.includes(r)) : [];
  if (!claims.sub || claims.exp === undefined)
    throw unauthenticated("The access token is missing sub or exp.");
  return { viewer: { id: claims.sub, roles }, expiresAt: new Date(claims.exp * 1000) };
}

/** Reads "Bearer <token>": no header is anonymous, a bad header is an error (never silently anonymous). */
export function verifyAuthorizationHeader(
  settings: TokenSettings,
  header: string | undefined | null,
): VerifiedToken | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return verifyAccessToken(settings, match[1]);
}
