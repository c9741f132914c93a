/* Commune picker of contribution forms: suggestions of communes while typing (WAI-ARIA combobox),
   or a click on the map, which the server turns into a commune. Without JavaScript, the typed name
   is resolved by the server. Content is always inserted as text, never as HTML. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-commune-picker]");
  var element = document.getElementById("carte-commune");
  if (!input || !element || !window.fetch) {
    return;
  }
  var form = input.form;
  var code = form.elements.commune_code;
  var latitude = form.elements.latitude;
  var longitude = form.elements.longitude;
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var status = document.getElementById("commune-choisie");
  var items = [];
  var active = -1;
  var timer = null;
  var requestId = 0;
  var marker = null;
  var map = null;

  function say(text) {
    status.textContent = text;
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function choose(item) {
    input.value = item.label;
    code.value = item.value.replace("commune:", "");
    latitude.value = "";
    longitude.value = "";
    if (marker) {
      marker.remove();
      marker = null;
    }
    say("Commune choisie : " + item.label);
    close();
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
    }
  }

  function show(suggestions) {
    close();
    items = suggestions.filter(function (s) { return s.kind === "commune"; });
    items.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = item.label;
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(item);
      });
      list.appendChild(option);
    });
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  input.addEventListener("input", function () {
    // Typed again: the commune chosen before no longer applies (the server resolves the text).
    code.value = "";
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) {
      close();
      return;
    }
    timer = setTimeout(function () {
      var id = ++requestId;
      fetch(element.dataset.suggestUrl + "?q=" + encodeURIComponent(text))
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
    if (list.hidden || !items.length) {
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
      choose(items[active]);
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });

  if (typeof L === "undefined") {
    return;
  }
  element.hidden = false;
  map = L.map(element, { scrollWheelZoom: false, keyboard: true, minZoom: 2 });
  L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 18 }).addTo(map);
  map.setView([46.6, 2.4], 5);
  map.on("click", function (event) {
    var point = event.latlng;
    var url = element.dataset.locateUrl + "?lat=" + point.lat.toFixed(5) + "&lon=" + point.lng.toFixed(5);
    fetch(url)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.code) {
          say(data.error || "Aucune commune à cet endroit.");
          return;
        }
        input.value = data.label;
        code.value = data.code;
        latitude.value = point.lat.toFixed(5);
        longitude.value = point.lng.toFixed(5);
        if (marker) {
          marker.setLatLng(point);
        } else {
          marker = L.marker(point, { title: data.label, alt: data.label, keyboard: true }).addTo(map);
        }
        say("Commune choisie sur la carte : " + data.label);
      })
      .catch(function () { say("La commune n'a pas pu être trouvée : tapez son nom."); });
  });
})();
