/* A code block that scrolls sideways needs a tab stop, so that a keyboard can scroll it (axe:
   scrollable-region-focusable). The theme sets these once, when the page loads, and again only
   when nodes are added to the page. But the column can change width after the load event (the
   theme settles its sidebars then), so a block that fitted at load may scroll a moment later
   and keep no tab stop. Watch every block's size instead, and set its tab stop whenever it
   changes, with the theme's own rule. */
(() => {
  const scrolls = (el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
  const setTabStop = (el) => { el.tabIndex = scrolls(el) ? 0 : -1; };
  const watchCodeBlocks = () => {
    const observer = new ResizeObserver((entries) => entries.forEach((e) => setTabStop(e.target)));
    document.querySelectorAll("pre").forEach((el) => observer.observe(el));
    // A late web font changes the lines' width, not the block's: check once more when fonts are in.
    document.fonts.ready.then(() => document.querySelectorAll("pre").forEach(setTabStop));
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchCodeBlocks);
  } else {
    watchCodeBlocks();
  }
})();
