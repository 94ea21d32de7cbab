import { Chat } from "@/components/chat";
import { CollectorStatusProvider } from "@/components/collector-status";
import { loadConfig } from "@/lib/config";
import { startConversation } from "@/lib/conversation/conversation-token";
import { feedbackEnabled } from "@/lib/feedback/feedback-deps";
import { collectorStatusNow } from "@/lib/phoenix/collector-status";
import { readSession } from "@/lib/identity/current-visitor";

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
    // Where the traces go and whether Phoenix answers: the session panel and every trace link read it.
    // What the server knows now, never a wait: a collector that hangs must not hold the page.
    <CollectorStatusProvider initial={collectorStatusNow(config)}>
      <Chat
        identity={{ userId, tier, region }}
        // Sealed now, so a tab without a conversation can send at once; it is listed only once it has a message.
        newConversation={await startConversation(userId, config.sessionSecrets)}
        demoModel={config.model.kind === "demo"}
        feedbackEnabled={feedbackEnabled(config)}
        deleteTraces={config.deleteTracesWithConversation}
        canChangeTier={config.allowTierSwitch}
      />
    </CollectorStatusProvider>
  );
}
