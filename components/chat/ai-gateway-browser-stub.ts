/**
 * What the browser bundle gets instead of `@ai-sdk/gateway` (next.config.ts aliases it for the
 * browser only). `useChat` imports the `ai` package, whose one big module imports the AI Gateway
 * provider at its top; the browser never calls a model, yet it downloaded the whole provider
 * (with a Buffer polyfill and its zod schemas): about a quarter of the chat page's own chunk.
 *
 * These are the four names `ai` imports. The error classes answer `isInstance` as the real ones
 * do (by the same global symbols), so `ai`'s error handling stays correct; anything that would
 * use the gateway itself throws and says why, instead of failing somewhere obscure.
 */

const WHY =
  "@ai-sdk/gateway is not in the browser bundle (next.config.ts aliases it to components/chat/ai-gateway-browser-stub.ts): call models on the server.";

const GATEWAY_ERROR = Symbol.for("vercel.ai.gateway.error");
const AUTHENTICATION_ERROR = Symbol.for("vercel.ai.gateway.error.GatewayAuthenticationError");

function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

export class GatewayError extends Error {
  constructor() {
    super(WHY);
  }
  static isInstance(error: unknown): boolean {
    return hasMarker(error, GATEWAY_ERROR);
  }
}

export class GatewayAuthenticationError extends GatewayError {
  static override isInstance(error: unknown): boolean {
    return hasMarker(error, GATEWAY_ERROR) && hasMarker(error, AUTHENTICATION_ERROR);
  }
}

function unavailable(): never {
  throw new Error(WHY);
}

export const createGateway = unavailable;

/**
 * `ai`'s default provider, for a model named by a string: every kind of model it asks for throws.
 * A plain object, not a Proxy that throws on any property: React Refresh (`next dev`) reads the
 * properties of every export of an app module, and such a Proxy took the page down.
 */
export const gateway = {
  specificationVersion: "v4",
  languageModel: unavailable,
  embeddingModel: unavailable,
  imageModel: unavailable,
  transcriptionModel: unavailable,
  speechModel: unavailable,
  speechTranslationModel: unavailable,
  videoModel: unavailable,
  rerankingModel: unavailable,
} as const;
