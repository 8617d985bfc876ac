/* Glossary terms explained where they appear (docs/_ext/glossary_tips.py says why and how).

   A link to a glossary term (Sphinx's :term: role: <a href="glossary.html#term-kernel"> holding
   <span class="std-term">) shows the first paragraph of the term's definition in a tooltip: on
   mouse hover, and on keyboard focus (not on a tap or a click, which follow the link). The
   definitions are in window.cnnexplainGlossary, written at build time to glossary_terms.js,
   which loads before this script: nothing is fetched, so it works offline and from file://.

   One role="tooltip" box serves the whole page; the link it describes points at it with
   aria-describedby while it shows. WCAG 1.4.13 (content on hover or focus):
   - dismissible: Escape hides it, without moving the focus or the pointer;
   - hoverable: the pointer can move from the link onto the box (it hides HIDE_DELAY ms after
     the pointer has left both), and the box sits right next to the link;
   - persistent: it stays until the pointer leaves, the focus leaves, or Escape. */
(() => {
  const TIP_ID = "glossary-tip";
  const HIDE_DELAY = 300; // ms: time to cross the gap between the link and the box
  const GAP = 6; // px between the link and the box
  const MARGIN = 8; // px kept free at the viewport's edges

  let byId = null; // "term-kernel" -> {term, others, text}
  let tip = null;
  const state = { link: null, hovered: false, focused: false, dismissed: false, timer: 0 };

  const definitions = () => {
    if (byId) return byId;
    byId = new Map();
    const data = window.cnnexplainGlossary;
    if (!data) return byId;
    for (const entry of data.entries) {
      entry.ids.forEach((id, i) => {
        const others = entry.terms.filter((_, j) => j !== i);
        byId.set(id, { term: entry.terms[i], others, text: entry.text });
      });
    }
    return byId;
  };

  // The definition a link leads to, or null if it is not a term link.
  const definitionOf = (link) => {
    if (!link || !link.hash || !link.querySelector(".std-term")) return null;
    let id;
    try {
      id = decodeURIComponent(link.hash.slice(1));
    } catch (e) {
      return null;
    }
    return definitions().get(id) || null;
  };

  const termLink = (target) => {
    const link = target instanceof Element ? target.closest("a[href]") : null;
    return link && definitionOf(link) ? link : null;
  };

  const inTip = (node) => !!(tip && node instanceof Node && tip.contains(node));

  const tipElement = () => {
    if (tip) return tip;
    tip = document.createElement("div");
    tip.id = TIP_ID;
    tip.className = "glossary-tip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.appendChild(tip);
    return tip;
  };

  const describe = (link, on) => {
    const ids = (link.getAttribute("aria-describedby") || "").split(/\s+/).filter((t) => t && t !== TIP_ID);
    if (on) ids.push(TIP_ID);
    if (ids.length) link.setAttribute("aria-describedby", ids.join(" "));
    else link.removeAttribute("aria-describedby");
  };

  const fill = (definition) => {
    const box = tipElement();
    box.replaceChildren();
    const head = document.createElement("span");
    head.className = "glossary-tip__term";
    head.textContent = definition.term;
    box.append(head);
    if (definition.others.length) {
      const also = document.createElement("span");
      also.className = "glossary-tip__also";
      also.textContent = ` (also: ${definition.others.join(", ")})`;
      box.append(also);
    }
    const text = document.createElement("span");
    text.className = "glossary-tip__text";
    text.textContent = definition.text;
    box.append(text);
  };

  // Below the link (the line of it under the pointer, if any), or above it if there is no room
  // below; moved sideways to stay on screen.
  const place = (link, x, y) => {
    const box = tipElement();
    const rects = Array.from(link.getClientRects());
    let rect = rects[0] || link.getBoundingClientRect();
    if (x !== undefined) {
      rect = rects.find((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) || rect;
    }
    box.style.left = "0px";
    box.style.top = "0px";
    const view = document.documentElement.clientWidth;
    const width = box.offsetWidth;
    const height = box.offsetHeight;
    let left = Math.max(MARGIN, Math.min(rect.left, view - MARGIN - width));
    let top = rect.bottom + GAP;
    if (top + height > window.innerHeight - MARGIN && rect.top - GAP - height >= MARGIN) {
      top = rect.top - GAP - height;
    }
    // The box is positioned in its containing block; for the body, the document.
    const parent = box.offsetParent;
    const origin =
      parent && parent !== document.body && getComputedStyle(parent).position !== "static"
        ? parent.getBoundingClientRect()
        : { left: -window.scrollX, top: -window.scrollY };
    box.style.left = `${left - origin.left}px`;
    box.style.top = `${top - origin.top}px`;
  };

  const show = (link, x, y) => {
    const definition = definitionOf(link);
    if (!definition) return;
    if (state.link && state.link !== link) describe(state.link, false);
    state.link = link;
    fill(definition);
    const box = tipElement();
    box.hidden = false;
    place(link, x, y);
    describe(link, true);
  };

  const hide = () => {
    clearTimeout(state.timer);
    if (tip) tip.hidden = true;
    if (state.link) describe(state.link, false);
  };

  // Show the box while the link is hovered or focused, unless Escape dismissed it.
  const update = () => {
    if (!state.hovered && !state.focused) {
      state.dismissed = false;
      hide();
      state.link = null;
    } else if (state.dismissed) {
      hide();
    }
  };

  const open = (link, how, x, y) => {
    clearTimeout(state.timer);
    if (link !== state.link) {
      state.hovered = false;
      state.focused = false;
      state.dismissed = false;
    }
    state[how] = true;
    if (!state.dismissed && (tip === null || tip.hidden || link !== state.link)) show(link, x, y);
  };

  const mouse = (event) => event.pointerType === "mouse" || event.pointerType === "pen";

  document.addEventListener("pointerover", (event) => {
    if (!mouse(event)) return; // a tap follows the link; it does not open the box
    const link = termLink(event.target);
    const from = event.relatedTarget;
    if (link && link === state.link && !(from && (link.contains(from) || inTip(from)))) {
      state.dismissed = false; // the pointer comes back from outside: a new hover
    }
    if (link) open(link, "hovered", event.clientX, event.clientY);
    else if (inTip(event.target)) clearTimeout(state.timer);
  });

  document.addEventListener("pointerout", (event) => {
    if (!mouse(event) || !state.link || !state.hovered) return;
    const from = event.target;
    const to = event.relatedTarget;
    if (!(state.link.contains(from) || inTip(from))) return;
    if (to && (state.link.contains(to) || inTip(to))) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.hovered = false;
      update();
    }, HIDE_DELAY);
  });

  document.addEventListener("focusin", (event) => {
    const link = termLink(event.target);
    // Keyboard focus only: a click focuses the link too, and then follows it.
    if (link && link.matches(":focus-visible")) open(link, "focused");
  });

  document.addEventListener("focusout", (event) => {
    if (state.link && event.target === state.link && state.focused) {
      state.focused = false;
      update();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !tip || tip.hidden) return;
    state.dismissed = true;
    update();
  });

  window.addEventListener("resize", () => {
    if (tip && !tip.hidden && state.link) place(state.link);
  });
})();
