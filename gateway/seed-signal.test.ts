import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SEEDED_MESSAGE } from "./seed-signal.ts";

const CHILD = fileURLToPath(new URL("../test/support/seed-signal-child.ts", import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
});

function nextMessage(from: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => from.once("message", resolve));
}

describe("the seed gate", () => {
  it("opens when the parent (npm start) says the demo data is seeded", async () => {
    child = fork(CHILD, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    expect(await nextMessage(child)).toEqual({ seeded: false });
    child.send({ type: "something else" });
    child.send("ask");
    expect(await nextMessage(child)).toEqual({ seeded: false });
    child.send(SEEDED_MESSAGE);
    child.send("ask");
    expect(await nextMessage(child)).toEqual({ seeded: true });
  });
});
