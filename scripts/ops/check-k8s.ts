// `npm run k8s:check`: renders every deploy/k8s overlay and validates each object offline (no cluster).

import { findKubectl } from "./k8s/kubectl.ts";
import { overlayNames, renderOverlay } from "./k8s/render.ts";
import { validateObject } from "./k8s/validate.ts";

let failed = false;
let kubectl: string;
try {
  kubectl = findKubectl();
} catch (error) {
  console.error(`FAIL  ${(error as Error).message}`);
  process.exit(1);
}
for (const overlay of overlayNames()) {
  let objects: Awaited<ReturnType<typeof renderOverlay>>;
  try {
    objects = renderOverlay(overlay, kubectl);
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    console.error(`FAIL  ${overlay}: kustomize could not render it\n${stderr || message}`);
    failed = true;
    continue;
  }
  const problems = (await Promise.all(objects.map(validateObject))).flat();
  for (const problem of problems) console.error(`FAIL  ${overlay}: ${problem}`);
  if (problems.length === 0) {
    const kinds = new Map<string, number>();
    for (const o of objects) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
    const summary = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
    console.log(`ok    ${overlay}: ${objects.length} objects valid (${summary})`);
  } else failed = true;
}
process.exitCode = failed ? 1 : 0;
