// Trusted documents: the one lookup every transport (HTTP, graphql-ws, SSE) uses to turn a request into the
// document it may run, from an Apollo persisted query manifest.
import type { HTTPGraphQLRequest } from "@apollo/server";
import { loadManifest, type PersistedOperation, sha256 } from "./manifest.ts";

export interface PersistedDocumentsSettings {
  /** PERSISTED_DOCUMENTS: the manifest's path; unset keeps Apollo's automatic persisted queries as they are. */
  path?: string;
  /** PERSISTED_DOCUMENTS_ONLY: refuse every operation the manifest does not list. */
  only: boolean;
}

/** What a client sent: the query text (maybe empty) and Apollo's `extensions.persistedQuery`. */
export interface OperationRequest {
  query?: unknown;
  extensions?: unknown;
}

/** A refusal with the status HTTP answers it with; graphql-ws and SSE send the same code. */
export interface Refusal {
  status: number;
  message: string;
  code: "PERSISTED_QUERY_NOT_IN_LIST" | "PERSISTED_QUERY_NOT_FOUND" | "BAD_USER_INPUT";
}

const notInList = (): Refusal => ({
  status: 400,
  code: "PERSISTED_QUERY_NOT_IN_LIST",
  message: "This gateway only runs operations from its persisted query list; this one is not listed.",
});

/** Apollo Server prefixes the keys it asks `persistedQueries.cache` for with this (its documented `apq:`). */
const APQ_KEY_PREFIX = "apq:";
/** Ad-hoc registrations kept when the list is not exclusive, as Apollo's own bounded cache would. */
const MAX_REGISTERED = 1000;

function requestedHash(extensions: unknown): string | undefined | null {
  const persisted = (extensions as { persistedQuery?: unknown } | undefined)?.persistedQuery;
  if (persisted === undefined || persisted === null) return undefined;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  // Present but unusable: no listed document can match it.
  return typeof hash === "string" ? hash : null;
}

export class PersistedDocuments {
  readonly only: boolean;
  private readonly listed: Map<string, PersistedOperation>;
  private readonly registered = new Map<string, string>();

  constructor(listed: Map<string, PersistedOperation>, only: boolean) {
    this.listed = listed;
    this.only = only;
  }

  get size(): number {
    return this.listed.size;
  }

  /**
   * Apollo Server's `persistedQueries` option: its own APQ handling (hash lookup, hash-matches-query check)
   * reads the manifest through this cache; registrations are kept only when the list is not exclusive.
   */
  apolloPersistedQueries() {
    const key = (k: string) => (k.startsWith(APQ_KEY_PREFIX) ? k.slice(APQ_KEY_PREFIX.length) : k);
    return {
      cache: {
        get: async (k: string) => this.listed.get(key(k))?.body ?? this.registered.get(key(k)),
        set: async (k: string, value: string) => {
          if (this.only || this.listed.has(key(k))) return;
          if (this.registered.size >= MAX_REGISTERED)
            this.registered.delete(this.registered.keys().next().value!);
          this.registered.set(key(k), value);
        },
        delete: async (k: string) => void this.registered.delete(key(k)),
      },
    };
  }

  /** Whether the list lets this operation through; only-mode refuses anything unlisted before it is parsed. */
  admit(request: OperationRequest): Refusal | undefined {
    if (!this.only) return undefined;
    const hash = requestedHash(request.extensions);
    if (hash === null) return notInList();
    if (hash !== undefined) return this.listed.has(hash) ? undefined : notInList();
    const query = typeof request.query === "string" ? request.query : "";
    return this.listed.has(sha256(query)) ? undefined : notInList();
  }

  /** For graphql-ws and SSE, which have no APQ of their own: the text to run, or why not. */
  resolve(request: OperationRequest): string | Refusal {
    const refused = this.admit(request);
    if (refused) return refused;
    const query = typeof request.query === "string" ? request.query : "";
    const hash = requestedHash(request.extensions);
    if (!hash) return query;
    if (query !== "") {
      if (sha256(query) !== hash)
        return { status: 400, code: "BAD_USER_INPUT", message: "provided sha does not match query" };
      return query;
    }
    const body = this.listed.get(hash)?.body ?? this.registered.get(hash);
    if (body !== undefined) return body;
    return { status: 200, code: "PERSISTED_QUERY_NOT_FOUND", message: "PersistedQueryNotFound" };
  }

  /** HTTP, before Apollo: every operation of a POST body (one or a batch) or of a GET's search params. */
  admitHttp(request: HTTPGraphQLRequest): Refusal | undefined {
    if (!this.only) return undefined;
    for (const operation of httpOperations(request)) {
      const refused = this.admit(operation);
      if (refused) return refused;
    }
    return undefined;
  }
}

function httpOperations(request: HTTPGraphQLRequest): OperationRequest[] {
  if (request.method === "GET") {
    const params = new URLSearchParams(request.search);
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get("extensions") ?? "null") ?? undefined;
    } catch {
      // Apollo answers an unparsable `extensions` with a 400 before running anything.
      extensions = undefined;
    }
    return [{ query: params.get("query") ?? undefined, extensions }];
  }
  const body = request.body;
  if (Array.isArray(body)) return body.map((operation) => (operation ?? {}) as OperationRequest);
  if (body && typeof body === "object") return [body as OperationRequest];
  // Not JSON: Apollo refuses it itself (CSRF prevention, 400) without running anything.
  return [];
}

export function persistedDocuments(settings: PersistedDocumentsSettings): PersistedDocuments | undefined {
  if (!settings.path) {
    if (settings.only)
      throw new Error("PERSISTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS (a manifest path)");
    return undefined;
  }
  return new PersistedDocuments(loadManifest(settings.path), settings.only);
}
