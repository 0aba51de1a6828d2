// The pure half of `npm run doctor`: what each observation means and how to fix it.

export interface CheckResult {
  name: string;
  /** A required check that fails makes doctor exit 1; optional ones only warn. */
  required: boolean;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** `>=20.11` style engines ranges (the only form package.json uses); true when `version` satisfies it. */
export function satisfiesMinimum(version: string, range: string): boolean {
  const wanted = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  const have = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!wanted || !have) return false;
  const need = [wanted[1], wanted[2], wanted[3]].map((n) => Number(n ?? 0));
  const got = [have[1], have[2], have[3]].map(Number);
  for (let i = 0; i < 3; i++) {
    if ((got[i] ?? 0) !== (need[i] ?? 0)) return (got[i] ?? 0) > (need[i] ?? 0);
  }
  return true;
}

export function nodeCheck(version: string, range: string): CheckResult {
  const ok = satisfiesMinimum(version, range);
  return {
    name: "Node.js",
    required: true,
    ok,
    detail: `${version} (package.json engines: ${range})`,
    fix: ok ? undefined : `install Node.js ${range.replace(">=", "")} or newer (e.g. \`nvm install 22\`)`,
  };
}

export function npmCheck(version: string | null): CheckResult {
  return {
    name: "npm",
    required: true,
    ok: version !== null,
    detail: version ?? "not found on PATH",
    fix: version ? undefined : "npm ships with Node.js: reinstall Node.js from nodejs.org or nvm",
  };
}

export function dependenciesCheck(installed: boolean): CheckResult {
  return {
    name: "node_modules",
    required: true,
    ok: installed,
    detail: installed ? "installed" : "missing",
    fix: installed ? undefined : "run `npm install`",
  };
}

/** A port we would listen on; taken is fine when Tributary itself is what holds it (`running` names the part). */
export function portCheck(label: string, port: number, free: boolean, running?: string): CheckResult {
  if (!free && running) {
    return {
      name: `port ${port}`,
      required: true,
      ok: true,
      detail: `${label}: in use by Tributary's own ${running} (already running; Ctrl-C it before \`npm start\`)`,
    };
  }
  return {
    name: `port ${port}`,
    required: true,
    ok: free,
    detail: `${label}: ${free ? "free" : "in use"}`,
    fix: free
      ? undefined
      : `stop what listens on ${port} (\`lsof -i :${port}\`), or move Tributary with GATEWAY_PORT / BROKER_PORT`,
  };
}

export function dataDirCheck(dir: string, writable: boolean): CheckResult {
  return {
    name: "DATA_DIR",
    required: true,
    ok: writable,
    detail: `${dir}: ${writable ? "writable" : "not writable"}`,
    fix: writable ? undefined : `make ${dir} writable, or point DATA_DIR elsewhere`,
  };
}

/** host:port of a postgres://, redis:// or bare host:port address, with the scheme's default port. */
export function endpointOf(address: string): { host: string; port: number } | null {
  const defaults: Record<string, number> = { "postgres:": 5432, "postgresql:": 5432, "redis:": 6379 };
  if (!address.includes("://")) {
    const at = address.lastIndexOf(":");
    const port = Number(address.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0) return null;
    return { host: address.slice(0, at), port };
  }
  if (!URL.canParse(address)) return null;
  const url = new URL(address);
  const port = url.port ? Number(url.port) : defaults[url.protocol];
  return port ? { host: url.hostname, port } : null;
}

/** A service named in the environment: reachable or not (it is required once it is configured). */
export function serviceCheck(variable: string, address: string, reachable: boolean): CheckResult {
  return {
    name: variable,
    required: true,
    ok: reachable,
    detail: `${address}: ${reachable ? "reachable" : "unreachable"}`,
    fix: reachable ? undefined : `start it (\`npm run up\` starts all of them), or unset ${variable}`,
  };
}

export function toolCheck(tool: string, present: boolean, purpose: string): CheckResult {
  return {
    name: tool,
    required: false,
    ok: present,
    detail: present ? "found" : `not found (${purpose})`,
    fix: present ? undefined : `optional: install ${tool} for ${purpose}`,
  };
}

/** The report doctor prints, and its exit code: 1 when any required check failed. */
export function summarize(results: readonly CheckResult[]): { lines: string[]; exitCode: 0 | 1 } {
  const lines = results.map((r) => {
    const mark = r.ok ? "ok  " : r.required ? "FAIL" : "warn";
    return `${mark}  ${r.name.padEnd(14)} ${r.detail}${r.fix ? `\n      -> ${r.fix}` : ""}`;
  });
  const failed = results.filter((r) => r.required && !r.ok).length;
  lines.push(
    failed === 0
      ? "\nEverything Tributary needs is here: `npm start`."
      : `\n${failed} required check${failed === 1 ? "" : "s"} failed; fix ${failed === 1 ? "it" : "them"} and run \`npm run doctor\` again.`,
  );
  return { lines, exitCode: failed === 0 ? 0 : 1 };
}

/** The major version in `docker compose version` / `docker-compose --version` output, or null. */
export function composeMajor(output: string | null): number | null {
  const match = /version\s+v?(\d+)\./i.exec(output ?? "");
  return match ? Number(match[1]) : null;
}

/** Why `npm run up` cannot run here and what to install; null when Compose v2 is present. */
export function composeGuidance(
  docker: string | null,
  compose: string | null,
  legacy: string | null,
): string | null {
  if ((composeMajor(compose) ?? 0) >= 2) return null;
  const lines = [
    docker
      ? "`npm run up` needs Docker Compose v2 (the `docker compose` plugin); `docker compose version` fails here."
      : "`npm run up` needs Docker with Compose v2 (`docker compose`); docker is not on PATH.",
  ];
  if (legacy) {
    lines.push(
      `Found ${legacy}: that is Compose v1 (Debian's docker-compose package), which rejects docker-compose.yml's top-level \`name:\`.`,
    );
  }
  lines.push(
    "Install it:",
    "  - Docker Desktop (macOS, Windows) includes it.",
    "  - Linux: the docker-compose-plugin package from Docker's apt/dnf repository, or the compose binary in",
    "    ~/.docker/cli-plugins/ (https://docs.docker.com/compose/install/linux/).",
    "Without Docker, `npm start` runs the whole stack on this machine (embedded Postgres and broker).",
  );
  return lines.join("\n");
}

export function composeCheck(
  docker: string | null,
  compose: string | null,
  legacy: string | null,
): CheckResult {
  const ok = composeGuidance(docker, compose, legacy) === null;
  const missing = docker ? `no Compose v2 plugin${legacy ? ` (${legacy} is v1)` : ""}` : "no docker";
  return {
    name: "docker compose",
    required: false,
    ok,
    detail: ok ? (compose ?? "found") : `${missing}: \`npm run up\` cannot run`,
    fix: ok
      ? undefined
      : "optional: Compose v2 comes with Docker Desktop; on Linux install docker-compose-plugin (https://docs.docker.com/compose/install/linux/)",
  };
}

/**
 * Which of Tributary's own parts answers on a port, from its /health and /ready bodies: a subgraph names itself
 * in /health, the gateway's /ready reports its subgraphs and Kafka. Null for anything else.
 */
export function identifyTributary(health: unknown, ready: unknown): string | null {
  const h = health as { status?: unknown; subgraph?: unknown } | null;
  if (h && typeof h.subgraph === "string" && typeof h.status === "string") return `${h.subgraph} subgraph`;
  const r = ready as { subgraphs?: unknown; kafka?: unknown } | null;
  if (r && typeof r.subgraphs === "object" && r.subgraphs !== null && "kafka" in r) return "gateway";
  return null;
}
