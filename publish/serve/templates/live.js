// publish serve: an article's formats in tabs, redrawn from the state the server sends.
//
// The page starts from the state embedded in it, then listens to /_publish/events for this
// article, telling the server which pane it shows (built first after a save). A pane whose
// version changed is reloaded in place: a new frame loads out of sight, gets the old frame's
// scroll position, then replaces it, so the text under the reader's eyes does not jump.
(function () {
  "use strict";
  var state = JSON.parse(document.getElementById("state").textContent);
  var tabs = document.getElementById("tabs");
  var panes = document.getElementById("panes");
  var shown = {};      // format → version on screen
  var chapter = {};    // EPUB format → index of the chapter on screen
  var current = null;  // the selected pane's name
  var events = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function versioned(url, version) {  // before any #fragment (the preview page's #paste-<format>)
    var hash = url.indexOf("#");
    return hash < 0 ? url + "?v=" + version : url.slice(0, hash) + "?v=" + version + url.slice(hash);
  }
  function names(s) { return s.formats.map(function (f) { return f.name; }).join(","); }

  // A frame replaced without a blank flash and without losing the reader's place.
  function swapFrame(holder, url, title) {
    var old = holder.querySelector("iframe.current");
    var x = 0, y = 0;
    try { x = old.contentWindow.scrollX; y = old.contentWindow.scrollY; } catch (e) { /* none yet */ }
    var next = el("iframe", {"class": "next", title: title, allow: "clipboard-read; clipboard-write"});
    next.addEventListener("load", function () {
      try { next.contentWindow.scrollTo(x, y); } catch (e) { /* a PDF viewer keeps its own */ }
      next.className = "current";
      if (old) old.remove();
    }, {once: true});
    next.src = url;
    holder.appendChild(next);
  }

  function copyText(text, button) {
    function done(ok) { button.textContent = ok ? "Copied" : "Copy failed"; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    } else {
      var area = el("textarea"); area.value = text; document.body.appendChild(area); area.select();
      var ok = false; try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove(); done(ok);
    }
  }

  function fill(pane, format) {
    var body = pane.querySelector(".body");
    var v = format.version;
    if (format.kind === "page" || format.kind === "pdf") {
      swapFrame(body.querySelector(".holder"), versioned(format.url, v), format.label);
    } else if (format.kind === "epub") {
      var list = body.querySelector("ol");
      var index = Math.min(chapter[format.name] || 0, format.chapters.length - 1);
      list.textContent = "";
      format.chapters.forEach(function (c, i) {
        var item = el("li", i === index ? {"class": "current"} : {});
        var link = el("a", {href: c.url}, c.title);
        link.addEventListener("click", function (event) {
          event.preventDefault();
          chapter[format.name] = i;
          fill(pane, format);
        });
        item.appendChild(link); list.appendChild(item);
      });
      if (format.chapters.length) swapFrame(body.querySelector(".holder"), versioned(format.chapters[index].url, v), format.label);
    } else if (format.kind === "text") {
      var pre = body.querySelector("pre");
      var top = pre.scrollTop;
      fetch(versioned(format.url, v)).then(function (r) { return r.text(); }).then(function (text) {
        pre.textContent = text; pre.scrollTop = top;
      });
    } else if (format.kind === "images") {
      var gallery = body.querySelector(".gallery");
      gallery.textContent = "";
      format.urls.forEach(function (u) { gallery.appendChild(el("img", {src: versioned(u, v), alt: u})); });
    }
    shown[format.name] = v;
    pane.removeAttribute("data-stale");
  }

  function makePane(format) {
    var pane = el("section", {"class": "pane", id: "pane-" + format.name, "data-format": format.name,
                              "data-kind": format.kind, role: "tabpanel"});
    var bar = el("div", {"class": "bar"});
    var open = el("a", {href: format.url, target: "_blank", rel: "noopener"}, format.url);
    var body = el("div", {"class": "body holder-wrap"});
    body.style.cssText = "flex:1;min-height:0;display:flex;flex-direction:column";
    if (format.kind === "page" || format.kind === "pdf") {
      body.appendChild(el("div", {"class": "holder"}));
    } else if (format.kind === "epub") {
      var box = el("div", {"class": "epub"});
      box.appendChild(el("ol"));
      box.appendChild(el("div", {"class": "holder"}));
      body.appendChild(box);
    } else if (format.kind === "text") {
      var copy = el("button", {type: "button", "class": "copy"}, "Copy");
      copy.addEventListener("click", function () { copyText(pane.querySelector("pre").textContent, copy); });
      bar.appendChild(copy);
      body.appendChild(el("pre", {"class": "text"}));
    } else if (format.kind === "images") {
      body.appendChild(el("div", {"class": "gallery"}));
    } else {
      body.appendChild(el("p", {}, "This format has no preview: open or download the file above."));
    }
    bar.appendChild(open);
    pane.appendChild(bar);
    pane.appendChild(body);
    return pane;
  }

  function problemsPane() {
    var pane = el("section", {"class": "pane", id: "pane-problems", "data-format": "problems", role: "tabpanel"});
    pane.appendChild(el("ul", {"class": "problems"}));
    return pane;
  }

  function drawProblems(s) {
    var list = document.querySelector("#pane-problems ul");
    list.textContent = "";
    if (!s.diagnostics.length) list.appendChild(el("li", {}, "No problems."));
    s.diagnostics.forEach(function (d) {
      var text = d.where + ": " + d.severity + ": " + d.message + (d.fix ? " — " + d.fix : "");
      list.appendChild(el("li", {"class": d.severity}, text));
    });
    var count = s.errors + s.warnings;
    var tab = document.querySelector('#tabs [data-pane="problems"]');
    if (tab) tab.textContent = "Problems" + (count ? " (" + count + ")" : "");
  }

  function drawHeader(s) {
    document.getElementById("title").textContent = s.title;
    document.title = s.title + " · publish serve";
    document.getElementById("meta").textContent = s.source + (s.date ? " · " + s.date : "") + (s.draft ? " · draft" : "");
    var status = document.getElementById("status");
    var building = s.building.length ? "building " + s.building.join(", ") + "…" : "";
    status.className = "badge " + (building ? "building" : s.status);
    status.textContent = building || s.status;
    document.body.setAttribute("data-status", s.status);
    document.body.setAttribute("data-building", building ? "yes" : "no");
    var banner = document.getElementById("banner");
    var errors = s.diagnostics.filter(function (d) { return d.severity === "error"; });
    var lines = [];
    if (s.problem) lines.push(s.problem);
    errors.forEach(function (d) { lines.push(d.where + ": error: " + d.message + (d.fix ? " — " + d.fix : "")); });
    if (errors.length && s.formats.length) lines.push("The last good outputs are shown below.");
    banner.textContent = "";
    lines.forEach(function (line) { banner.appendChild(el("p", {}, line)); });
    banner.hidden = !lines.length;
  }

  function select(name) {
    current = name;
    Array.prototype.forEach.call(tabs.children, function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-pane") === name ? "true" : "false");
    });
    Array.prototype.forEach.call(panes.children, function (pane) {
      var active = pane.getAttribute("data-format") === name;
      pane.classList.toggle("active", active);
      if (active && pane.hasAttribute("data-stale")) {
        var format = state.formats.filter(function (f) { return f.name === name; })[0];
        if (format) requestAnimationFrame(function () { fill(pane, format); });
      }
    });
    try { localStorage.setItem("publish-serve-pane", name); } catch (e) { /* private mode */ }
    if (location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
    connect();
  }

  function draw(s) {
    tabs.textContent = ""; panes.textContent = ""; shown = {};
    s.formats.concat([{name: "problems", label: "Problems"}]).forEach(function (f) {
      var tab = el("button", {type: "button", role: "tab", "data-pane": f.name, title: f.url || ""}, f.label);
      tab.addEventListener("click", function () { select(f.name); });
      tabs.appendChild(tab);
      panes.appendChild(f.name === "problems" ? problemsPane() : makePane(f));
    });
    var wanted = location.hash.slice(1) || (function () {
      try { return localStorage.getItem("publish-serve-pane"); } catch (e) { return null; }
    })();
    var known = s.formats.map(function (f) { return f.name; });
    var page = s.formats.filter(function (f) { return f.kind === "page"; })[0];
    current = known.indexOf(wanted) >= 0 || wanted === "problems" ? wanted
      : (page ? page.name : (known[0] || "problems"));
    s.formats.forEach(function (f) {
      var pane = document.getElementById("pane-" + f.name);
      if (f.name === current) fill(pane, f); else pane.setAttribute("data-stale", String(f.version));
    });
  }

  function update(s) {
    var redraw = names(s) !== names(state);
    state = s;
    drawHeader(s);
    if (redraw) { draw(s); select(current); }
    drawProblems(s);
    s.formats.forEach(function (f) {
      if (shown[f.name] === f.version) return;
      var pane = document.getElementById("pane-" + f.name);
      if (f.name === current) fill(pane, f); else pane.setAttribute("data-stale", String(f.version));
    });
  }

  function connect() {
    if (events) events.close();
    events = new EventSource("/_publish/events?article=" + encodeURIComponent(state.key) +
                             "&pane=" + encodeURIComponent(current || ""));
    events.addEventListener("article", function (event) { update(JSON.parse(event.data)); });
    events.addEventListener("open", function () { document.body.setAttribute("data-live", "yes"); });
  }

  draw(state);
  drawHeader(state);
  drawProblems(state);
  select(current);
})();
