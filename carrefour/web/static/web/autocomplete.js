/* Search box autocomplete (WAI-ARIA combobox with a list box): arrows to move, Enter to open, Escape to close. */
(function () {
  "use strict";
  var input = document.getElementById("recherche-q");
  var list = document.getElementById("recherche-suggestions");
  var live = document.getElementById("recherche-suggestions-statut");
  if (!input || !list || !window.fetch) {
    return;
  }
  var items = [];
  var active = -1;
  var timer = null;
  var requestId = 0;

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(suggestions) {
    close();
    items = suggestions;
    if (!items.length) {
      return;
    }
    items.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = "suggestion-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = item.label;
      var kind = document.createElement("span");
      kind.className = "carrefour-kind";
      kind.textContent = item.kind;
      option.appendChild(kind);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.href = item.url;
      });
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (live) {
      live.textContent = items.length + " suggestion" + (items.length > 1 ? "s" : "") + " : flèches haut et bas pour les parcourir.";
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) {
      close();
      return;
    }
    timer = setTimeout(function () {
      var id = ++requestId;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (id === requestId) {
            show(data.suggestions || []);
          }
        })
        .catch(close);
    }, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].url;
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
