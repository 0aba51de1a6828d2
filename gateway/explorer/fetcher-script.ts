// The explorer's fetcher, run in the browser: queries and mutations over HTTP POST, subscriptions over graphql-ws,
// both carrying what the headers editor holds. Over graphql-ws the headers become the connection's parameters,
// where the gateway reads the token; GraphiQL's own fetcher could only give a WebSocket fixed parameters, so a
// token pasted in the headers editor would not reach a subscription. One lazy client per set of headers: it
// connects with the first subscription and closes after the last.

export const EXPLORER_FETCHER_SCRIPT = "fetcher.js";
/** graphql-ws's browser build (its published `umd/` file), served beside GraphiQL's. */
export const GRAPHQL_WS_SCRIPT = "graphql-ws.js";

export function explorerFetcherScript(): string {
  return `(function () {
  "use strict";
  // GraphiQL hands over the document it parsed from the editor, so the operation's type needs no parser here.
  function isSubscription(params, document) {
    if (!document) return false;
    var operations = document.definitions.filter(function (d) { return d.kind === "OperationDefinition"; });
    var chosen = params.operationName
      ? operations.find(function (o) { return o.name && o.name.value === params.operationName; })
      : operations.length === 1 ? operations[0] : undefined;
    return Boolean(chosen) && chosen.operation === "subscription";
  }

  // The response pane shows a result: errors the gateway sent, or why the connection closed.
  function resultOf(reason) {
    if (Array.isArray(reason)) return { errors: reason };
    if (reason && typeof reason.code === "number") {
      return { errors: [{ message: "The WebSocket closed (" + reason.code + (reason.reason ? ": " + reason.reason : "") + ")" }] };
    }
    if (reason instanceof Event) return { errors: [{ message: "The WebSocket to the gateway could not connect" }] };
    return { errors: [{ message: reason && reason.message ? reason.message : String(reason) }] };
  }

  function createFetcher(endpoint) {
    var socketUrl = endpoint.replace(/^http/, "ws");
    var clients = new Map();
    function clientFor(headers) {
      var key = JSON.stringify(headers);
      if (!clients.has(key)) {
        clients.set(key, graphqlWs.createClient({ url: socketUrl, lazy: true, retryAttempts: 0, connectionParams: headers }));
      }
      return clients.get(key);
    }
    return function fetcher(params, options) {
      var headers = (options && options.headers) || {};
      if (isSubscription(params, options && options.documentAST)) {
        return {
          subscribe: function (observer) {
            var dispose = clientFor(headers).subscribe(params, {
              next: function (result) { observer.next(result); },
              error: function (reason) { observer.next(resultOf(reason)); observer.complete(); },
              complete: function () { observer.complete(); },
            });
            return { unsubscribe: dispose };
          },
        };
      }
      return fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: Object.assign({ "content-type": "application/json", accept: "application/graphql-response+json, application/json" }, headers),
        body: JSON.stringify(params),
      }).then(function (response) { return response.json(); });
    };
  }

  window.TributaryExplorer = { createFetcher: createFetcher };
})();
`;
}
