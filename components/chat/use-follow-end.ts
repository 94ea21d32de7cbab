"use client";

import { useCallback, useEffect, useRef, type RefObject } from "react";

/** Within this many CSS px of the end, the view is at the end (fractional pixels at some zoom levels). */
const AT_END_PX = 2;

/**
 * Keeps a scrolling box at its end while what it shows grows (an answer streaming in, a tool
 * result, the rating appearing, a conversation opened from the list), until the reader scrolls
 * up to read, by any means (wheel, touchpad, keys, scrollbar); scrolling back to the end
 * follows again, and so does what the returned function is called for (the reader sends).
 *
 * Whether to follow is decided by the reader's own scrolling, never measured after the content
 * grew: a chunk taller than some slack (a busy tab renders several at once) would otherwise read
 * as "scrolled up" and the view would stop in the middle of an answer; and any move up counts,
 * so a touchpad's few pixels are not pulled back down by the next chunk.
 */
export function useFollowEnd(scroller: RefObject<HTMLElement | null>): () => void {
  const following = useRef(true);
  const toEnd = useCallback(() => {
    const box = scroller.current;
    if (box && following.current) box.scrollTop = box.scrollHeight;
  }, [scroller]);

  useEffect(() => {
    const box = scroller.current;
    if (!box) return;
    let lastTop = box.scrollTop;
    const onScroll = () => {
      // Our own scrolling only ever lands at the end; content that shrinks only moves it up to the end.
      if (box.scrollHeight - box.scrollTop - box.clientHeight <= AT_END_PX) following.current = true;
      else if (box.scrollTop < lastTop) following.current = false;
      lastTop = box.scrollTop;
    };
    toEnd();
    box.addEventListener("scroll", onScroll, { passive: true });
    // Any change inside (text, new messages, the rating), and the box itself resizing (a phone's keyboard, the window).
    const changes = new MutationObserver(toEnd);
    changes.observe(box, { childList: true, subtree: true, characterData: true });
    const resizes = new ResizeObserver(toEnd);
    resizes.observe(box);
    return () => {
      box.removeEventListener("scroll", onScroll);
      changes.disconnect();
      resizes.disconnect();
    };
  }, [scroller, toEnd]);

  return useCallback(() => {
    following.current = true;
    toEnd();
  }, [toEnd]);
}
