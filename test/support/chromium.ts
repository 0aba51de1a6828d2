// Debian's Chromium for the browser suites, started the way this machine's closed network needs.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { toolAvailable } from "../../events/testing/tools.ts";

const CHROMIUM = "/usr/bin/chromium";

/** Present: run; missing: skip locally, fail under CI (events/testing/tools.ts). */
export const hasChromium = toolAvailable(CHROMIUM, existsSync(CHROMIUM), "apt-get install -y chromium");

/** Headless, and without the background calls to Google's hosts that a closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
