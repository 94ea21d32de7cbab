import "server-only";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";
import type { AppConfig } from "@/lib/config";
import { createDemoModel } from "./demo-model";

/** OpenAI when a key is set, the offline demo model otherwise. */
export function chatModel(config: AppConfig["model"]): LanguageModel {
  if (config.kind === "demo") return createDemoModel({ delayMs: config.delayMs });
  const openai = createOpenAI({ apiKey: config.apiKey, baseURL: config.baseURL });
  // OpenAI-compatible servers (vLLM, Ollama, LiteLLM, ...) speak Chat Completions,
  // rarely the newer Responses API that `openai(id)` uses by default.
  return config.baseURL ? openai.chat(config.modelId) : openai(config.modelId);
}
