// What `npm start` prints once everything answers: the URLs, worded for the mode (no explorer in production),
// and the accounts to sign in with.
import { DEMO_PASSWORD, demoUser } from "../seed/demo.ts";

export interface BannerRow {
  part: string;
  url: string;
}

export interface BannerInput {
  gatewayUrl: string;
  /** Sandbox and the local explorer are served (development, or SANDBOX=true). */
  developerTools: boolean;
  subgraphs: BannerRow[];
  kafka: string;
  /** Set when the demo data is in: who to sign in as. */
  accounts?: DemoAccounts;
}

export interface DemoAccounts {
  admin: { email: string; password?: string };
  users: string[];
  password: string;
}

/** The admin and the first three seeded users; the admin's password only when it is the development default. */
export function demoAccounts(adminEmail: string, adminPassword: string | undefined): DemoAccounts {
  return {
    admin: { email: adminEmail, password: adminPassword },
    users: [0, 1, 2].map((i) => demoUser(i).email),
    password: DEMO_PASSWORD,
  };
}

export function bannerRows(input: BannerInput): BannerRow[] {
  const { gatewayUrl } = input;
  const ws = gatewayUrl.replace(/^http/, "ws");
  return [
    { part: input.developerTools ? "GraphQL + Sandbox" : "GraphQL", url: `${gatewayUrl}/graphql` },
    ...(input.developerTools ? [{ part: "Explorer (offline)", url: `${gatewayUrl}/graphiql` }] : []),
    { part: "Subscriptions", url: `${ws}/graphql (graphql-ws), ${gatewayUrl}/graphql/stream (SSE)` },
    { part: "REST API reference", url: `${gatewayUrl}/docs` },
    { part: "Health / readiness", url: `${gatewayUrl}/health, ${gatewayUrl}/ready` },
    ...input.subgraphs,
    { part: "Kafka", url: input.kafka },
  ];
}

export function banner(input: BannerInput, notes: string[]): string {
  const rows = bannerRows(input);
  const width = Math.max(...rows.map((r) => r.part.length));
  const lines = rows.map((r) => `  ${r.part.padEnd(width)}  ${r.url}`);
  const accounts = input.accounts;
  const signIn = accounts
    ? [
        "",
        "Sign in (mutation login) as:",
        `  admin  ${accounts.admin.email}  ${accounts.admin.password ?? "(password: ADMIN_PASSWORD)"}`,
        ...accounts.users.map((email) => `  user   ${email}  ${accounts.password}`),
      ]
    : [];
  return [
    "",
    "Tributary is running:",
    ...lines,
    ...signIn,
    "",
    ...notes.map((n) => `  ${n}`),
    "",
    "Ctrl-C stops everything.",
    "",
  ].join("\n");
}
