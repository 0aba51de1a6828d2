// Validates rendered objects offline, with no cluster: built-in kinds against the Kubernetes OpenAPI schemas
// that kubernetes-models compiles, custom resources (Strimzi, CloudNativePG) against the JSON schemas
// vendored in deploy/k8s/schemas/ (deploy/k8s/schemas/README.md says where each comes from).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { K8S_DIR, type K8sObject } from "./render.ts";

/** Groups whose kinds have no vendored schema because kubernetes-models carries them. */
const BUILT_IN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "policy",
  "autoscaling",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
]);

/** RFC 1123 subdomain: what the API server accepts as most objects' names. */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const crdValidators = new Map<string, ValidateFunction | null>();

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export const crdSchemaFile = (group: string, version: string, kind: string) =>
  join(K8S_DIR, "schemas", `${kind.toLowerCase()}-${group}-${version}.json`);

function crdValidator(group: string, version: string, kind: string): ValidateFunction | null {
  const file = crdSchemaFile(group, version, kind);
  if (!crdValidators.has(file))
    crdValidators.set(file, existsSync(file) ? ajv.compile(JSON.parse(readFileSync(file, "utf8"))) : null);
  return crdValidators.get(file) ?? null;
}

async function validateBuiltIn(object: K8sObject, group: string, version: string): Promise<string[]> {
  const path = `kubernetes-models/${group ? `${group}/` : ""}${version}/${object.kind}`;
  let model: new (data: unknown) => { validate(): void };
  try {
    model = (await import(path))[object.kind];
  } catch {
    return [`no Kubernetes schema for ${object.apiVersion} ${object.kind}`];
  }
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

function validateMetadata(object: K8sObject): string[] {
  const problems: string[] = [];
  const { name, labels = {} } = object.metadata ?? {};
  if (!name || name.length > 253 || !NAME.test(name))
    problems.push(`metadata.name "${name}" is not a valid name`);
  for (const [key, value] of Object.entries(labels))
    if (value.length > 63 || !LABEL_VALUE.test(value))
      problems.push(`label ${key}="${value}" is not a valid value`);
  return problems;
}

/** Every problem of one object, as `Kind/name: problem` lines; empty when it is valid. */
export async function validateObject(object: K8sObject): Promise<string[]> {
  const { group, version } = splitApiVersion(object.apiVersion ?? "");
  const problems = validateMetadata(object);
  if (BUILT_IN_GROUPS.has(group)) problems.push(...(await validateBuiltIn(object, group, version)));
  else {
    const validate = crdValidator(group, version, object.kind);
    if (!validate) problems.push(`no schema for ${object.apiVersion} ${object.kind} in deploy/k8s/schemas/`);
    else if (!validate(object))
      problems.push(
        ...(validate.errors ?? []).map(
          (e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`,
        ),
      );
  }
  return problems.map((problem) => `${object.kind}/${object.metadata?.name}: ${problem}`);
}
