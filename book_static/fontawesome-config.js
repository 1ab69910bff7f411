/* Loaded before the widget manager (embed.js) on pages that hold widgets.
 *
 * The book theme loads FontAwesome 6 as JavaScript, which by default REPLACES every
 * <i class="fa ..."> with an <svg>. The widget views (Play, buttons) keep references to
 * their <i> elements and toggle classes on them; once the <i> is gone the Play button
 * breaks and with it every jslink that follows it. "nest" keeps the <i> and puts the
 * <svg> inside it; widgets-fix.css hides that nested svg, so the widgets show their own
 * FontAwesome 4 webfont icons (shipped with embed.js).
 */
window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, {
  autoReplaceSvg: "nest",
});
