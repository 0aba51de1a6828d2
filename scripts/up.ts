// `npm run up` / `down` / `logs`: Docker Compose v2 with the given arguments, or, when this machine has no
// `docker compose`, what to install instead of a bare "unknown command".
import { spawnSync } from "node:child_process";
import { composeGuidance } from "./ops/doctor-checks.ts";
import { commandOutput } from "./ops/probes.ts";

const args = process.argv.slice(2);
const guidance = composeGuidance(
  commandOutput("docker", ["--version"]),
  commandOutput("docker", ["compose", "version"]),
  commandOutput("docker-compose", ["--version"]),
);
if (guidance) {
  console.error(guidance);
  process.exit(1);
}
const run = spawnSync("docker", ["compose", ...args], { stdio: "inherit" });
process.exit(run.status ?? 1);
