/* MathJax 2 API shim for the Jupyter widget manager (embed.js).
 *
 * The widget manager typesets labels and HTML widgets with the MathJax 2 API,
 *     if (window.MathJax !== undefined) MathJax.Hub.Queue(["Typeset", MathJax.Hub, el]);
 * while the book loads MathJax 3, which has no MathJax.Hub: every widget render would
 * throw on a page with math. This file gives whatever object becomes window.MathJax a
 * small Hub that forwards to MathJax 3 (typesetPromise) once MathJax 3 has started.
 *
 * It must run before embed.js and works whether it runs before or after MathJax 3:
 * MathJax 3 replaces window.MathJax with its own object (the earlier one becomes its
 * configuration), so a setter re-attaches the Hub to each new value.
 */
(function () {
  "use strict";

  function mathjax3Ready() {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) return mj.startup.promise;
    return new Promise(function (resolve) {
      window.addEventListener("load", function () {
        var m = window.MathJax;
        resolve(m && m.startup && m.startup.promise);
      });
    });
  }

  var pending = Promise.resolve();

  // Widget labels use Jupyter's $...$ / $$...$$ delimiters; MathJax 3 as configured by
  // Sphinx only knows \(...\) and \[...\]. Rewrite the delimiters in the text nodes of
  // the element the widget manager asked to typeset (only that element, never the page).
  function rewriteDollars(el) {
    if (!el || !el.nodeType) return;
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var p = node.parentElement;
        if (p && p.closest("pre, code, script, style, textarea, mjx-container")) {
          return NodeFilter.FILTER_REJECT;
        }
        return node.nodeValue.indexOf("$") >= 0 ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      node.nodeValue = node.nodeValue
        .replace(/\$\$([^$]+)\$\$/g, "\\[$1\\]")
        .replace(/(^|[^\\])\$([^$\n]+?)\$/g, "$1\\($2\\)");
    });
  }

  function runItem(item) {
    if (typeof item === "function") return item();
    if (Array.isArray(item)) {
      var action = item[0];
      if (action === "Typeset" || action === "Reprocess" || action === "Rerender") {
        var el = item[2];
        return mathjax3Ready().then(function () {
          var mj = window.MathJax;
          if (!mj || typeof mj.typesetPromise !== "function") return undefined;
          rewriteDollars(el);
          return mj.typesetPromise(el ? [el] : undefined);
        });
      }
      if (typeof action === "function") return action.apply(item[1] || null, item.slice(2));
    }
    return undefined;
  }

  var Hub = {
    Queue: function () {
      var items = Array.prototype.slice.call(arguments);
      items.forEach(function (item) {
        pending = pending.then(function () { return runItem(item); }).catch(function (err) {
          console.warn("MathJax 2 shim:", err);
        });
      });
      return pending;
    },
    Typeset: function (el, callback) { return Hub.Queue(["Typeset", Hub, el], callback); },
    Config: function () {},
    Configured: function () {},
    Register: { StartupHook: function () {}, MessageHook: function () {}, LoadHook: function () {} },
    processSectionDelay: 0,
  };

  function attach(obj) {
    if (obj && (typeof obj === "object" || typeof obj === "function") && !obj.Hub) {
      // Non-enumerable, so a MathJax 3 configuration object that gets it is not affected.
      try { Object.defineProperty(obj, "Hub", { value: Hub, configurable: true, writable: true }); }
      catch (e) { obj.Hub = Hub; }
    }
    return obj;
  }

  var current = window.MathJax;
  try {
    Object.defineProperty(window, "MathJax", {
      configurable: true,
      enumerable: true,
      get: function () { return current; },
      set: function (value) { current = attach(value); },
    });
  } catch (e) { /* already non-configurable: fall back to attaching on load */ }
  attach(current);
  window.addEventListener("load", function () { attach(window.MathJax); });
})();
