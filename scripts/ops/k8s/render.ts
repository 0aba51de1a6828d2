// Renders deploy/k8s overlays with kustomize into plain objects, as `kubectl apply` would receive them.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { findKubectl } from "./kubectl.ts";

export const K8S_DIR = join(import.meta.dirname, "..", "..", "..", "deploy", "k8s");

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own spec; validation checks them.
  spec?: any;
  data?: Record<string, string>;
}

export const overlayNames = () =>
  readdirSync(join(K8S_DIR, "overlays"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/**
 * The base may read schemas/supergraph.graphql from outside its folder (one source of truth for the
 * supergraph), so kustomize's load restrictor is lifted, as the documented apply command does.
 */
export function renderOverlay(name: string, kubectl = findKubectl()): K8sObject[] {
  const output = execFileSync(
    kubectl,
    ["kustomize", "--load-restrictor", "LoadRestrictionsNone", join(K8S_DIR, "overlays", name)],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
  );
  return parseAllDocuments(output)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((doc): doc is K8sObject => doc !== null);
}
