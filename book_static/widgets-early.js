/* Loaded just before the widget manager (embed.js), on pages that hold widget state.
 *
 * embed.js renders the saved widgets on the window's "load" event, which waits for
 * every image of the page, MathJax and the web fonts: on a chapter page that comes
 * 1 to 2 s after the text could show them. The widget state and the views' scripts
 * are in the page once the document is parsed, so this runs embed.js's "load"
 * listener as soon as the document is parsed instead (once; the real "load" no longer
 * triggers it). The book loads MathJax after embed.js (mathjax_options' priority in
 * _config.yml), so that typesetting a long chapter does not come first either.
 * Every other "load" listener is left alone.
 */
(function () {
  "use strict";
  var add = window.addEventListener;
  var parsed = false;
  add.call(window, "DOMContentLoaded", function () { parsed = true; }, {once: true});
  window.addEventListener = function (type, listener, options) {
    var script = document.currentScript;
    // Only the embedder's listener (the one that reads the saved widget state); the
    // other "load" listeners inside embed.js (jQuery's, ...) keep their real event.
    if (type === "load" && script && /html-manager\/embed\.js/.test(script.src || "") &&
        document.readyState !== "complete" && /widget-state\+json/.test(String(listener))) {
      var run = function () {
        if (window.performance && performance.mark) performance.mark("widgets-render-start");
        if (typeof listener === "function") listener.call(window, new Event("load"));
        else if (listener && typeof listener.handleEvent === "function") listener.handleEvent(new Event("load"));
      };
      // Deferred (as the book loads it), embed.js runs once the document is parsed:
      // render right after it (a microtask, so embed.js has finished), before the
      // deferred scripts that follow it (MathJax) and their work.
      if (parsed || document.readyState !== "loading") Promise.resolve().then(run);
      else add.call(window, "DOMContentLoaded", run, {once: true});
      return undefined;
    }
    return add.call(this, type, listener, options);
  };
})();
