// The REST routes' GraphQL operations: every named operation in operations/*.graphql, each with the fragments it uses.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
  visit,
} from "graphql";
import { PROJECT_ROOT } from "../../platform/project-root.js";

export interface RestOperation {
  name: string;
  /**
   * The exact document the gateway executes for this operation: the operation and the fragments it uses,
   * printed. Stable from build to build, so it can be listed in a trusted-documents manifest by hash.
   */
  source: string;
  definition: OperationDefinitionNode;
  /** Every fragment of the folder by name (fragments are shared across files). */
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

const OPERATIONS_DIR = pathToFileURL(join(PROJECT_ROOT, "gateway/rest/operations/"));

function spreadNames(selectionSet: SelectionSetNode): string[] {
  const names: string[] = [];
  visit(selectionSet, { FragmentSpread: (node) => void names.push(node.name.value) });
  return names;
}

/** Parses every `.graphql` file of `dir`; throws on duplicate names, unnamed operations or missing fragments. */
export function loadRestOperations(dir: URL = OPERATIONS_DIR): ReadonlyMap<string, RestOperation> {
  const definitions: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".graphql"))
    .sort()) {
    const document = parse(readFileSync(new URL(file, dir), "utf8"), { noLocation: true });
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(definition.name.value))
          throw new Error(`${file}: fragment ${definition.name.value} is defined twice`);
        fragments.set(definition.name.value, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) throw new Error(`${file}: every REST operation needs a name`);
        definitions.push(definition);
      } else {
        throw new Error(`${file}: only operations and fragments belong here`);
      }
    }
  }
  const operations = new Map<string, RestOperation>();
  for (const definition of definitions) {
    const name = definition.name!.value;
    if (operations.has(name)) throw new Error(`operation ${name} is defined twice`);
    const used = new Set<string>();
    const pending = spreadNames(definition.selectionSet);
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (used.has(next)) continue;
      const fragment = fragments.get(next);
      if (!fragment) throw new Error(`operation ${name} spreads unknown fragment ${next}`);
      used.add(next);
      pending.push(...spreadNames(fragment.selectionSet));
    }
    const document = {
      kind: Kind.DOCUMENT,
      definitions: [definition, ...[...used].sort().map((f) => fragments.get(f)!)],
    } as const;
    operations.set(name, { name, source: print(document), definition, fragments });
  }
  return operations;
}
