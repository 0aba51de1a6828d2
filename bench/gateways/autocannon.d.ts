// The part of autocannon 9's API the load worker uses (the package ships no types).
declare module "autocannon" {
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Each connection sends these in turn; `setupRequest` may change a request just before it is sent. */
    requests?: { setupRequest?: (request: Record<string, unknown>) => Record<string, unknown> }[];
    connections?: number;
    duration?: number;
    /** false counts the answer as a mismatch. */
    verifyBody?: (body: string) => boolean;
  }
  interface Result {
    duration: number;
    requests: { total: number };
    non2xx: number;
    errors: number;
    timeouts: number;
    mismatches: number;
  }
  interface Instance extends PromiseLike<Result> {
    on(
      event: "response",
      listener: (client: unknown, status: number, bytes: number, ms: number) => void,
    ): this;
  }
  export default function autocannon(options: Options): Instance;
}
