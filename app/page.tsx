import { Chat } from "@/components/chat";
import { loadConfig } from "@/lib/config";
import { readSession } from "@/lib/session/current-session";

export default async function ChatPage() {
  // proxy.ts guarantees a valid session cookie before this renders.
  const session = await readSession();
  const config = loadConfig();
  if (!session) {
    return (
      <main className="fatal">
        <p>Your browser did not keep the session cookie. Enable cookies for this site, then reload.</p>
      </main>
    );
  }
  return (
    <Chat
      initialSession={session}
      phoenixUrl={config.tracingEnabled ? config.phoenix.uiUrl : null}
      demoModel={config.model.kind === "demo"}
    />
  );
}
