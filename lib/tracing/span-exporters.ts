import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ExportPass } from "./export-pass";

/**
 * Runs on converted OpenInference spans, right before export: each span's attributes go
 * through the export pass (copies dropped, masking, secrets scrubbed, `gen_ai.conversation.id`),
 * its events and status message are scrubbed. A provider error that echoes the API key
 * would otherwise land in Phoenix verbatim, in the exception event and the status.
 */
export class PhoenixConventionsExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly pass: ExportPass,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map((span) => this.convert(span)), resultCallback);
  }

  private convert(span: ReadableSpan): ReadableSpan {
    return {
      ...copyOf(span),
      attributes: this.pass.attributes(span.attributes),
      events: span.events.map((event) => ({ ...event, attributes: event.attributes && this.pass.eventAttributes(event.attributes) })),
      status: span.status.message === undefined ? span.status : { ...span.status, message: this.pass.scrub(span.status.message) },
    };
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/**
 * When the collector is down, each batch fails. Log the first failure and the
 * recovery, not every batch; the chat itself never waits on this.
 */
export class LogFailuresOnceExporter implements SpanExporter {
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly log: Pick<Console, "warn" | "info">,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) this.log.info("[tracing] span export recovered");
        this.failing = false;
      } else if (!this.failing) {
        this.failing = true;
        this.log.warn(
          `[tracing] span export failed (${result.error?.message ?? "unknown error"}); spans are dropped until the collector answers again. The chat keeps working.`,
        );
      }
      // Dropped spans are not retried later, so upstream only needs to know the batch is done.
      resultCallback({ code: ExportResultCode.SUCCESS });
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** A plain copy: a ReadableSpan's `spanContext` is a method, so spreading the SDK's Span object would lose it. */
function copyOf(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
