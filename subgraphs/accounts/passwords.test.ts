import { describe, expect, it } from "vitest";
import { createPasswords, hashPassword, needsRehash, verifyPassword } from "./passwords.ts";

describe("password hashing", () => {
  it("stores scrypt with its parameters, salt and hash, and verifies only the right password", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterz", stored)).toBe(false);
  });

  it("salts every hash, so equal passwords give different hashes", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("verifies with the parameters stored in the hash, and flags old parameters for rehashing", async () => {
    const cheap = await hashPassword("password one", { N: 1024, r: 8, p: 1 });
    expect(cheap.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await verifyPassword("password one", cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword("password one"))).toBe(false);
  });

  it("never matches a malformed stored hash", async () => {
    for (const stored of ["", "bcrypt$x", "scrypt$0$8$1$c2FsdA$a2V5", "scrypt$16384$8$1$$"]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("spends about as long on a decoy as on a real check", async () => {
    const passwords = createPasswords();
    const stored = await passwords.hash("warm up the decoy");
    await passwords.prepareDecoy();
    const time = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    // The fastest of three of each: a busy machine only ever adds time, so minimums compare the work itself.
    const fastest = async (work: () => Promise<unknown>) =>
      Math.min(await time(work), await time(work), await time(work));
    const real = await fastest(() => verifyPassword("guess", stored));
    const decoy = await fastest(() => passwords.spendDecoy("guess"));
    // Generous bounds: the machine is shared, but a skipped hash would be orders of magnitude faster.
    expect(decoy).toBeGreaterThan(real / 4);
  });
});
