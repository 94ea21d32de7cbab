import { getAttributesFromContext } from "@arizeai/openinference-core";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { beforeAll, describe, expect, it } from "vitest";
import { usingAttributes, usingSession, withAttributes } from "@/lib/tracing/context-attributes";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

const active = () => getAttributesFromContext(context.active());

describe("usingSession", () => {
  it("puts session.id on the context for the duration of fn, and returns fn's result", () => {
    const result = usingSession("conv-1", () => active()["session.id"]);
    expect(result).toBe("conv-1");
    expect(active()["session.id"]).toBeUndefined();
  });

  it("keeps the session through awaits of an async fn", async () => {
    const seen = await usingSession("conv-async", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.resolve();
      return active()["session.id"];
    });
    expect(seen).toBe("conv-async");
  });

  it("nests: the inner session wins, the outer comes back after", () => {
    usingSession("outer", () => {
      expect(usingSession("inner", () => active()["session.id"])).toBe("inner");
      expect(active()["session.id"]).toBe("outer");
    });
  });

  it.each(["", "   ", "\n"])("refuses an empty session id (%j) instead of tracing without a session", (id) => {
    expect(() => usingSession(id, () => "ran")).toThrow(/sessionId must be a non-empty string/);
  });

  it("keeps concurrent async scopes apart", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `s-${i}`);
    const seen = await Promise.all(
      ids.map((id, i) =>
        usingSession(id, async () => {
          await new Promise((resolve) => setTimeout(resolve, (i * 7) % 11));
          return active()["session.id"];
        }),
      ),
    );
    expect(seen).toEqual(ids);
  });
});

describe("usingAttributes", () => {
  it("sets session, user, JSON metadata, tags and a prompt template", () => {
    const attributes = usingAttributes(
      {
        sessionId: "conv-2",
        userId: "user-9",
        metadata: { tier: "pro", region: "eu" },
        tags: ["beta"],
        promptTemplate: { template: "Hi {name}", variables: { name: "Ada" }, version: "v1" },
      },
      active,
    );
    expect(attributes).toMatchObject({
      "session.id": "conv-2",
      "user.id": "user-9",
      "tag.tags": JSON.stringify(["beta"]),
      "llm.prompt_template.template": "Hi {name}",
      "llm.prompt_template.version": "v1",
    });
    expect(JSON.parse(attributes.metadata as string)).toEqual({ tier: "pro", region: "eu" });
  });

  it("nests inside usingSession, adding to it; the inner value wins", () => {
    const attributes = usingSession("conv-3", () =>
      usingAttributes({ userId: "u1", metadata: { tier: "free" } }, () =>
        usingAttributes({ metadata: { tier: "pro" } }, active),
      ),
    );
    expect(attributes["session.id"]).toBe("conv-3");
    expect(attributes["user.id"]).toBe("u1");
    expect(JSON.parse(attributes.metadata as string)).toEqual({ tier: "pro" });
  });

  it.each(["session_id", "thread_id", "conversation_id"])(
    "turns metadata.%s into session.id when no session id is given (LangChain style)",
    (key) => {
      const attributes = usingAttributes({ metadata: { [key]: "thread-7", other: 1 } }, active);
      expect(attributes["session.id"]).toBe("thread-7");
      expect(JSON.parse(attributes.metadata as string)).toEqual({ [key]: "thread-7", other: 1 });
    },
  );

  it("prefers an explicit session id over the metadata keys", () => {
    expect(usingAttributes({ sessionId: "explicit", metadata: { thread_id: "t" } }, active)["session.id"]).toBe("explicit");
  });

  it("refuses an empty session id, whether given directly or through metadata", () => {
    expect(() => usingAttributes({ sessionId: " " }, active)).toThrow(/sessionId/);
    expect(() => usingAttributes({ metadata: { session_id: "" } }, active)).toThrow(/sessionId/);
    expect(() => usingAttributes({ userId: "" }, active)).toThrow(/userId/);
  });

  it("merges extra attributes with outer ones rather than replacing them", () => {
    const ctx = withAttributes(withAttributes(context.active(), { attributes: { a: 1 } }), { attributes: { b: 2 } });
    expect(getAttributesFromContext(ctx)).toMatchObject({ a: 1, b: 2 });
  });

  it("puts no gen_ai.* key on the context (it would make plain spans look like AI spans)", () => {
    const attributes = usingSession("conv-4", () => usingAttributes({ userId: "u" }, active));
    expect(Object.keys(attributes).filter((key) => key.startsWith("gen_ai."))).toEqual([]);
  });
});
