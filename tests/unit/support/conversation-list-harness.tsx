import { useState } from "react";
import { createRoot } from "react-dom/client";
import { ConversationList } from "@/components/conversations/conversation-list";
import type { ConversationSummary } from "@/lib/conversation-store/records";

/**
 * The conversation list in a page of its own, for conversation-list.test.ts: the
 * callbacks record what they were called with on `window.calls`, and the delete
 * handler removes the item (or fails once, for the Retry path).
 */

declare global {
  interface Window {
    calls: [string, string?][];
    start: (props: { conversations: ConversationSummary[]; currentId: string | null; notice?: string; failDeleteOf?: string }) => void;
  }
}

function Harness(initial: Parameters<Window["start"]>[0]) {
  const [conversations, setConversations] = useState(initial.conversations);
  const [deleteError, setDeleteError] = useState<{ sessionId: string; message: string } | null>(null);
  const [notice, setNotice] = useState(initial.notice ?? null);
  const remove = (sessionId: string) => {
    window.calls.push(["delete", sessionId]);
    if (sessionId === initial.failDeleteOf && !deleteError) {
      return setDeleteError({ sessionId, message: "The traces could not be deleted from Phoenix." });
    }
    setDeleteError(null);
    setConversations((all) => all.filter((c) => c.sessionId !== sessionId));
  };
  return (
    <div className="chat-layout">
      <header className="chat-header">
        <h1>Phoenix Session Chat</h1>
      </header>
      <ConversationList
        conversations={conversations}
        currentId={initial.currentId}
        onOpen={(id) => window.calls.push(["open", id])}
        onNew={() => window.calls.push(["new"])}
        onDelete={remove}
        notice={notice}
        onDismissNotice={() => setNotice(null)}
        deleteError={deleteError}
        onRetryDelete={(id) => {
          window.calls.push(["retry", id]);
          remove(id);
        }}
      />
      <aside className="session-panel">session panel</aside>
      <main className="chat-main">
        <textarea aria-label="Message" />
      </main>
    </div>
  );
}

window.calls = [];
window.start = (props) => createRoot(document.getElementById("root")!).render(<Harness {...props} />);
