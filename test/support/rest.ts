// A plain REST client for tests (what curl sends), and a Server-Sent Events reader for the REST streams.
export interface RestAnswer<T = unknown> {
  status: number;
  headers: Headers;
  contentType: string;
  body: T;
}

export interface RestOptions {
  /** JSON-encoded unless a string (sent as is). */
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export async function rest<T = unknown>(
  origin: string,
  method: string,
  path: string,
  options: RestOptions = {},
): Promise<RestAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${origin}${path}`, { method, headers, body });
  const text = await response.text();
  const contentType = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    headers: response.headers,
    contentType,
    body: (text && /json/.test(contentType) ? JSON.parse(text) : text) as T,
  };
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface SseStream {
  status: number;
  contentType: string;
  /** Resolves with the next event (comments skipped); rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens an event stream; resolves once the response headers arrived (the subscription is then live). */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseStream & { problem?: unknown }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const contentType = response.headers.get("content-type") ?? "";
  if (!contentType.startsWith("text/event-stream")) {
    const problem = await response.json();
    return { status: response.status, contentType, problem, next: () => Promise.reject(problem), close() {} };
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const events: SseEvent[] = [];
  // A read outlives a timed-out wait: kept, so the chunk it brings is not lost.
  let pending: ReturnType<typeof reader.read> | undefined;
  const parse = () => {
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: SseEvent = { data: "" };
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") data.push(value);
        else if (field === "id") event.id = value;
        else if (field === "event") event.event = value;
      }
      if (data.length > 0) events.push({ ...event, data: data.join("\n") });
      end = buffer.indexOf("\n\n");
    }
  };
  return {
    status: response.status,
    contentType,
    async next(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no event within the timeout");
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("no event within the timeout")), left);
        });
        pending ??= reader.read();
        const read = await Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
        pending = undefined;
        if (read.done) throw new Error("the stream ended");
        buffer += read.value;
        parse();
      }
      return events.shift()!;
    },
    close() {
      controller.abort();
    },
  };
}
