// An entity another subgraph owns, as this one hands it to the gateway: its key, which the gateway resolves.
// Generated resolver types map such types here, so a resolver may return `{ __typename, id }` for them.
export interface EntityReference {
  __typename?: string;
  id: string;
}
