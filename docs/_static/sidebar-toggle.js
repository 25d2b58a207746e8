/* Make the sidebar buttons readers see work, on phones, tablets and desktops.
 *
 * sphinx-book-theme 1.4.0 shows its own "Toggle primary/secondary sidebar" buttons in
 * the article header and hides the navbar buttons of pydata-sphinx-theme 0.20.0. Both
 * themes bind their click handlers with document.querySelector(".primary-toggle") (and
 * ".secondary-toggle"), which finds the hidden navbar button first, so the visible button
 * does nothing: the navigation dialog never opens on a narrow screen, and the sidebar
 * never collapses on a wide one. Upstream reports (open as of 1 December 2026):
 * https://github.com/pydata/pydata-sphinx-theme/issues/2451 (still in 0.24.0),
 * https://github.com/executablebooks/sphinx-book-theme/issues/988 and /issues/917.
 *
 * Patch: a click on any other button of the same kind is passed on to the one the themes
 * wired, so both themes' own handlers run (dialog on narrow screens, collapse on wide).
 * Remove this file, and its line in docs/conf.py, once a theme release fixes the binding.
 */
document.addEventListener("DOMContentLoaded", () => {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const [wired, ...others] = document.querySelectorAll(selector);
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopImmediatePropagation();
        wired.click();
      });
    }
  }
});
