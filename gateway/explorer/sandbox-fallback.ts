// Apollo Sandbox loads its UI from Apollo's CDN; offline, or behind a proxy that blocks it, the page would stay
// blank. This script, placed first in Sandbox's page, sends the browser to the local explorer instead.
import { EXPLORER_ASSETS_PATH, EXPLORER_PATH } from "./page.ts";

export const SANDBOX_FALLBACK_SCRIPT = "sandbox-fallback.js";
/** Sandbox's own URL: /graphql with this search parameter never falls back, so its offline page stays visible. */
export const SANDBOX_ONLY_PARAM = "sandbox";
/** How long Sandbox's script may take to arrive before the local explorer takes over. */
export const SANDBOX_LOAD_TIMEOUT_MS = 8_000;

export function sandboxFallbackScript(): string {
  return `(function () {
  if (new URLSearchParams(location.search).has(${JSON.stringify(SANDBOX_ONLY_PARAM)})) return;
  var done = false;
  function useLocalExplorer() {
    if (done) return;
    done = true;
    location.replace(new URL(${JSON.stringify(EXPLORER_PATH)}, location.href).href);
  }
  // A script that fails to load fires "error" on its element, which only a capturing listener sees.
  window.addEventListener("error", function (event) {
    var element = event.target;
    if (element && element.tagName === "SCRIPT" && /apollographql\\.com/.test(element.src)) useLocalExplorer();
  }, true);
  setTimeout(function () { if (!window.EmbeddedSandbox) useLocalExplorer(); }, ${SANDBOX_LOAD_TIMEOUT_MS});
})();
`;
}

/** Sandbox's page with the fallback script first in <head> (its CSP allows same-origin scripts). */
export function withSandboxFallback(html: string): string {
  const tag = `<script src="${EXPLORER_ASSETS_PATH}/${SANDBOX_FALLBACK_SCRIPT}"></script>`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return `${tag}${html}`;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}\n    ${tag}${html.slice(at)}`;
}
