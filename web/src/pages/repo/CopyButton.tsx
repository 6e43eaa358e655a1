import { useEffect, useState } from "react";

/** Copies `text` to the clipboard and says so (to screen readers too). */
export function CopyButton({ text, label = "Copy", className = "btn btn-small" }: { text: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState<"ok" | "failed" | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("ok");
    } catch {
      // Insecure origin (plain http on another host): fall back to a selection copy.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      setCopied(ok ? "ok" : "failed");
    }
  };
  return (
    <button type="button" className={className} onClick={() => void copy()} aria-label={`${label}: ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`}>
      <span aria-hidden="true">{copied === "ok" ? "Copied" : copied === "failed" ? "Copy failed" : label}</span>
      <span className="visually-hidden" role="status">
        {copied === "ok" ? "Copied to the clipboard" : copied === "failed" ? "Could not copy" : ""}
      </span>
    </button>
  );
}
