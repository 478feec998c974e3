(function () {
  "use strict";
  var contents = JSON.parse(document.getElementById("contents").textContent);
  var zh = document.documentElement.lang.toLowerCase().indexOf("zh") === 0;
  function say(section, ok, via) {
    section.setAttribute("data-copied-via", via);
    section.querySelector(".status").textContent = ok
      ? (zh ? "已复制，去编辑器粘贴" : "Copied: paste it into the editor")
      : (zh ? "复制失败，请手动选中内容复制" : "Copy failed: select the text and copy by hand");
    section.setAttribute("data-copied", ok ? "yes" : "no");
  }
  // Fallback for browsers without the async clipboard API: select the shown content and let a
  // copy listener put the flavours on the clipboard (Safari wants a live selection: mdnice#71).
  function fallback(frame, flavours) {
    function onCopy(event) {
      Object.keys(flavours).forEach(function (type) { event.clipboardData.setData(type, flavours[type]); });
      event.preventDefault();
    }
    document.addEventListener("copy", onCopy);
    frame.setAttribute("contenteditable", "true");
    var range = document.createRange();
    range.selectNodeContents(frame);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    selection.removeAllRanges();
    frame.removeAttribute("contenteditable");
    document.removeEventListener("copy", onCopy);
    return ok;
  }
  function copy(section) {
    var name = section.getAttribute("data-name");
    var frame = document.getElementById("frame-" + name);
    var flavours = section.getAttribute("data-kind") === "html"
      ? {"text/html": contents[name], "text/plain": frame.innerText}
      : {"text/plain": contents[name]};
    if (navigator.clipboard && window.ClipboardItem && window.isSecureContext) {
      var blobs = {};
      Object.keys(flavours).forEach(function (type) { blobs[type] = new Blob([flavours[type]], {type: type}); });
      navigator.clipboard.write([new ClipboardItem(blobs)]).then(
        function () { say(section, true, "clipboard-api"); },
        function () { say(section, fallback(frame, flavours), "selection"); });
    } else {
      say(section, fallback(frame, flavours), "selection");
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    button.addEventListener("click", function () { copy(button.closest("section")); });
  });
})();
