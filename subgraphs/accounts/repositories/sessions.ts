// Refresh tokens: random, stored only as SHA-256 hashes, rotated on use; a replayed token revokes its family.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db } from "../../kit/database.ts";
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { refreshTokens } from "../db/schema.ts";

export interface IssuedRefreshToken {
  /** Handed to the client once; only its hash is kept. */
  token: string;
  familyId: string;
  expiresAt: Date;
}

export type RotateOutcome =
  | { ok: true; userId: string; next: IssuedRefreshToken }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "reused" };

/** 256 random bits: guessing one is hopeless, so a fast hash (not a password hash) is enough to store it. */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function createSessionsRepository({ transact }: UnitOfWork, ttlSeconds: number) {
  /** Inside the caller's transaction; a new family for a sign-in, the same family for a rotation. */
  async function issue(tx: Db, userId: string, familyId: string = randomUUID()): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString("base64url");
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    // Used tokens are kept to detect replays until they expire; after that they only take space.
    await tx
      .delete(refreshTokens)
      .where(and(eq(refreshTokens.userId, userId), lt(refreshTokens.expiresAt, now)));
    await tx
      .insert(refreshTokens)
      .values({ familyId, userId, tokenHash: hashRefreshToken(token), expiresAt });
    return { token, familyId, expiresAt };
  }

  return {
    issue,

    /**
     * Marks the presented token used and issues its successor, atomically: of two concurrent uses the
     * conditional UPDATE lets exactly one through; the other sees a used token, which is treated as a replay.
     */
    rotate(presented: string): Promise<RotateOutcome> {
      const tokenHash = hashRefreshToken(presented);
      return transact(async (tx): Promise<RotateOutcome> => {
        const now = new Date();
        const [claimed] = await tx
          .update(refreshTokens)
          .set({ usedAt: now })
          .where(
            and(
              eq(refreshTokens.tokenHash, tokenHash),
              isNull(refreshTokens.usedAt),
              isNull(refreshTokens.revokedAt),
              gt(refreshTokens.expiresAt, now),
            ),
          )
          .returning({ userId: refreshTokens.userId, familyId: refreshTokens.familyId });
        if (claimed) {
          return {
            ok: true,
            userId: claimed.userId,
            next: await issue(tx, claimed.userId, claimed.familyId),
          };
        }
        const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
        if (!row) return { ok: false, reason: "unknown" };
        if (row.revokedAt) return { ok: false, reason: "revoked" };
        if (row.usedAt) {
          // A rotated token came back: whoever holds the family may have stolen it, so nobody keeps it.
          await tx
            .update(refreshTokens)
            .set({ revokedAt: now })
            .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
          return { ok: false, reason: "reused" };
        }
        return { ok: false, reason: "expired" };
      });
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
