// Tests that drive an outside tool (kcat, Chromium): on a developer's machine they skip, with the install hint,
// when the tool is missing; under CI=true a missing tool is a failure, never a quiet skip.

/** True when the tool is here; false (skip) locally; throws under CI, failing the test file that needs it. */
export function toolAvailable(tool: string, present: boolean, install: string): boolean {
  if (present) return true;
  if (process.env.CI === "true")
    throw new Error(
      `${tool} is missing but CI=true: CI must install it (${install}); its tests cannot skip.`,
    );
  console.warn(`${tool} is missing: its tests skip here (${install})`);
  return false;
}
