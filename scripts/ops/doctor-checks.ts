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

/** A port we would listen on; taken is fine when Tributary itself is what holds it. */
export function portCheck(label: string, port: number, free: boolean): CheckResult {
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
