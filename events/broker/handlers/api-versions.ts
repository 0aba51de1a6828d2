// ApiVersions: advertises the supported ranges. An unsupported version (librdkafka opens with v3)
// gets UNSUPPORTED_VERSION with a v0 body, which tells the client which version to retry with.

import type { BrokerContext, RequestInfo } from "../context.ts";
import { ErrorCode, SUPPORTED_VERSIONS } from "../protocol/api.ts";
import { Writer } from "../protocol/writer.ts";

export function handleApiVersions(_ctx: BrokerContext, req: RequestInfo): Writer {
  const w = new Writer();
  const supported = req.version <= 2;
  w.int16(supported ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_VERSION);
  w.array([...SUPPORTED_VERSIONS], (w, [key, [min, max]]) => w.int16(key).int16(min).int16(max));
  if (supported && req.version >= 1) w.int32(0);
  return w;
}
