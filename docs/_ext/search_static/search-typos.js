/* Search with a typo, on the search page (docs/_ext/searchscope.py).
 *
 * A query word that matches no page ("osteoarthritus") is replaced by the closest word
 * in the index, at most one edit away (two for words of seven letters or more), and the
 * results say so. Wraps Sphinx's Search._parseQuery (searchtools.js, Sphinx 9), which
 * stems the query's words; tests/test_contracts.py pins its shape.
 */
(() => {
  "use strict";
  if (typeof Search === "undefined" || typeof Search._parseQuery !== "function") return;
  const parse = Search._parseQuery;

  /* Levenshtein distance of a and b, or limit + 1 once it is sure to exceed limit. */
  function distance(a, b, limit) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++) {
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      if (Math.min(...current) > limit) return limit + 1;
      previous = current;
    }
    return previous[b.length];
  }

  /* Whether the index has pages for this stemmed word (pruned words keep an empty list). */
  function found(index, word) {
    return [index.terms, index.titleterms].some((terms) => {
      const pages = Object.hasOwn(terms, word) ? terms[word] : undefined;
      return typeof pages === "number" || (Array.isArray(pages) && pages.length > 0);
    });
  }

  function closest(index, word) {
    const limit = word.length >= 7 ? 2 : 1;
    let best = null;
    let bestDistance = limit + 1;
    for (const candidate of new Set([...Object.keys(index.terms), ...Object.keys(index.titleterms)])) {
      if (Math.abs(candidate.length - word.length) >= bestDistance || !found(index, candidate)) continue;
      const d = distance(word, candidate, Math.min(limit, bestDistance - 1));
      if (d < bestDistance) [best, bestDistance] = [candidate, d];
    }
    return best;
  }

  Search._parseQuery = (query) => {
    const parsed = parse(query);
    const [, searchTerms, , highlightTerms] = parsed;
    const corrected = [];
    for (const word of [...searchTerms]) {
      if (word.length < 4 || found(Search._index, word)) continue;
      const replacement = closest(Search._index, word);
      if (replacement === null) continue;
      searchTerms.delete(word);
      searchTerms.add(replacement);
      highlightTerms.add(replacement);
      corrected.push(word);
    }
    document.querySelector(".search-typos")?.remove();
    if (corrected.length && Search.output) {
      const note = document.createElement("p");
      note.className = "search-typos";
      note.textContent = `No page has “${corrected.join("”, “")}”: showing pages with the closest spelling.`;
      Search.output.before(note);
    }
    return parsed;
  };
})();
