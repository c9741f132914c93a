// Progressive enhancement of the source editor: line numbers follow typing, an error link
// puts the cursor on its line. Without this script the page works the same (numbers of the last render).
(function () {
  "use strict";
  var area = document.getElementById("definition");
  var gutter = document.querySelector(".carrefour-gutter");
  if (!area || !gutter) { return; }
  var errors = {};
  gutter.querySelectorAll(".carrefour-line-error").forEach(function (span) { errors[span.textContent] = span.title; });

  function renumber() {
    var count = area.value.split("\n").length;
    if (gutter.children.length === count) { return; }
    var fragment = document.createDocumentFragment();
    for (var n = 1; n <= count; n += 1) {
      var span = document.createElement("span");
      span.id = "ligne-" + n;
      span.textContent = String(n);
      if (errors[n]) { span.className = "carrefour-line-error"; span.title = errors[n]; }
      fragment.appendChild(span);
    }
    gutter.replaceChildren(fragment);
    area.rows = Math.max(count + 2, 20);
  }

  function goToLine(line) {
    var lines = area.value.split("\n");
    var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
  }

  area.addEventListener("input", renumber);
  document.querySelectorAll('#erreurs a[href^="#ligne-"]').forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      goToLine(parseInt(link.getAttribute("href").slice(7), 10));
    });
  });
  renumber();
}());
