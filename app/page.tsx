import { Chat } from "@/components/chat/chat";
import { CollectorStatusProvider } from "@/components/session-panel/collector-status";
import { loadConfig } from "@/lib/config";
import { startConversation } from "@/lib/conversation/conversation-token";
import { feedbackEnabled } from "@/lib/feedback/feedback-deps";
import { readVisitor } from "@/lib/identity/current-visitor";
import { collectorStatusNow } from "@/lib/phoenix/collector-status";

export default async function ChatPage() {
  // proxy.ts guarantees a valid visitor cookie before this renders.
  const visitor = await readVisitor();
  const config = loadConfig();
  if (!visitor) {
    return (
      <main className="fatal">
        <p>Your browser did not keep the session cookie. Enable cookies for this site, then reload.</p>
      </main>
    );
  }
  const { userId, tier, region } = visitor;
  return (
    // Where the traces go and whether Phoenix answers: the session panel and every trace link read it.
    // What the server knows now, never a wait: a collector that hangs must not hold the page.
    <CollectorStatusProvider initial={collectorStatusNow(config)}>
      <Chat
        visitor={{ userId, tier, region }}
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
