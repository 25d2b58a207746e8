/* Search-result snippets from the page's text, not from the theme's buttons and page contents
 * (docs/_ext/searchscope.py; inline on every page, for the search page and the search dialog).
 *
 * Sphinx's searchtools.js makes a result's snippet from the text of the page's [role="main"]
 * element (Search.htmlToText). In pydata-sphinx-theme that element also holds the article's
 * header buttons ("Repository Suggest edit … Print page") and the page's contents list, so a
 * chapter's snippet was a run of its headings. Here it gets only the article.
 * tests/test_contracts.py pins what this wraps.
 */
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const toText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    const main = page.querySelector('[role="main"]');
    const article = main?.querySelector("article.bd-article");
    if (!article) return toText(htmlString, anchor);
    main.replaceChildren(article);
    return toText(page.documentElement.outerHTML, anchor);
  };
});
