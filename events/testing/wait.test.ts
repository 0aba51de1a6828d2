import { describe, expect, it } from "vitest";
import { eventually, waitFor } from "./wait.ts";

describe("the test waits", () => {
  it("eventually retries through null (a failed mutation's data), false, undefined and throws", async () => {
    const answers = [null, false, undefined, "throw", { follow: { id: "u1" } }];
    let calls = 0;
    const value = await eventually(
      async () => {
        const answer = answers[calls++];
        if (answer === "throw") throw new Error("not up yet");
        return answer;
      },
      2_000,
      1,
    );
    expect(value).toEqual({ follow: { id: "u1" } });
    expect(calls).toBe(answers.length);
  });

  it("eventually fails past its time with the last error", async () => {
    await expect(
      eventually(
        async () => {
          throw new Error("still down");
        },
        50,
        5,
      ),
    ).rejects.toThrow(/still down/);
  });

  it("waitFor fails at once when its check throws", async () => {
    await expect(
      waitFor(() => {
        throw new Error("broken check");
      }, "nothing"),
    ).rejects.toThrow(/broken check/);
  });
});
