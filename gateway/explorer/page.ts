// The local explorer's page: GraphiQL from the gateway's own /graphiql/assets, tabs pre-filled with operations
// that work on a fresh `npm start`, and our fetcher (fetcher-script.ts): subscriptions over graphql-ws on
// /graphql, the headers editor's token applied to them as to queries.
import { EXPLORER_FETCHER_SCRIPT, GRAPHQL_WS_SCRIPT } from "./fetcher-script.ts";

export const EXPLORER_PATH = "/graphiql";
export const EXPLORER_ASSETS_PATH = `${EXPLORER_PATH}/assets`;

export interface ExplorerPageOptions {
  graphqlPath: string;
}

const PRODUCTS = `# Tributary's local explorer: GraphiQL, served by the gateway.
# Run with Ctrl-Enter. Docs (top left) lists every type.
query Products {
  products(perPage: 5) {
    items { id name priceCents currency stock inStock }
    pageInfo { page totalPages }
  }
}
`;

const LOGIN = `# Sign in, then put the token in the Headers tab below:
#   { "authorization": "Bearer <token>" }
# \`npm start\` prints the demo accounts (emails and password) in its banner.
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token
    user { id name email }
  }
}
`;

const STOCK = `# Live stock changes, over graphql-ws. Change a
# product's stock (setStock as an admin, or place an order).
subscription Stock {
  stockChanged { id name stock inStock }
}
`;

export const EXPLORER_TABS = [
  { query: PRODUCTS },
  { query: LOGIN, variables: JSON.stringify({ email: "", password: "" }, null, 2) },
  { query: STOCK },
];

/** JSON made safe to sit inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

export function explorerPage({ graphqlPath }: ExplorerPageOptions): string {
  const assets = EXPLORER_ASSETS_PATH;
  const options = {
    title: "Tributary explorer",
    defaultTabs: EXPLORER_TABS,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: "headers",
    shouldPersistHeaders: false,
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width,initial-scale=1" />
    <title>Tributary explorer</title>
    <link rel="icon" href="${assets}/favicon.ico" />
    <link rel="stylesheet" href="${assets}/graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>The explorer needs JavaScript.</noscript>
    <div id="root"></div>
    <script>
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: function (moduleId, label) {
          var names = { editorWorkerService: "editor", json: "json", graphql: "graphql" };
          return "${assets}/" + (names[label] || "editor") + ".worker.js";
        },
      };
    </script>
    <script src="${assets}/graphiql.js"></script>
    <script src="${assets}/${GRAPHQL_WS_SCRIPT}"></script>
    <script src="${assets}/${EXPLORER_FETCHER_SCRIPT}"></script>
    <script>
      var options = ${scriptJson(options)};
      options.fetcher = TributaryExplorer.createFetcher(new URL(${scriptJson(graphqlPath)}, location.href).href);
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector("#root"), options);
    </script>
  </body>
</html>
`;
}
