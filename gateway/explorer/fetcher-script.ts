// The explorer's fetcher, run in the browser: queries and mutations over HTTP POST, subscriptions over graphql-ws,
// both carrying what the headers editor holds. Over graphql-ws the headers become the connection's parameters,
// where the gateway reads the token; GraphiQL's own fetcher could only give a WebSocket fixed parameters, so a
// token pasted in the headers editor would not reach a subscription. One lazy client per set of headers: it
// connects with the first subscription and closes after the last.
//
// Which operation runs, and whether it is a subscription, is read from the query text itself: GraphiQL hands
// over its operation name and parsed document a moment after the editor changes, so a run right after switching
// tabs would otherwise send the previous tab's operation name ("Cannot infer operation Products").

export const EXPLORER_FETCHER_SCRIPT = "fetcher.js";
/** graphql-ws's browser build (its published `umd/` file), served beside GraphiQL's. */
export const GRAPHQL_WS_SCRIPT = "graphql-ws.js";

// A plain script, served as written (no module, no build step). String.raw keeps its backslashes.
export const EXPLORER_FETCHER_SOURCE = String.raw`(function () {
  "use strict";

  // The operations a GraphQL document defines ({ type, name }), in order. Only the top level matters:
  // comments and strings are skipped, and everything inside brackets is a body, variables or arguments.
  function operationsIn(text) {
    var operations = [];
    var depth = 0;
    var pending = null; // the top-level definition whose body has not opened yet
    var word = /[_A-Za-z][_0-9A-Za-z]*/y;
    var i = 0;
    while (i < text.length) {
      var c = text[i];
      if (c === "#") {
        while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
      } else if (text.startsWith('"""', i)) {
        i += 3;
        while (i < text.length && !text.startsWith('"""', i)) i += text.startsWith('\\"""', i) ? 4 : 1;
        i += 3;
      } else if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
        i++;
      } else if (c === "{" || c === "(" || c === "[") {
        if (depth === 0 && c === "{") {
          if (!pending) operations.push({ type: "query", name: null });
          pending = null;
        }
        depth++;
        i++;
      } else if (c === "}" || c === ")" || c === "]") {
        depth = Math.max(0, depth - 1);
        i++;
      } else if (/[_A-Za-z]/.test(c)) {
        word.lastIndex = i;
        var name = word.exec(text)[0];
        i += name.length;
        if (depth > 0) continue;
        if (pending && pending.awaitingName) {
          pending.name = name;
          pending.awaitingName = false;
        } else if (!pending && (name === "query" || name === "mutation" || name === "subscription")) {
          pending = { type: name, name: null, awaitingName: true };
          operations.push(pending);
        } else if (!pending && name === "fragment") {
          pending = { awaitingName: false };
        }
      } else {
        if (pending && !/[\s,\uFEFF]/.test(c)) pending.awaitingName = false;
        i++;
      }
    }
    return operations.map(function (o) { return { type: o.type, name: o.name }; });
  }

  // The request to send, and whether it is a subscription. A name the text does not define is GraphiQL's
  // stale one when the text has a single operation: that operation runs. With several, the gateway says which
  // name is unknown.
  function requestFor(params) {
    var operations = operationsIn(params.query || "");
    var named = operations.find(function (o) { return o.name !== null && o.name === params.operationName; });
    var chosen = named || (operations.length === 1 ? operations[0] : undefined);
    var operationName = named || !chosen ? params.operationName : chosen.name || undefined;
    return {
      subscription: Boolean(chosen) && chosen.type === "subscription",
      params: { query: params.query, variables: params.variables, operationName: operationName || undefined },
    };
  }

  // The response pane shows a result: errors the gateway sent, or why the connection closed.
  function resultOf(reason) {
    if (Array.isArray(reason)) return { errors: reason };
    if (reason && typeof reason.code === "number") {
      return { errors: [{ message: "The WebSocket closed (" + reason.code + (reason.reason ? ": " + reason.reason : "") + ")" }] };
    }
    if (typeof Event === "function" && reason instanceof Event) {
      return { errors: [{ message: "The WebSocket to the gateway could not connect" }] };
    }
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
    return function fetcher(graphiqlParams, options) {
      var headers = (options && options.headers) || {};
      var request = requestFor(graphiqlParams);
      if (request.subscription) {
        return {
          subscribe: function (observer) {
            var dispose = clientFor(headers).subscribe(request.params, {
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
        body: JSON.stringify(request.params),
      }).then(function (response) { return response.json(); });
    };
  }

  window.TributaryExplorer = { createFetcher: createFetcher, operationsIn: operationsIn, requestFor: requestFor };
})();
`;
