// CstPortal's map interop: the only code that talks to Leaflet. Blazor imports this module and
// calls the exported functions with a map id; everything coming back to .NET is plain numbers.
const maps = new Map();

const tileUrl = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const osmLink = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';

// options.texts: what the map itself shows, in the reader's language (Components/Shared/MapTexts.cs):
// { zoomIn, zoomOut, marker, attribution } — attribution has {0} where the OpenStreetMap link goes.
export function create(element, options) {
  const L = window.L;
  const texts = options.texts ?? {};
  const map = L.map(element, { zoomControl: false }).setView([options.lat, options.lng], options.zoom ?? 13);
  L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
  const attribution = escapeHtml(texts.attribution ?? "© {0}").replace("{0}", osmLink);
  // Tiles may fail offline; the map, pins and zones still work on a blank background.
  L.tileLayer(tileUrl, { maxZoom: 19, attribution }).addTo(map);
  const state = { map, marker: null, zones: null, points: null, dotnet: null, texts };
  maps.set(element, state);
  return true;
}

export function setMarker(element, lat, lng, draggable) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.marker) s.marker.setLatLng([lat, lng]);
  else {
    s.marker = L.marker([lat, lng], { draggable: !!draggable, keyboard: true, title: s.texts.marker ?? "" }).addTo(s.map);
    s.marker.on("dragend", (e) => notifyPick(s, e.target.getLatLng()));
  }
  s.map.panTo([lat, lng]);
}

export function enablePicking(element, dotnetRef) {
  const s = maps.get(element);
  if (!s) return;
  s.dotnet = dotnetRef;
  s.map.on("click", (e) => {
    setMarker(element, e.latlng.lat, e.latlng.lng, true);
    notifyPick(s, e.latlng);
  });
  // Keyboard: the focused map pans with the arrow keys and zooms with + and - (Leaflet's own handler);
  // a crosshair marks its centre, and Enter or Space puts the pin there.
  const crosshair = document.createElement("div");
  crosshair.className = "cst-map-crosshair";
  crosshair.setAttribute("aria-hidden", "true");
  element.appendChild(crosshair);
  element.addEventListener("keydown", (e) => {
    if (e.target !== element || (e.key !== "Enter" && e.key !== " ")) return;
    e.preventDefault();
    const centre = s.map.getCenter();
    setMarker(element, centre.lat, centre.lng, true);
    notifyPick(s, centre);
  });
}

function notifyPick(s, latlng) {
  if (s.dotnet) s.dotnet.invokeMethodAsync("OnMapPicked", latlng.lat, latlng.lng);
}

export function setZones(element, geojson) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.zones) s.zones.remove();
  s.zones = L.geoJSON(geojson, {
    style: () => ({ color: "#1e5aa8", weight: 2, fillOpacity: 0.05 }),
    onEachFeature: (f, layer) => layer.bindTooltip(String(f.properties?.name ?? "")),
  }).addTo(s.map);
}

export function setPoints(element, points) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.points) s.points.remove();
  s.points = L.layerGroup(points.map((p) =>
    L.circleMarker([p.lat, p.lng], { radius: 6, color: p.color ?? "#c0392b" }).bindTooltip(p.label ?? ""))).addTo(s.map);
}

// Points as plain markers with a tooltip and, when given, a link (public map of open requests).
export function setLinkedPoints(element, points) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.points) s.points.remove();
  s.points = L.layerGroup(points.map((p) => {
    const m = L.circleMarker([p.lat, p.lng], { radius: 7, color: p.color ?? "#c0392b", fillOpacity: 0.6 });
    const tip = document.createElement("span");
    tip.textContent = p.label ?? ""; // text, never HTML
    m.bindTooltip(tip);
    if (p.href) m.on("click", () => { window.location.assign(p.href); });
    return m;
  })).addTo(s.map);
}

// After the map was hidden (a list shown instead), Leaflet must measure its container again.
export function refreshSize(element) {
  const s = maps.get(element);
  if (s) s.map.invalidateSize();
}

export function fitBounds(element, minLat, minLng, maxLat, maxLng) {
  const s = maps.get(element);
  if (!s) return;
  s.map.fitBounds([[minLat, minLng], [maxLat, maxLng]], { padding: [8, 8] });
}

// The browser's position, if the person allows it: { lat, lng } or { error }.
export function locate() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve({ error: "unavailable" }); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude }),
      (err) => resolve({ error: err.code === 1 ? "denied" : "unavailable" }),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
}

export function dispose(element) {
  const s = maps.get(element);
  if (!s) return;
  s.map.remove();
  maps.delete(element);
}

// ---- Analytics map: heat (leaflet.heat), zones coloured by counts, clusters (leaflet.markercluster) ----
// The server aggregates: the page sends heat cells for the view, zone counts, and points only for the
// visible area when zoomed in. This module only draws what it is given and reports the view back.

export function createAnalytics(element, options, dotnetRef) {
  create(element, options);
  const s = maps.get(element);
  s.dotnet = dotnetRef;
  s.heat = null;
  s.cluster = null;
  s.zoneStats = null;
  const report = () => {
    const b = s.map.getBounds();
    dotnetRef.invokeMethodAsync("OnViewChanged", b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), s.map.getZoom());
  };
  s.map.on("moveend", report);
  report();
  return true;
}

export function setHeat(element, cells, maxWeight) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  const max = maxWeight > 0 ? maxWeight : 1;
  const latlngs = cells.map((c) => [c.lat, c.lng, c.weight / max]);
  if (!s.heat) {
    s.heat = L.heatLayer(latlngs, { radius: 22, blur: 18, maxZoom: 17, max: 1.0, minOpacity: 0.25 }).addTo(s.map);
  } else {
    s.heat.setLatLngs(latlngs);
  }
  element.dataset.heatCells = String(cells.length);
}

export function showHeat(element, visible) {
  const s = maps.get(element);
  if (!s || !s.heat) return;
  if (visible && !s.map.hasLayer(s.heat)) s.heat.addTo(s.map);
  if (!visible && s.map.hasLayer(s.heat)) s.heat.remove();
}

function zoneColour(value, max) {
  // Light yellow to dark red as the value approaches the largest one.
  const t = max > 0 ? Math.min(1, value / max) : 0;
  const r = 255, g = Math.round(237 - t * 200), b = Math.round(160 - t * 140);
  return `rgb(${r},${g},${b})`;
}

export function setZoneStats(element, geojson, mode, labels, visible) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.zoneStats) s.zoneStats.remove();
  const values = geojson.features.map((f) => (mode === "overdue" ? f.properties.overdueShare : f.properties.open));
  const max = Math.max(0, ...values);
  // Zones sit in a pane below the overlay pane, so the heat canvas draws on top of their fill.
  if (!s.map.getPane("cst-zones")) s.map.createPane("cst-zones").style.zIndex = 350;
  s.zoneStats = L.geoJSON(geojson, {
    pane: "cst-zones",
    style: (f) => ({
      color: "#1e5aa8", weight: 2, fillOpacity: 0.35,
      fillColor: zoneColour(mode === "overdue" ? f.properties.overdueShare : f.properties.open, max),
    }),
    onEachFeature: (f, layer) => {
      const p = f.properties;
      const share = Math.round((p.overdueShare ?? 0) * 100);
      layer.bindTooltip(`<strong>${escapeHtml(p.name)}</strong><br>${labels.open}: ${p.open}<br>${labels.overdue}: ${p.overdue} (${share}%)`, { sticky: true });
    },
  });
  if (visible) s.zoneStats.addTo(s.map);
  if (s.heat && s.map.hasLayer(s.heat)) s.heat.bringToFront?.();
}

export function setClusters(element, points, baseHref) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (!s.cluster) {
    s.cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
    s.map.addLayer(s.cluster);
  }
  s.cluster.clearLayers();
  const markers = points.map((p) => {
    const m = L.circleMarker([p.lat, p.lng], { radius: 7, color: p.overdue ? "#b71c1c" : "#1e5aa8", weight: 2, fillOpacity: 0.8 });
    m.bindTooltip(`${escapeHtml(p.number)} · ${escapeHtml(p.label)}`);
    m.on("click", () => { window.location.href = baseHref + encodeURIComponent(p.number); });
    return m;
  });
  s.cluster.addLayers(markers);
  element.dataset.points = String(points.length);
}

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// Points the user can click (a list beside the map selects the same item); fits the view to them.
export function setPickablePoints(element, points, dotnetRef) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.points) s.points.remove();
  s.points = L.layerGroup(points.map((p) => {
    const m = L.circleMarker([p.lat, p.lng], { radius: p.selected ? 9 : 6, color: p.color ?? "#c0392b", weight: p.selected ? 4 : 2 })
      .bindTooltip(p.label ?? "");
    if (dotnetRef && p.id) m.on("click", () => dotnetRef.invokeMethodAsync("OnPointClicked", String(p.id)));
    return m;
  })).addTo(s.map);
  if (points.length > 0 && !s.fitted) {
    s.map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lng])).pad(0.2), { maxZoom: 16 });
    s.fitted = true;
  }
}

export function fitZones(element) {
  const s = maps.get(element);
  if (s && s.zones) s.map.fitBounds(s.zones.getBounds().pad(0.05));
}

// The browser's position, if the user allows it; null otherwise (never blocks longer than the timeout).
export function currentPosition(timeoutMs) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve(null); return; }
    let settled = false;
    const done = (v) => { if (!settled) { settled = true; resolve(v); } };
    // A permission prompt nobody answers must not hold the milestone up.
    setTimeout(() => done(null), (timeoutMs ?? 4000) + 500);
    navigator.geolocation.getCurrentPosition(
      (p) => done({ lat: p.coords.latitude, lng: p.coords.longitude }),
      () => done(null),
      { enableHighAccuracy: true, timeout: timeoutMs ?? 4000, maximumAge: 60000 });
  });
}
