import { answers, expect, messageBox, seedConversation, sendAndWait, sessionIdOf, test } from "./support/fixtures";
import { MARKDOWN_SIGNATURE, OUR_COMPONENTS_SIGNATURE } from "./support/script-contents";

test.describe("chatting in the browser", () => {
  test("a three-turn conversation streams each answer in, with a tool step", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("empty-state")).toBeVisible();

    // Watch the first answer grow while it streams.
    await messageBox(page).fill("Write a long story about a heron");
    await messageBox(page).press("Enter");
    const first = answers(page).first();
    await expect(first).toHaveAttribute("data-status", "streaming");
    await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
    await expect(first.getByTestId("answer-text")).toContainText("heron");
    const partial = (await first.innerText()).length;
    await expect(async () => expect((await first.innerText()).length).toBeGreaterThan(partial + 20)).toPass();
    await expect(first).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();

    const second = await sendAndWait(page, "What time is it in Tokyo?");
    await expect(second.getByTestId("tool-call")).toContainText("get_current_time");
    await expect(second.getByTestId("answer-text")).toContainText("Asia/Tokyo");

    const third = await sendAndWait(page, "And what did I ask first?");
    await expect(third.getByTestId("answer-text")).toContainText("Write a long story about a heron");
    await expect(page.getByTestId("user-message")).toHaveCount(3);
    await expect(answers(page)).toHaveCount(3);
  });

  test("Enter sends, Shift+Enter makes a new line, the keyboard alone is enough", async ({ page }) => {
    await page.goto("/");
    await expect(messageBox(page)).toBeFocused();
    await page.keyboard.type("first line");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");
    await expect(messageBox(page)).toHaveValue("first line\nsecond line");
    await expect(page.getByTestId("user-message")).toHaveCount(0);
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("user-message")).toHaveText("first line\nsecond line");
    await expect(messageBox(page)).toHaveValue("");
    await expect(answers(page).first()).toHaveAttribute("data-status", "done");

    // Focus stayed in the box; Tab reaches the Send button, and Enter on it sends.
    await expect(messageBox(page)).toBeFocused();
    await page.keyboard.type("sent with the button");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Send" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("user-message").nth(1)).toHaveText("sent with the button");
  });

  test("answers render Markdown, and HTML in the text stays text", async ({ page }) => {
    await page.goto("/");
    const answer = await sendAndWait(page, 'Look: <img src=x onerror="window.__pwned=1"> <b>bold?</b>');
    await expect(answer.locator("img")).toHaveCount(0);
    await expect(answer.locator("b")).toHaveCount(0);
    await expect(answer.getByTestId("answer-text")).toContainText('<img src=x onerror="window.__pwned=1">');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    const markdown = await sendAndWait(page, "How do sessions work?");
    await expect(markdown.locator("strong").first()).toHaveText("session");
    await expect(markdown.locator("ol > li")).toHaveCount(3);
  });

  test("the Markdown renderer is not in the first load: it arrives with the first answer", async ({ page }) => {
    // Every script the page asks for, with its text, from the first request on.
    const scripts: Promise<{ url: string; text: string }>[] = [];
    page.on("request", (request) => {
      if (request.resourceType() !== "script") return;
      scripts.push(request.response().then(async (response) => ({ url: request.url(), text: (await response?.text()) ?? "" })));
    });
    const loaded = async (signature: string) => (await Promise.all(scripts)).filter((s) => s.text.includes(signature)).map((s) => s.url);

    await page.goto("/", { waitUntil: "networkidle" });
    await expect(messageBox(page)).toBeFocused();
    // The page's own code was read (so the search below can find something), and no Markdown renderer came with it.
    expect(await loaded(OUR_COMPONENTS_SIGNATURE)).not.toEqual([]);
    expect(await loaded(MARKDOWN_SIGNATURE)).toEqual([]);

    const answer = await sendAndWait(page, "How do sessions work?");
    await expect(answer.locator("strong").first()).toHaveText("session");
    await expect(answer.locator("ol > li")).toHaveCount(3);
    expect(await loaded(MARKDOWN_SIGNATURE)).not.toEqual([]);
  });
});

test.describe("the session", () => {
  test("New conversation: a new session id, the same user, an empty history; the old one stays listed", async ({ page }) => {
    await page.goto("/");
    const firstSession = await sessionIdOf(page);
    const user = await page.getByTestId("user-id").innerText();
    await sendAndWait(page, "Hello!");
    await page.getByTestId("new-conversation").click();
    await expect(page.getByTestId("session-id")).not.toHaveText(firstSession);
    await expect(page.getByTestId("user-id")).toHaveText(user);
    await expect(page.getByTestId("empty-state")).toBeVisible();
    expect(await sessionIdOf(page)).toMatch(/^[0-9a-f-]{36}$/);
    await expect(page.locator(`[data-testid="conversation-item"][data-session-id="${firstSession}"]`)).toContainText("Hello!");
    // This tab keeps showing the new conversation across a reload.
    const secondSession = await sessionIdOf(page);
    await sendAndWait(page, "Second conversation");
    await page.reload();
    await expect(page.getByTestId("session-id")).toHaveText(secondSession);
    await expect(page.getByTestId("user-message")).toHaveText(["Second conversation"]);
  });

  test("a reload keeps the conversation of the current session", async ({ page }) => {
    await page.goto("/");
    const session = await sessionIdOf(page);
    await sendAndWait(page, "Hello!");
    await sendAndWait(page, "What time is it in Paris?");
    await page.reload();
    await expect(page.getByTestId("session-id")).toHaveText(session);
    await expect(page.getByTestId("user-message")).toHaveText(["Hello!", "What time is it in Paris?"]);
    await expect(answers(page)).toHaveCount(2);
    await expect(answers(page).nth(1)).toContainText("Europe/Paris");
  });

  test("a very long conversation still sends: the browser sends only the recent history that fits, in bytes", async ({ page }) => {
    await page.goto("/");
    // 250 messages; among them 20 questions of 4,000 CJK characters (12 KB each) with
    // 20,000-character answers: about 2 MB of history, far over Next's 1 MB body limit.
    const messages = Array.from({ length: 250 }, (_, i) => {
      const user = i % 2 === 0;
      const big = i >= 200 && i < 240;
      const text = big ? (user ? "問".repeat(4_000) : "答".repeat(20_000)) : `message ${i}`;
      return { id: `m${i}`, role: user ? "user" : "assistant", parts: [{ type: "text", text }], metadata: user ? undefined : { outcome: "completed" } };
    });
    await seedConversation(page, messages);
    const requestBytes: number[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.headers()["next-action"]) requestBytes.push(request.postDataBuffer()?.length ?? 0);
    });
    await expect(page.getByTestId("user-message")).toHaveCount(125);
    const answer = await sendAndWait(page, "Still there?");
    await expect(answer.getByTestId("turn-error")).toHaveCount(0);
    await expect(answer.getByTestId("answer-text")).toContainText("Still there?");
    expect(Math.max(...requestBytes)).toBeLessThan(1024 * 1024);
  });

  test("the tier can be changed from the panel and sticks", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("tier-select")).toHaveValue("free");
    await expect(page.getByTestId("region")).toHaveText("local");
    await page.getByTestId("tier-select").selectOption("pro");
    await expect(page.getByTestId("tier-select")).toHaveValue("pro");
    await page.reload();
    await expect(page.getByTestId("tier-select")).toHaveValue("pro");
  });

  test("a tampered or garbage cookie gives a fresh identity, not an error", async ({ page, context, baseURL }) => {
    await page.goto("/");
    const original = (await page.getByTestId("user-id").innerText()).trim();
    const [cookie] = await context.cookies();
    expect(cookie?.name).toBe("chat_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    for (const value of [`${cookie!.value.slice(0, -4)}AAAA`, "garbage", "Fe26.2**"]) {
      await context.addCookies([{ name: "chat_session", value, url: baseURL! }]);
      const response = await page.reload();
      expect(response?.status()).toBe(200);
      await expect(page.getByTestId("user-id")).not.toHaveText(original);
    }
    await sendAndWait(page, "Hello!");
  });
});

test.describe("a session lost mid-conversation", () => {
  test("the open page says to reload (nothing sent); after it, the old conversation goes on in a new session, and only its new answers take votes", async ({
    page,
    context,
    baseURL,
  }) => {
    await page.goto("/");
    const original = await sessionIdOf(page);
    await sendAndWait(page, "Hello!");
    // The cookie becomes unreadable (expired, or its secret was retired), with the page still open.
    await context.addCookies([{ name: "chat_session", value: "garbage", url: baseURL! }]);
    await messageBox(page).fill("Still there?");
    await messageBox(page).press("Enter");
    // Actions never mint a user: one notice with the fix, the words kept in the box, nothing added.
    await expect(page.getByTestId("turn-refused")).toHaveAttribute("data-code", "unauthorized:session");
    await expect(page.getByTestId("turn-refused")).toContainText("Reload the page");
    await expect(messageBox(page)).toHaveValue("Still there?");
    await expect(page.getByTestId("user-message")).toHaveText(["Hello!"]);

    // The reload mints a new user (proxy.ts), whom the conversation's token does not name.
    await page.reload();
    const refused = await sendAndWait(page, "Still there?", "error");
    await expect(refused.getByTestId("turn-error")).toHaveAttribute("data-code", "forbidden:conversation");
    await refused.getByTestId("continue-in-new-session").click();
    await expect(answers(page).nth(1)).toHaveAttribute("data-status", "done");
    await expect(page.getByTestId("session-id")).not.toHaveText(original);
    await expect(page.getByTestId("user-message")).toHaveText(["Hello!", "Still there?"]);
    // The first answer's receipt names the old session, which this user cannot prove is theirs: no thumbs that could only fail.
    await expect(answers(page).nth(0).getByTestId("feedback-buttons")).toHaveCount(0);
    await answers(page).nth(1).getByTestId("feedback-up").click();
    await expect(answers(page).nth(1).getByTestId("feedback-up")).toHaveAttribute("aria-pressed", "true");
    await page.reload();
    await expect(page.getByTestId("user-message")).toHaveText(["Hello!", "Still there?"]);
    await expect(answers(page)).toHaveCount(2);
    await expect(page.getByTestId("conversation-item")).toHaveCount(1);
  });

  test("a browser that does not send the cookie back is told so once, with the fix, instead of looping", async ({ page, context }) => {
    await page.goto("/");
    await sendAndWait(page, "Hello!");
    await context.clearCookies();
    for (const text of ["Are you there?", "Hello again?"]) {
      await messageBox(page).fill(text);
      await messageBox(page).press("Enter");
      await expect(page.getByTestId("turn-refused")).toHaveAttribute("data-code", "unauthorized:no_cookie");
      await expect(messageBox(page)).toHaveValue(text);
    }
    await expect(page.getByTestId("turn-refused")).toHaveCount(1);
    await expect(page.getByTestId("turn-refused")).toContainText("Allow cookies for this site");
    await expect(page.getByTestId("continue-in-new-session")).toHaveCount(0);
    await expect(answers(page)).toHaveCount(1);
    await expect(context.cookies()).resolves.toEqual([]);
  });
});

test.describe("stopping and failing", () => {
  test("Stop ends the answer where it is, and it stays stopped", async ({ page }) => {
    await page.goto("/");
    await messageBox(page).fill("Write a long story about a lighthouse keeper");
    await messageBox(page).press("Enter");
    const answer = answers(page).first();
    await expect(answer.getByTestId("answer-text")).toContainText("lighthouse keeper");
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(answer).toHaveAttribute("data-status", "stopped");
    await expect(answer).toContainText("Stopped.");
    const atStop = await answer.getByTestId("answer-text").innerText();
    await page.waitForTimeout(1_000);
    expect(await answer.getByTestId("answer-text").innerText()).toBe(atStop);
    expect(atStop.length).toBeLessThan(1_500);
    // The next turn works normally.
    await sendAndWait(page, "Hello!");
  });

  test("a provider error shows a clear message with Retry, and keeps the user's message", async ({ page }) => {
    await page.goto("/");
    const answer = await sendAndWait(page, "Simulate a 429 error from the provider.", "error");
    await expect(answer.getByTestId("turn-error")).toContainText("rate limiting us (429)");
    await expect(page.getByTestId("user-message")).toHaveText(["Simulate a 429 error from the provider."]);
    const retry = answer.getByRole("button", { name: "Retry" });
    await expect(retry).toBeVisible();
    // Retry asks again (the demo model fails the same way), without duplicating the message.
    const firstTrace = await answer.getByTestId("trace-link").getAttribute("href");
    await retry.click();
    await expect(answer).toHaveAttribute("data-status", "error");
    await expect(answer.getByTestId("trace-link")).not.toHaveAttribute("href", firstTrace!);
    await expect(page.getByTestId("user-message")).toHaveCount(1);
  });
});

test.describe("bad input", () => {
  test("an empty or whitespace-only message is not sent, with a visible hint", async ({ page }) => {
    await page.goto("/");
    await messageBox(page).press("Enter");
    await expect(page.getByTestId("composer-hint")).toHaveText("Type a message first.");
    await messageBox(page).fill("   \n  ");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByTestId("composer-hint")).toHaveText("Type a message first.");
    await expect(page.getByTestId("user-message")).toHaveCount(0);
  });

  test("a message over 4,000 characters gets a clear error and stays in the box", async ({ page }) => {
    await page.goto("/");
    const long = "a".repeat(4_001);
    await messageBox(page).fill(long);
    await expect(page.getByTestId("composer-hint")).toContainText("over 4,000 characters");
    await messageBox(page).press("Enter");
    await expect(page.getByTestId("user-message")).toHaveCount(0);
    await expect(messageBox(page)).toHaveValue(long);
  });

  test("a malformed Server Action call gets a typed error in the UI; the message is kept", async ({ page }) => {
    const pageErrors: Error[] = [];
    page.on("pageerror", (error) => pageErrors.push(error));
    await page.goto("/");
    // Rewrite the action's arguments on the wire into something the server must refuse.
    await page.route("**/*", async (route) => {
      const request = route.request();
      if (request.method() === "POST" && request.headers()["next-action"] && request.postData()?.includes('"messages"')) {
        const [args] = JSON.parse(request.postData()!) as [{ conversationToken: string }];
        const mangled = { conversationToken: args.conversationToken, messages: [{ id: "1", role: "user", parts: [{ type: "text", text: 42 }] }] };
        return route.continue({ postData: JSON.stringify([mangled]) });
      }
      return route.continue();
    });
    const answer = await sendAndWait(page, "This request gets mangled", "error");
    await expect(answer.getByTestId("turn-error")).toHaveAttribute("data-code", "bad_request:malformed");
    await expect(answer.getByTestId("turn-error")).toContainText("could not read");
    await expect(page.getByTestId("user-message")).toHaveText(["This request gets mangled"]);
    expect(pageErrors).toEqual([]);
  });
});

test("usable on a phone-sized screen", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, baseURL });
  const page = await context.newPage();
  await page.goto("/");
  // The session details fold away on a phone, behind one button.
  await page.getByRole("button", { name: "Session details" }).click();
  await expect(page.getByTestId("session-id")).toBeVisible();
  await expect(messageBox(page)).toBeInViewport();
  await sendAndWait(page, "Hello!");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});
