/**
 * Reads the spans out of an OTLP `ExportTraceServiceRequest` (protobuf), the body
 * the app's `@opentelemetry/exporter-trace-otlp-proto` exporter POSTs to `/v1/traces`.
 *
 * The OpenTelemetry packages here only encode requests (and decode responses), and
 * no protobuf library is installed, so this reads the wire format directly: only the
 * fields a test asserts on (ids, name, kind, attributes). Field numbers are those of
 * opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto.
 */

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;

export type ReceivedSpan = {
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, AttributeValue>;
  resource: Record<string, AttributeValue>;
};

type Field = { number: number; wireType: number; varint?: bigint; bytes?: Uint8Array; fixed?: Uint8Array };

/** Every span in the request, each with its resource's attributes. */
export function decodeTraceRequest(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of messages(body, 1)) {
    const resourceMessage = messages(resourceSpans, 1)[0];
    const resource = resourceMessage ? keyValues(resourceMessage, 1) : {};
    for (const scopeSpans of messages(resourceSpans, 2)) {
      for (const span of messages(scopeSpans, 2)) spans.push(decodeSpan(span, resource));
    }
  }
  return spans;
}

function decodeSpan(span: Uint8Array, resource: Record<string, AttributeValue>): ReceivedSpan {
  const fields = readFields(span);
  const bytesOf = (n: number) => fields.find((f) => f.number === n)?.bytes;
  const parent = bytesOf(4);
  return {
    traceId: hex(bytesOf(1)),
    spanId: hex(bytesOf(2)),
    parentSpanId: parent && parent.length > 0 ? hex(parent) : undefined,
    name: utf8(bytesOf(5)),
    kind: Number(fields.find((f) => f.number === 6)?.varint ?? 0n),
    attributes: keyValues(span, 9),
    resource,
  };
}

function keyValues(message: Uint8Array, fieldNumber: number): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const kv of messages(message, fieldNumber)) {
    const fields = readFields(kv);
    const key = utf8(fields.find((f) => f.number === 1)?.bytes);
    const value = fields.find((f) => f.number === 2)?.bytes;
    result[key] = value ? anyValue(value) : null;
  }
  return result;
}

function anyValue(message: Uint8Array): AttributeValue {
  const field = readFields(message)[0];
  if (!field) return null;
  switch (field.number) {
    case 1:
      return utf8(field.bytes);
    case 2:
      return field.varint !== 0n;
    case 3:
      return Number(BigInt.asIntN(64, field.varint ?? 0n));
    case 4:
      return new DataView(field.fixed!.buffer, field.fixed!.byteOffset, 8).getFloat64(0, true);
    case 5:
      return messages(field.bytes!, 1).map(anyValue);
    case 6:
      return keyValues(field.bytes!, 1);
    case 7:
      return hex(field.bytes);
    default:
      return null;
  }
}

/** The embedded messages (length-delimited fields) with this field number, in order. */
function messages(message: Uint8Array, fieldNumber: number): Uint8Array[] {
  return readFields(message)
    .filter((f) => f.number === fieldNumber && f.bytes)
    .map((f) => f.bytes!);
}

function readFields(buffer: Uint8Array): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= buffer.length) throw new Error("truncated protobuf varint");
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  const take = (length: number): Uint8Array => {
    if (offset + length > buffer.length) throw new Error("truncated protobuf field");
    const slice = buffer.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  while (offset < buffer.length) {
    const tag = Number(varint());
    const field: Field = { number: tag >>> 3, wireType: tag & 7 };
    if (field.wireType === 0) field.varint = varint();
    else if (field.wireType === 1) field.fixed = take(8);
    else if (field.wireType === 2) field.bytes = take(Number(varint()));
    else if (field.wireType === 5) field.fixed = take(4);
    else throw new Error(`unsupported protobuf wire type ${field.wireType}`);
    fields.push(field);
  }
  return fields;
}

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex");
const utf8 = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("utf8");
