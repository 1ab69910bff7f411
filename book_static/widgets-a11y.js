/* Accessible names for the saved Jupyter widgets, and honest dead controls (issue 21).
 *
 * Loaded on every page. The widget manager (embed.js) renders the saved widget state
 * into each output that holds a widget view; the views it makes have icon-only Play /
 * Stop / Repeat buttons, slider handles without a name and frames without alt text.
 * This script watches those outputs and, in the page's language (<html lang>):
 *
 * - names the player's buttons ("Play", "Pause", "Stop", "Repeat"; Repeat also says
 *   whether it is on, aria-pressed) and its slider ("Frame", valued by the frame's label);
 * - names every other slider after its visible label;
 * - gives each frame an alt text: "<what>, frame 5 of 16: epoch 12", where <what> is the
 *   player's title (its first bold line) or "Animation" (", panel 2 of 3" after it when
 *   the frames are cut into panels); a layered player's background (the frame its
 *   overlays are drawn over, nbcode.frames.encode_layers) is decorative;
 * - marks the controls that need a Python kernel. A control is live on the static site
 *   only if it belongs to a player (Play and the slider beside it: jslink runs in the
 *   browser); every other control (Playground, the live panels) is disabled and a note
 *   at the controls says why, with a link to the chapter's Binder edition.
 *
 * It also fixes the theme's buttons whose accessible name does not contain their
 * visible text (WCAG 2.5.3, axe's label-content-name-mismatch), and the roles of the
 * bibliography's entries.
 */
(function () {
  "use strict";

  var WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var TEXT = {
    en: {
      play: "Play", pause: "Pause", stop: "Stop", repeat: "Repeat",
      frame: "Frame", animation: "Animation",
      frameOf: function (what, i, n, label) {
        return what + ", frame " + i + " of " + n + (label ? ": " + label : "");
      },
      panelOf: function (i, n) { return ", panel " + i + " of " + n; },
      picture: "Figure drawn with the default setting of the controls above",
      kernel: "These controls need a running Python kernel: on this page they show the " +
        "default setting only.",
      binder: "Open the chapter in Binder",
      disabled: "needs a running kernel",
    },
    fr: {
      play: "Lecture", pause: "Pause", stop: "Arrêt", repeat: "Répéter",
      frame: "Image", animation: "Animation",
      frameOf: function (what, i, n, label) {
        return what + ", image " + i + " sur " + n + (label ? " : " + label : "");
      },
      panelOf: function (i, n) { return ", panneau " + i + " sur " + n; },
      picture: "Figure tracée avec le réglage par défaut des contrôles ci-dessus",
      kernel: "Ces contrôles ont besoin d'un noyau Python en marche : sur cette page, ils " +
        "ne montrent que le réglage par défaut.",
      binder: "Ouvrir le chapitre dans Binder",
      disabled: "nécessite un noyau en marche",
    },
  };

  function lang() {
    var l = (document.documentElement.getAttribute("lang") || "en").slice(0, 2).toLowerCase();
    return TEXT[l] ? l : "en";
  }
  var T = TEXT[lang()];

  function setAttr(el, name, value) {  // only when it changes: no mutation loop
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function text(el) {
    return el ? (el.textContent || "").replace(/\s+/g, " ").trim() : "";
  }

  // ------------------------------------------------------------------ players
  function buttonName(button, index) {
    var icon = button.querySelector("i");
    var cls = (icon && icon.getAttribute("class")) || "";
    var svg = button.querySelector("svg[data-icon]");  // where FontAwesome's script ran
    var name = svg ? svg.getAttribute("data-icon") : "";
    if (/fa-pause/.test(cls) || name === "pause") return T.pause;
    if (/fa-play/.test(cls) || name === "play") return T.play;
    if (/fa-stop/.test(cls) || name === "stop") return T.stop;
    if (/fa-(retweet|repeat)/.test(cls) || name === "retweet" || name === "repeat") return T.repeat;
    return [T.play, T.stop, T.repeat][index] || T.play;
  }

  function labelPlayer(play) {
    var buttons = play.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (button, i) {
      var name = buttonName(button, i);
      setAttr(button, "aria-label", name);
      setAttr(button, "title", name);
      if (name === T.repeat) {
        setAttr(button, "aria-pressed", button.classList.contains("mod-active") ? "true" : "false");
      }
      button.querySelectorAll("i, svg").forEach(function (icon) { setAttr(icon, "aria-hidden", "true"); });
    });
  }

  // The player: the box that holds a Play widget's row and, below it, the frames.
  function playerOf(play) {
    var row = play.parentElement;  // HBox [Play, slider]
    var box = row && row.parentElement;  // VBox [title?, row, Stack]
    return {row: row, box: box};
  }

  function labelFrames(play) {
    var p = playerOf(play);
    if (!p.box) return;
    var slider = p.row.querySelector(".widget-slider");
    var readout = slider && slider.querySelector(".widget-readout");
    var label = text(readout);
    var handle = slider && slider.querySelector("[role=slider]");
    var title = "";
    var first = p.box.firstElementChild;
    if (first && first !== p.row && first.classList.contains("widget-html")) title = text(first);
    var what = title || T.animation;
    if (handle) {
      setAttr(handle, "aria-label", title ? T.frame + " (" + title + ")" : T.frame);
      if (label) setAttr(handle, "aria-valuetext", label);
    }
    // The frames, per panel (a figure of several axes is cut into panels, side by
    // side: nbcode.frames.panel_cuts); each panel's frames are the images of one box.
    var panels = [];
    Array.prototype.forEach.call(p.box.children, function (child) {
      if (child === p.row || child === first && title) return;
      child.querySelectorAll("img").forEach(function (img) {
        // A layered player's background only shows through its overlays: the overlay is
        // the frame a reader is told about.
        if (img.classList.contains("nb-frame-background")) {
          setAttr(img, "alt", "");
          setAttr(img, "aria-hidden", "true");
          return;
        }
        var panel = panels.filter(function (q) { return q.box === img.parentElement; })[0];
        if (!panel) panels.push(panel = {box: img.parentElement, images: []});
        panel.images.push(img);
      });
    });
    var current = handle ? Math.round(Number(handle.getAttribute("aria-valuenow"))) : -1;
    panels.forEach(function (panel, j) {
      var n = panel.images.length;
      var which = panels.length > 1 ? T.panelOf(j + 1, panels.length) : "";
      panel.images.forEach(function (img, i) {
        setAttr(img, "alt", T.frameOf(what, i + 1, n, i === current ? label : "") + which);
      });
    });
  }

  // ------------------------------------------------------------ dead controls
  var CONTROLS = "select, input, textarea, button, [role=slider], .widget-readout";

  function binderHref() {
    var link = document.querySelector("a.student-binder-link");
    return link ? link.getAttribute("href") : "";
  }

  function markDeadControls(area) {
    var live = new Set();
    area.querySelectorAll(".widget-play").forEach(function (play) {
      var row = playerOf(play).row;
      if (row) row.querySelectorAll(CONTROLS).forEach(function (c) { live.add(c); });
    });
    var dead = Array.prototype.filter.call(area.querySelectorAll(CONTROLS), function (c) {
      return !live.has(c) && !c.closest(".nb-kernel-note");
    });
    if (!dead.length) return;
    dead.forEach(function (c) {
      var widget = c.closest(".jupyter-widgets.widget-inline-hbox, .jupyter-button") || c;
      widget.classList.add("nb-needs-kernel");
      if ("disabled" in c && c.tagName !== "DIV") {
        if (!c.disabled) c.disabled = true;
      } else {
        setAttr(c, "aria-disabled", "true");
        setAttr(c, "tabindex", "-1");
        if (c.isContentEditable) setAttr(c, "contenteditable", "false");
      }
      if (!c.getAttribute("title")) setAttr(c, "title", T.disabled);
    });
    if (area.querySelector(".nb-kernel-note")) return;
    // The note goes just above the first row of controls, inside the output.
    var top = area.querySelector(".widget-subarea > .jupyter-widgets") || area;
    var anchor = dead[0];
    while (anchor.parentElement && anchor.parentElement !== top) anchor = anchor.parentElement;
    var note = document.createElement("p");
    note.className = "nb-kernel-note";
    note.setAttribute("role", "note");
    note.appendChild(document.createTextNode(T.kernel + " "));
    var href = binderHref();
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = T.binder;
      note.appendChild(a);
      note.appendChild(document.createTextNode("."));
    }
    if (anchor.parentElement === top) top.insertBefore(note, anchor);
    else area.insertBefore(note, area.firstChild);
  }

  // ----------------------------------------------------------------- the rest
  function labelOtherControls(area) {
    area.querySelectorAll(".widget-slider").forEach(function (slider) {
      var handle = slider.querySelector("[role=slider]");
      if (!handle || handle.getAttribute("aria-label")) return;
      var name = text(slider.querySelector(".widget-label"));
      if (name) setAttr(handle, "aria-label", name);
      var readout = text(slider.querySelector(".widget-readout"));
      if (readout) setAttr(handle, "aria-valuetext", readout);
    });
    area.querySelectorAll(".widget-readout").forEach(function (readout) {
      var name = text(readout.parentElement && readout.parentElement.querySelector(".widget-label"));
      setAttr(readout, "aria-label", name || T.frame);
    });
    area.querySelectorAll("select, input, textarea").forEach(function (c) {
      if (c.labels && c.labels.length && text(c.labels[0])) return;
      var box = c.closest(".widget-inline-hbox");
      var name = text(box && box.querySelector(".widget-label")) || c.getAttribute("placeholder");
      if (name) setAttr(c, "aria-label", name);
    });
    area.querySelectorAll("img").forEach(function (img) {
      if (!img.hasAttribute("alt")) setAttr(img, "alt", T.picture);
    });
    area.querySelectorAll(".widget-label[title='null']").forEach(function (l) {
      l.removeAttribute("title");
    });
  }

  function fixArea(area) {
    area.querySelectorAll(".widget-play").forEach(function (play) {
      labelPlayer(play);
      labelFrames(play);
    });
    markDeadControls(area);
    labelOtherControls(area);
  }

  var queued = new Set();
  var scheduled = false;
  function schedule(area) {
    queued.add(area);
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      var areas = Array.from(queued);
      queued.clear();
      areas.forEach(fixArea);
    });
  }

  function watchWidgets() {
    document.querySelectorAll(WIDGET_VIEW).forEach(function (script) {
      var area = script.parentElement;
      if (!area || area.dataset.nbA11y) return;
      area.dataset.nbA11y = "1";
      new MutationObserver(function () { schedule(area); }).observe(area, {
        childList: true, subtree: true, characterData: true,
        attributes: true, attributeFilter: ["class", "aria-valuenow", "style"],
      });
      schedule(area);
    });
  }

  // The theme's buttons: the accessible name must contain the visible text (WCAG 2.5.3).
  function fixThemeButtons() {
    document.querySelectorAll("button[aria-label], a[aria-label]").forEach(function (b) {
      var visible = text(b);
      var name = b.getAttribute("aria-label") || "";
      if (visible && name && name.toLowerCase().indexOf(visible.toLowerCase()) < 0) {
        b.setAttribute("aria-label", visible + " — " + name);
      }
    });
  }

  // sphinxcontrib-bibtex's citation list: role="doc-biblioentry" (deprecated in ARIA 1.2)
  // inside role="list" leaves the list without list items (axe: aria-required-children).
  function fixBibliography() {
    document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach(function (e) {
      e.setAttribute("role", "listitem");
    });
  }

  function start() {
    watchWidgets();
    fixThemeButtons();
    fixBibliography();
    // Theme buttons may be relabelled after load (colour mode toggles): fix them again.
    document.addEventListener("click", function () { window.setTimeout(fixThemeButtons, 0); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
