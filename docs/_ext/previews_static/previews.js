/* Previews of citations and glossary terms, without leaving the page (docs/_ext/previews.py).
 *
 * Hovering, tapping or pressing Enter on a citation shows its entry (authors, year, title, DOI);
 * a glossary term shows its definition. The content is the link's target: a citation's
 * entry in this page's "References in this chapter" (docs/_ext/chapterrefs.py), a term's
 * definition fetched from the glossary page of the same site (never another host). WCAG 1.4.13: the popup opens next to
 * the link and follows it in the tab order, the pointer can move into it, it stays while
 * the pointer or focus is on the link or the popup, and Escape, the close button or a tap
 * elsewhere dismisses it. A mouse click follows the link; a tap (touch or pen) opens the popup
 * instead, which holds the link to the full entry. Focus alone opens nothing, so Tab moves past
 * a link in one press; Enter opens the popup, and Enter again follows the link.
 */
(() => {
  "use strict";
  const CITATION = "span.bibtex-citation a.reference.internal";
  const TERM = "a.reference.internal:has(> .std-term)";
  const GRACE_MS = 300;  // time to move the pointer from the link into the popup
  const pages = new Map();  // page path -> Promise<Document | null>
  let open = null;  // {trigger, popup}
  let wanted = null;  // the trigger whose popup is being prepared
  let closeTimer = 0;
  let lastPointer = "mouse";
  let counter = 0;

  function fetchPage(url) {
    if (!pages.has(url.pathname)) {
      pages.set(url.pathname, fetch(url.pathname, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : null))
        .then((text) => (text === null ? null : new DOMParser().parseFromString(text, "text/html")))
        .catch(() => null));
    }
    return pages.get(url.pathname);
  }

  /* The element the link points to: on this page, or fetched from this site. */
  async function target(trigger) {
    const url = new URL(trigger.href, location.href);
    if (url.origin !== location.origin || !/^https?:$/.test(url.protocol) || !url.hash) return null;
    const id = decodeURIComponent(url.hash.slice(1));
    const page = url.pathname === location.pathname ? document : await fetchPage(url);
    return page ? page.getElementById(id) : null;
  }

  /* Copies of the target's content, without ids, permalinks or backlinks; a term's
     heading links to the glossary, as the tapped link would have. */
  function content(element, trigger) {
    const parts = [];
    if (element.tagName === "DT") {
      const heading = document.createElement("p");
      const link = document.createElement("a");
      heading.className = "preview-title";
      link.href = trigger.href;
      link.append(...element.cloneNode(true).childNodes);
      heading.append(link);
      parts.push(heading);
      for (let dd = element.nextElementSibling; dd && dd.tagName === "DD"; dd = dd.nextElementSibling) {
        parts.push(...[...dd.cloneNode(true).children]);
      }
    } else if (element.matches("div.citation")) {
      parts.push(...[...element.querySelectorAll(":scope > p")].map((p) => p.cloneNode(true)));
    } else {
      parts.push(...[...element.cloneNode(true).children]);
    }
    for (const part of parts) {
      part.querySelectorAll("a.headerlink").forEach((a) => a.remove());
      [part, ...part.querySelectorAll("[id]")].forEach((el) => el.removeAttribute("id"));
    }
    return parts;
  }

  function place(trigger, popup) {
    const rect = trigger.getBoundingClientRect();
    const width = Math.min(popup.offsetWidth, window.innerWidth - 16);
    const left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
    const below = window.innerHeight - rect.bottom;
    const top = below >= popup.offsetHeight + 8 || below >= rect.top ? rect.bottom + 4 : rect.top - popup.offsetHeight - 4;
    popup.style.left = `${left}px`;
    popup.style.top = `${Math.max(4, top)}px`;
  }

  function close(returnFocus = false) {
    clearTimeout(closeTimer);
    wanted = null;
    if (!open) return;
    const { trigger, popup } = open;
    open = null;
    popup.remove();
    trigger.setAttribute("aria-expanded", "false");
    if (returnFocus) trigger.focus();
  }

  async function show(trigger) {
    clearTimeout(closeTimer);
    if (open && open.trigger === trigger) return;
    close();
    wanted = trigger;
    const element = await target(trigger);
    if (!element || wanted !== trigger) return;
    const popup = document.createElement("div");
    popup.className = "preview-popup";
    popup.id = `preview-popup-${++counter}`;
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", trigger.closest(CITATION) ? "Reference" : "Definition");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "preview-close";
    button.setAttribute("aria-label", "Close");
    button.textContent = "\u00d7";
    button.addEventListener("click", () => close(true));
    const body = document.createElement("div");
    body.className = "preview-body";
    body.append(...content(element, trigger));
    popup.append(button, body);
    popup.addEventListener("pointerenter", () => clearTimeout(closeTimer));
    popup.addEventListener("pointerleave", (event) => { if (event.pointerType === "mouse") closeSoon(); });
    trigger.after(popup);  // next in the tab order and for screen readers
    trigger.setAttribute("aria-expanded", "true");
    open = { trigger, popup };
    place(trigger, popup);
  }

  function closeSoon() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(() => close(), GRACE_MS);
  }

  function init() {
    const triggers = document.querySelectorAll(`article ${CITATION}, article ${TERM}`);
    for (const trigger of triggers) {
      if (trigger.closest(".chapter-references, .preview-popup")) continue;
      trigger.removeAttribute("title");  // the popup replaces the browser's tooltip
      trigger.setAttribute("aria-expanded", "false");
      trigger.addEventListener("pointerenter", (event) => { if (event.pointerType === "mouse") show(trigger); });
      trigger.addEventListener("pointerleave", (event) => { if (event.pointerType === "mouse") closeSoon(); });
      trigger.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" || (open && open.trigger === trigger)) return;  // Enter again follows the link
        event.preventDefault();
        show(trigger);
      });
      trigger.addEventListener("click", (event) => {
        if (lastPointer === "touch" || lastPointer === "pen") {
          event.preventDefault();
          if (open && open.trigger === trigger) close(); else show(trigger);
        }
        lastPointer = "mouse";
      });
    }
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && open) close(open.popup.contains(document.activeElement));
    });
    document.addEventListener("pointerdown", (event) => {
      lastPointer = event.pointerType;  // a tap is a click whose pointer was touch or pen
      if (open && !open.popup.contains(event.target) && !open.trigger.contains(event.target)) close();
    });
    document.addEventListener("focusin", (event) => {
      if (open && !open.popup.contains(event.target) && !open.trigger.contains(event.target)) close();
    });
    const follow = () => { if (open) place(open.trigger, open.popup); };
    window.addEventListener("scroll", follow, { passive: true });
    window.addEventListener("resize", follow);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
