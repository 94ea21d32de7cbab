import { useState } from "react";
import { createRoot } from "react-dom/client";
import { ConversationRating } from "@/components/feedback/conversation-rating";
import { FeedbackButtons, type FeedbackValue } from "@/components/feedback/feedback-buttons";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import type { FeedbackResult } from "@/lib/feedback/feedback-protocol";

/**
 * The feedback components on a bare page, for tests/integration/feedback-buttons.test.ts.
 * The "action" is driven from the test through `window.feedback`: it records each call,
 * can be held open (pending), and answers ok or with the error the test sets.
 */

type Control = {
  calls: FeedbackValue[];
  answer: ChatErrorPayload | null;
  hold: boolean;
  release: () => void;
};

declare global {
  interface Window {
    feedback: Control;
  }
}

const control: Control = { calls: [], answer: null, hold: false, release: () => undefined };
window.feedback = control;

async function action(next: FeedbackValue): Promise<FeedbackResult> {
  control.calls.push(next);
  if (control.hold) await new Promise<void>((resolve) => (control.release = resolve));
  return control.answer ? { ok: false, error: control.answer } : { ok: true };
}

/** As the chat will hold it: the saved value changes only when the action says ok. */
function useSaved(): [FeedbackValue, (next: FeedbackValue) => Promise<FeedbackResult>] {
  const [value, setValue] = useState<FeedbackValue>(null);
  return [
    value,
    async (next) => {
      const result = await action(next);
      if (result.ok) setValue(next);
      return result;
    },
  ];
}

function Page() {
  const [answer, voteOnAnswer] = useSaved();
  const [conversation, rateConversation] = useSaved();
  return (
    <main>
      <output data-testid="saved-answer">{JSON.stringify(answer)}</output>
      <FeedbackButtons value={answer} onVote={voteOnAnswer} />
      <output data-testid="saved-conversation">{JSON.stringify(conversation)}</output>
      <ConversationRating value={conversation} onRate={rateConversation} />
    </main>
  );
}

createRoot(document.getElementById("root")!).render(<Page />);
