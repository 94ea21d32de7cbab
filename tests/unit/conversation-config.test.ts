import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";

const SECRET = "s".repeat(32);

describe("DELETE_TRACES_WITH_CONVERSATION", () => {
  it("is off by default: deleting a conversation leaves its traces to the operator", () => {
    expect(parseConfig({ SESSION_SECRET: SECRET }).deleteTracesWithConversation).toBe(false);
    expect(parseConfig({ SESSION_SECRET: SECRET, DELETE_TRACES_WITH_CONVERSATION: "" }).deleteTracesWithConversation).toBe(false);
  });

  it("accepts the same spellings as the other switches", () => {
    for (const on of ["true", "1", "on"]) {
      expect(parseConfig({ SESSION_SECRET: SECRET, DELETE_TRACES_WITH_CONVERSATION: on }).deleteTracesWithConversation).toBe(true);
    }
    for (const off of ["false", "0", "off"]) {
      expect(parseConfig({ SESSION_SECRET: SECRET, DELETE_TRACES_WITH_CONVERSATION: off }).deleteTracesWithConversation).toBe(false);
    }
  });

  it("refuses anything else, naming the variable", () => {
    expect(() => parseConfig({ SESSION_SECRET: SECRET, DELETE_TRACES_WITH_CONVERSATION: "yes" })).toThrow(ConfigError);
    expect(() => parseConfig({ SESSION_SECRET: SECRET, DELETE_TRACES_WITH_CONVERSATION: "yes" })).toThrow(/DELETE_TRACES_WITH_CONVERSATION/);
  });
});
