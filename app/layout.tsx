import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import "./chat-layout.css";
import "./conversations.css";
import "./feedback.css";

export const metadata: Metadata = {
  title: "Phoenix Session Chat",
  description: "A Next.js chatbot whose traces Arize Phoenix groups by conversation.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
