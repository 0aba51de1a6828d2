// Fetch-style headers over a plain Map: what Apollo's `willSendRequest` hooks write into, without the cost of
// a WHATWG Headers object per subgraph call. Names are lower-cased, as on the wire.
import type { GatewayHTTPRequest } from "@apollo/server-gateway-interface";

type FetcherHeaders = GatewayHTTPRequest["headers"];

export class RequestHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) this.set(name, value);
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  append(name: string, value: string): void {
    const existing = this.get(name);
    this.set(name, existing === null ? value : `${existing}, ${value}`);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  /** A plain object for node:http. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}
