/**
 * Just enough protobuf to read what an OTLP http/protobuf exporter sends a collector:
 * ExportTraceServiceRequest -> ResourceSpans (1) -> ScopeSpans (2) -> Span (2), and of
 * each span its trace id (1), span id (2), parent span id (4) and name (5).
 * (@opentelemetry/otlp-transformer only serializes; Phoenix is not needed to count spans.)
 */

export type ReceivedSpan = { traceId: string; spanId: string; parentSpanId: string; name: string };

export function decodeTraceRequest(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of fields(body, 1))
    for (const scopeSpans of fields(resourceSpans, 2))
      for (const span of fields(scopeSpans, 2)) {
        const one = (n: number) => fields(span, n)[0] ?? new Uint8Array();
        spans.push({
          traceId: hex(one(1)),
          spanId: hex(one(2)),
          parentSpanId: hex(one(4)),
          name: new TextDecoder().decode(one(5)),
        });
      }
  return spans;
}

/** The length-delimited values of field `wanted` in one message. */
function fields(message: Uint8Array, wanted: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = message[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < message.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === 0) varint();
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const length = Number(varint());
      if (field === wanted) found.push(message.subarray(pos, pos + length));
      pos += length;
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
  return found;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
