// Subscribers for the chaos suite: each keeps every event it is sent with its cursor, over graphql-ws or SSE.
// A dropped connection (the gateway killed) is resumed with the last cursor, as a client following the README
// would; `pause` cuts one off on purpose and `resume` brings it back with its cursor later.
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import WebSocket from "ws";

export type Transport = "ws" | "sse";

export interface Delivery {
  // biome-ignore lint/suspicious/noExplicitAny: each field selects its own shape; the checks read it per field.
  data: any;
  cursor: string | undefined;
}

export interface SubscriptionSpec {
  field: string;
  /** The subscription document; it takes `$after: String`. */
  query: string;
  authorization: string;
}

export interface Endpoints {
  wsUrl: string;
  sseUrl: string;
}

const RECONNECT_MS = 300;

export class ChaosSubscriber {
  readonly deliveries: Delivery[] = [];
  /** Errors the gateway answered with (a refused cursor, say): none is expected. */
  readonly errors: string[] = [];
  private cursor: string | undefined;
  private paused = true;
  private close: (() => void) | undefined;
  private generation = 0;

  constructor(
    readonly transport: Transport,
    readonly mode: "live" | "resumed",
    readonly spec: SubscriptionSpec,
    private readonly endpoints: Endpoints,
  ) {}

  get name(): string {
    return `${this.spec.field} ${this.mode} over ${this.transport}`;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.connect();
  }

  pause(): void {
    this.paused = true;
    this.generation += 1;
    this.close?.();
    this.close = undefined;
  }

  private connect(): void {
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.paused;
    const sink = {
      next: (result: { data?: unknown; errors?: readonly { message: string }[]; extensions?: unknown }) => {
        if (!current()) return;
        const data = result.data as Record<string, unknown> | null | undefined;
        if (result.errors?.length) this.errors.push(result.errors.map((e) => e.message).join("; "));
        if (!data?.[this.spec.field]) return;
        const cursor = (result.extensions as { cursor?: string } | undefined)?.cursor;
        this.deliveries.push({ data: data[this.spec.field], cursor });
        if (cursor) this.cursor = cursor;
      },
      // Ended by the other side (the gateway killed, or restarting): come back with the cursor.
      error: () => this.reconnect(generation),
      complete: () => this.reconnect(generation),
    };
    const payload = { query: this.spec.query, variables: { after: this.cursor } };
    if (this.transport === "ws") {
      const client = createWsClient({
        url: this.endpoints.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: this.spec.authorization },
      });
      const unsubscribe = client.subscribe(payload, sink);
      this.close = () => {
        unsubscribe();
        void client.dispose();
      };
    } else {
      const client = createSseClient({
        url: this.endpoints.sseUrl,
        headers: { authorization: this.spec.authorization },
        retryAttempts: 0,
      });
      const unsubscribe = client.subscribe(payload, sink);
      this.close = () => {
        unsubscribe();
        client.dispose();
      };
    }
  }

  private reconnect(generation: number): void {
    if (generation !== this.generation || this.paused) return;
    this.close?.();
    this.close = undefined;
    setTimeout(() => {
      if (generation === this.generation && !this.paused) this.connect();
    }, RECONNECT_MS);
  }
}

/** Every spec over both transports, live and resumed: four subscribers per spec. */
export function subscribersFor(specs: SubscriptionSpec[], endpoints: Endpoints): ChaosSubscriber[] {
  return specs.flatMap((spec) =>
    (["ws", "sse"] as const).flatMap((transport) =>
      (["live", "resumed"] as const).map((mode) => new ChaosSubscriber(transport, mode, spec, endpoints)),
    ),
  );
}

/** How many subscriptions the gateway holds open, from its /metrics. */
export async function openSubscriptions(graphqlUrl: string): Promise<number> {
  const text = await (await fetch(new URL("/metrics", graphqlUrl))).text();
  const line = text.split("\n").find((l) => l.startsWith("tributary_gateway_subscriptions_open"));
  return line ? Number(line.split(" ").at(-1)) : 0;
}
