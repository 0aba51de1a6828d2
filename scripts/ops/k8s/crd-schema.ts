// `node --import tsx scripts/ops/k8s/crd-schema.ts CRD.yaml VERSION OUT.json`: one version of a
// CustomResourceDefinition as a JSON schema for offline validation (deploy/k8s/schemas/). Strict as
// `kubeconform -strict`: an object that lists its properties accepts no others, unless the CRD marks it
// x-kubernetes-preserve-unknown-fields. Descriptions are dropped; they only make the file larger.
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

type Schema = { [key: string]: unknown };

/** OpenAPI v3 as Kubernetes uses it, turned into the JSON-schema subset ajv checks. */
export function toJsonSchema(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "description") continue;
    if (key === "properties" || key === "patternProperties") {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([name, child]) => [name, toJsonSchema(child)]),
      );
    } else if (key === "items" || key === "additionalProperties" || key === "not") {
      out[key] = typeof value === "object" && value !== null ? toJsonSchema(value as Schema) : value;
    } else if (key === "allOf" || key === "anyOf" || key === "oneOf") {
      out[key] = (value as Schema[]).map(toJsonSchema);
    } else if (key === "nullable") {
      // JSON schema has no `nullable`; null joins the allowed types instead, below.
    } else {
      out[key] = value;
    }
  }
  if (node.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  // int-or-string fields carry `anyOf` (integer, string) beside the marker; without it, allow both.
  if (node["x-kubernetes-int-or-string"] === true && !out.anyOf) out.type = ["integer", "string"];
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !node["x-kubernetes-preserve-unknown-fields"]
  )
    out.additionalProperties = false;
  return out;
}

interface Crd {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: Schema } }[];
  };
}

export function crdVersionSchema(crdYaml: string, version: string): Schema {
  const crd = parseAllDocuments(crdYaml)
    .map((doc) => doc.toJS() as Crd | null)
    .find((doc) => doc?.kind === "CustomResourceDefinition");
  if (!crd) throw new Error("no CustomResourceDefinition in the file");
  const served = crd.spec.versions.find((v) => v.name === version);
  if (!served) throw new Error(`the CRD has no version ${version}`);
  const schema = toJsonSchema(served.schema.openAPIV3Schema);
  // metadata is checked as the API server would: by the Kubernetes ObjectMeta rules, not by the CRD.
  const properties = schema.properties as Record<string, Schema>;
  properties.apiVersion = { enum: [`${crd.spec.group}/${version}`] };
  properties.kind = { enum: [crd.spec.names.kind] };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    ...schema,
    required: ["apiVersion", "kind", "metadata"],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, version, output] = process.argv.slice(2);
  if (!input || !version || !output) {
    console.error("usage: crd-schema.ts CRD.yaml VERSION OUT.json");
    process.exit(2);
  }
  writeFileSync(
    output,
    `${JSON.stringify(crdVersionSchema(readFileSync(input, "utf8"), version), null, 1)}\n`,
  );
}
