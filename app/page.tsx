import { Chat } from "@/components/chat";
import { loadConfig } from "@/lib/config";
import { startConversation } from "@/lib/conversation/conversation-token";
import { feedbackEnabled } from "@/lib/feedback/feedback-deps";
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
  const { userId, tier, region } = session;
  return (
    <Chat
      identity={{ userId, tier, region }}
      // Sealed now, so a tab without a conversation can send at once; it is listed only once it has a message.
      newConversation={await startConversation(userId, config.sessionSecrets)}
      phoenixUrl={config.tracingEnabled ? config.phoenix.uiUrl : null}
      demoModel={config.model.kind === "demo"}
      feedbackEnabled={feedbackEnabled(config)}
      deleteTraces={config.deleteTracesWithConversation}
      canChangeTier={config.allowTierSwitch}
    />
  );
}
