// Reads the environment variables and their defaults out of the zod schemas' source, so the README's
// configuration table follows the code without every config module having to export its schema.
import ts from "typescript";

export interface Setting {
  name: string;
  /** What the schema falls back to, as shown to a reader; "unset" when optional. */
  defaultValue: string;
}

/** Named constants the schemas use as defaults, with what a reader should see. */
export type Constants = Record<string, string>;

const WRAPPERS = new Set(["int", "bool", "optionalBoolean"]);

/** The default an initializer like `int(200)`, `bool(true)` or `z.string().default("x")` gives. */
function defaultOf(node: ts.Expression, source: ts.SourceFile, constants: Constants): string {
  let found: ts.Expression | undefined;
  let optional = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : ts.isIdentifier(callee)
          ? callee.text
          : "";
      if ((name === "default" || WRAPPERS.has(name)) && n.arguments[0] && !found) found = n.arguments[0];
      if (name === "optional") optional = true;
    }
    if (ts.isIdentifier(n) && constants[n.text] !== undefined && !found) found = n;
    ts.forEachChild(n, visit);
  };
  visit(node);
  if (!found) return optional ? "unset" : "required";
  return render(found, source, constants);
}

function render(node: ts.Expression, source: ts.SourceFile, constants: Constants): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text || '""';
  if (ts.isIdentifier(node) && constants[node.text] !== undefined) return constants[node.text] ?? "";
  if (ts.isTemplateExpression(node)) {
    return (
      node.head.text +
      node.templateSpans
        .map((span) => render(span.expression, source, constants) + span.literal.text)
        .join("")
    );
  }
  const text = node.getText(source).replace(/_/g, "");
  // Constant arithmetic such as `1024 * 1024` or `30 * 24 * 3600`.
  if (/^[\d\s*+()-]+$/.test(text)) return String(Function(`return (${text});`)());
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return text;
  return `\`${node.getText(source)}\``;
}

/** Every `NAME: <zod>` property of the `z.object({...})` schemas in a TypeScript module. */
export function settingsFromSource(text: string, constants: Constants = {}): Setting[] {
  const source = ts.createSourceFile("config.ts", text, ts.ScriptTarget.ES2022, true);
  const settings: Setting[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "object" &&
      node.expression.expression.getText(source) === "z" &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      for (const property of node.arguments[0].properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const name = property.name.getText(source);
        // Environment variables only: the schemas of files (supergraph.yaml) use lower-case keys.
        if (!/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
        settings.push({ name, defaultValue: defaultOf(property.initializer, source, constants) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return settings;
}

/** `# NAME=value   # meaning` lines of .env.example: the prose each setting is documented with. */
export function meaningsFromEnvExample(text: string): Map<string, string> {
  const meanings = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=\S*(?:\s+#\s*(.*))?$/.exec(line.trim());
    if (match?.[1] && !meanings.has(match[1])) meanings.set(match[1], match[2]?.trim() ?? "");
  }
  return meanings;
}
