// pt-BR for the phrases Streamlit writes itself (ui/pt_br.py fills in __TABLES__ and explains
// why). Runs once per browser tab: rewrites what is on the page now, then whatever Streamlit
// adds or changes later. Only whole, exact phrases change; the app's own content never does.
(() => {
  if (window.__descontoPtBr) return;
  window.__descontoPtBr = true;

  const tables = __TABLES__;
  const text = new Map(Object.entries(tables.text));
  const labels = new Map([...text, ...Object.entries(tables.labels)]);
  const patterns = tables.patterns.map(([re, out]) => [new RegExp(re), out]);
  const ATTRIBUTES = ["placeholder", "aria-label", "title", "aria-placeholder"];

  // The pt-BR for `value` (spaces around it kept), or null when it is not one of the phrases.
  function rewrite(value, table) {
    const phrase = value.trim();
    if (!phrase) return null;
    let out = table.get(phrase);
    if (out === undefined) {
      const found = patterns.find(([re]) => re.test(phrase));
      if (!found) return null;
      out = phrase.replace(found[0], found[1]);
    }
    return out === phrase ? null : value.replace(phrase, () => out);
  }

  function fixText(node) {
    const parent = node.parentElement;
    if (!parent) return;
    let out = rewrite(node.data, text);
    // The date fields' range error is markdown: "**Error**: Date set outside allowed range…"
    if (out === null && node.data === "Error" && parent.tagName === "STRONG") {
      const next = parent.nextSibling;
      if (next && /^: (Date|data)/.test(next.textContent || "")) out = "Erro";
    }
    if (out !== null && !parent.closest(tables.skip)) node.data = out;
  }

  function fixAttributes(element) {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (!value) continue;
      const out = rewrite(value, labels);
      if (out !== null) element.setAttribute(name, out);
    }
  }

  function fixTree(root) {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixAttributes(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) fixText(node);
      else fixAttributes(node);
    }
  }

  // Streamlit's own "Page not found" dialog is always redundant here: st.navigation answers
  // every address itself (an unknown one gets the app's pt-BR page), but the first run after a
  // server start routes by the pages/ folder's file names and raises the dialog for any other
  // address, a page that exists included. Close it as soon as it shows.
  function dismissPageNotFound() {
    for (const dialog of document.querySelectorAll("[role='dialog']")) {
      const title = (dialog.textContent || "").trim();
      if (!/^(Page not found|Página não encontrada)/.test(title)) continue;
      if (!/pages\/ directory|does not seem to exist|não existe/.test(title)) continue;
      const close = dialog.querySelector("button[aria-label]");
      if (close) close.click();
      else document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    }
  }

  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "characterData") fixText(record.target);
      else if (record.type === "attributes") fixAttributes(record.target);
      else record.addedNodes.forEach(fixTree);
    }
    dismissPageNotFound();
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ATTRIBUTES,
  });
  fixTree(document.body);
  dismissPageNotFound();
})();
