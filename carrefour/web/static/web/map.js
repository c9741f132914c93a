/* Map of projects. Results page: layers fetched from /carte/donnees for the visible area (server-side
   clusters when zoomed out, markers when zoomed in), "search in this area", territory outlines.
   Project page: one marker (data-center). Content is always inserted as text, never as HTML. */
(function () {
  "use strict";
  var element = document.getElementById("carte");
  if (!element || typeof L === "undefined") {
    return;
  }
  var status = document.getElementById("carte-statut");
  var areaButton = document.getElementById("carte-zone");
  element.textContent = "";
  var map = L.map(element, { scrollWheelZoom: false, keyboard: true, minZoom: 2 });
  L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 18 }).addTo(map);

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  if (element.dataset.center) {
    var centre = element.dataset.center.split(",").map(Number);
    L.marker(centre, { title: element.dataset.title || "", alt: element.dataset.title || "", keyboard: true }).addTo(map);
    map.setView(centre, 11);
    return;
  }

  function card(point) {
    var box = document.createElement("div");
    box.className = "carrefour-popup";
    var title = document.createElement("h3");
    var link = document.createElement("a");
    link.href = "/projets/" + encodeURIComponent(point[0]);
    link.textContent = point[3];
    title.appendChild(link);
    box.appendChild(title);
    if (point[4]) {
      var place = document.createElement("p");
      place.textContent = point[4];
      box.appendChild(place);
    }
    return box;
  }

  function clusterIcon(count) {
    var size = count < 10 ? 34 : count < 100 ? 40 : count < 1000 ? 48 : 56;
    return L.divIcon({ className: "carrefour-cluster", html: "", iconSize: [size, size] });
  }

  var layer = L.layerGroup().addTo(map);
  var outlines = L.layerGroup().addTo(map);
  var requestId = 0;
  var firstLoad = true;
  var userMoved = false;

  function draw(data) {
    layer.clearLayers();
    data.clusters.forEach(function (c) {
      var label = c[2] + " projets dans cette zone : zoomer";
      var marker = L.marker([c[0], c[1]], { icon: clusterIcon(c[2]), title: label, alt: label, keyboard: true });
      marker.on("add", function () {
        var icon = marker.getElement();
        if (icon) {
          icon.textContent = c[2] > 9999 ? Math.round(c[2] / 1000) + "k" : String(c[2]);
          icon.setAttribute("role", "button");
          icon.setAttribute("aria-label", label);
        }
      });
      marker.on("click", function () {
        map.setView([c[0], c[1]], Math.min(map.getZoom() + 2, 18));
      });
      layer.addLayer(marker);
    });
    if (data.points.length) {
      var group = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.layerGroup();
      data.points.forEach(function (p) {
        var marker = L.marker([p[1], p[2]], { title: p[3], alt: p[3], keyboard: true });
        marker.bindPopup(card(p));
        group.addLayer(marker);
      });
      layer.addLayer(group);
    }
    say(data.total + " projet" + (data.total > 1 ? "s" : "") + " localisé" + (data.total > 1 ? "s" : "") + " dans la zone affichée.");
  }

  function drawOutlines(data) {
    outlines.clearLayers();
    (data.outlines || []).forEach(function (ring) {
      outlines.addLayer(L.polygon(ring, { color: "#000091", weight: 2, fill: false, dashArray: "6 4", interactive: false }));
    });
  }

  function load() {
    var bounds = map.getBounds();
    var bbox = [bounds.getSouth(), bounds.getWest(), bounds.getNorth(), bounds.getEast()].map(function (v) { return v.toFixed(4); }).join(",");
    var url = element.dataset.endpoint + (element.dataset.endpoint.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox + "&zoom=" + map.getZoom();
    var id = ++requestId;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (id === requestId) {
          draw(data);
          if (firstLoad) {
            drawOutlines(data);
            firstLoad = false;
          }
        }
      })
      .catch(function () { say("La carte n'a pas pu être chargée ; la liste des résultats reste disponible."); });
  }

  function initialView() {
    var url = element.dataset.endpoint + (element.dataset.endpoint.indexOf("?") < 0 ? "?" : "&") + "zoom=5";
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      var rings = data.outlines || [];
      var located = data.clusters.map(function (c) { return [c[0], c[1]]; }).concat(data.points.map(function (p) { return [p[1], p[2]]; }));
      var target = rings.length ? L.latLngBounds([].concat.apply([], rings)) : located.length ? L.latLngBounds(located) : null;
      if (target && target.isValid()) {
        map.fitBounds(target, { maxZoom: 12, padding: [20, 20] });
      } else {
        map.setView([46.6, 2.4], 5);
      }
      map.on("moveend", function () {
        load();
        if (userMoved && areaButton) {
          areaButton.hidden = false;
        }
      });
      map.on("movestart", function (event) {
        userMoved = userMoved || !event.hard;
      });
      map.on("dragstart zoomstart", function () { userMoved = true; });
      load();
    }).catch(function () { map.setView([46.6, 2.4], 5); });
  }

  if (areaButton) {
    areaButton.addEventListener("click", function () {
      var bounds = map.getBounds();
      var bbox = [bounds.getSouth(), bounds.getWest(), bounds.getNorth(), bounds.getEast()].map(function (v) { return v.toFixed(4); }).join(",");
      var base = element.dataset.areaUrl;
      window.location.href = base + (base.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox;
    });
  }
  initialView();
})();
