// The JSON body of a POST, PUT or PATCH: size-limited, `application/json` only, parsed; other methods take none.
import type { IncomingMessage } from "node:http";
import { HttpError, readBody } from "../../platform/http/body.ts";
import { type Problem, problem } from "./problem.ts";

export async function readJsonBody(
  req: IncomingMessage,
  method: string,
  limitBytes: number,
): Promise<{ value?: unknown; problem?: Problem }> {
  if (method !== "POST" && method !== "PUT" && method !== "PATCH") return {};
  let text: string;
  try {
    text = await readBody(req, limitBytes);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { problem: problem("PAYLOAD_TOO_LARGE", error.message) };
  }
  // No body at all: routes without required body fields (POST .../publish) are called like the seeds' curl does.
  if (text.trim() === "") return {};
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(req.headers["content-type"] ?? ""))
    return {
      problem: problem(
        "UNSUPPORTED_MEDIA_TYPE",
        "Send the body as JSON, with `Content-Type: application/json`.",
      ),
    };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { problem: problem("BAD_USER_INPUT", "The request body is not valid JSON.") };
  }
}
