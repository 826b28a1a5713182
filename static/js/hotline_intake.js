/* The operator's intake page: as the call is typed, ask the hints API (debounced, POST) for the
 * suggested category (with the words that gave it), the caller's earlier calls, similar open
 * work orders nearby and knowledge-base answers; one click links the call or answers it.
 * Addresses come from the base data's standard addresses; a map click also sets the place. */
(function () {
  "use strict";
  var form = document.getElementById("call-form");
  var labels = JSON.parse(document.getElementById("intake-labels").textContent);
  var field = function (name) { return form.elements[name]; };
  var lat = field("lat"), lng = field("lng"), category = field("category");
  var categoryChosenByHand = Boolean(category.value);
  var addresses = {};

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }
  function setOutcome(value) {
    form.querySelector("[name=outcome][value=" + value + "]").checked = true;
  }

  // --- the place: a standard address or a click on the map (drawn where the base map shows it, kept in WGS-84) ---
  var map = GovBasemap.map("intake-map")
    .setView(GovBasemap.toDisplay([Number(lat.value) || 23.02, Number(lng.value) || 113.75]), 14);
  var pin = null;
  function place(latlng) {
    var shown = GovBasemap.toDisplay(latlng);
    lat.value = latlng.lat.toFixed(7);
    lng.value = latlng.lng.toFixed(7);
    if (pin) { pin.setLatLng(shown); } else { pin = L.marker(shown).addTo(map); }
    document.getElementById("position").textContent = lat.value + ", " + lng.value;
    refresh();
  }
  map.on("click", function (event) { place(GovBasemap.fromDisplay(event.latlng)); });
  if (lat.value && lng.value) { place(L.latLng(Number(lat.value), Number(lng.value))); }

  var addressTimer = null;
  field("address").addEventListener("input", function () {
    var text = field("address").value;
    if (addresses[text]) {
      var found = addresses[text];
      map.setView(GovBasemap.toDisplay([found.lat, found.lng]), 17);
      place(L.latLng(found.lat, found.lng));
      return;
    }
    clearTimeout(addressTimer);
    addressTimer = setTimeout(function () {
      if (text.length < 2) { return; }
      fetch(form.dataset.addressesUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (rows) {
          var list = document.getElementById("address-options");
          list.replaceChildren();
          rows.forEach(function (row) {
            addresses[row.address] = row;
            var option = element("option");
            option.value = row.address;
            option.label = row.name;
            list.appendChild(option);
          });
        });
    }, 200);
  });

  // --- hints ---
  function renderList(id, items, render) {
    var list = document.getElementById(id);
    list.replaceChildren();
    if (!items.length) { list.appendChild(element("li", labels.none, "hint")); }
    items.forEach(function (item) { list.appendChild(render(item)); });
  }
  function renderHints(hints) {
    var why = document.getElementById("category-why");
    why.textContent = "";
    if (hints.categories.length) {
      var best = hints.categories[0];
      if (!categoryChosenByHand) { category.value = best.code; }
      why.textContent = hints.categories.map(function (s) {
        return s.name + " (" + s.score + ", " + fmt(labels.because, { words: s.keywords.join("、") }) + ")";
      }).join(" · ");
    }
    renderList("duplicates", hints.duplicates, function (ticket) {
      var item = element("li", ticket.number + " · " + ticket.category_name + " · " + ticket.status_display + " · " +
        fmt(labels.metres, { m: ticket.distance_m }) + " — " + ticket.description,
        ticket.supervised ? "supervised duplicate" : "duplicate");
      var button = element("button", labels.link, "small");
      button.type = "button";
      button.addEventListener("click", function () {
        field("link_ticket").value = ticket.number;
        setOutcome("linked");
        form.querySelector("button[type=submit]").focus();
      });
      item.appendChild(button);
      return item;
    });
    renderList("earlier-calls", hints.earlier_calls, function (call) {
      return element("li", call.started_at.slice(0, 16).replace("T", " ") + " · " + call.request_type_display + " · " +
        call.outcome_display + (call.ticket ? " " + call.ticket.number + " (" + call.ticket.status_display + ")" : "") +
        " — " + call.content);
    });
    renderList("articles", hints.articles, function (article) {
      var item = element("li");
      item.appendChild(element("strong", article.title));
      item.appendChild(element("div", article.body));
      var button = element("button", labels.use, "small");
      button.type = "button";
      button.addEventListener("click", function () {
        field("article").value = article.id;
        field("answer").value = article.body;
        document.getElementById("article-chosen").textContent = article.title;
        setOutcome("answered");
      });
      item.appendChild(button);
      return item;
    });
  }

  // POSTed as JSON, never as a query string: the caller's number must stay out of URLs and access logs.
  var csrf = field("csrfmiddlewaretoken").value;
  var timer = null, asked = 0;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var body = { content: field("content").value };
      if (/^\d{5,20}$/.test(field("caller_phone").value)) { body.phone = field("caller_phone").value; }
      if (category.value) { body.category = category.value; }
      if (lat.value && lng.value) { body.lat = Number(lat.value); body.lng = Number(lng.value); }
      var ticket = ++asked;
      fetch(form.dataset.hintsUrl, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (hints) { if (hints && ticket === asked) { renderHints(hints); } });
    }, 250);
  }
  category.addEventListener("change", function () { categoryChosenByHand = Boolean(category.value); refresh(); });
  ["caller_phone", "content"].forEach(function (name) { field(name).addEventListener("input", refresh); });
  field("caller_phone").addEventListener("input", function once() {
    field("started_at").value = new Date().toISOString();  // the call started with its first keystroke
    field("caller_phone").removeEventListener("input", once);
  });
  refresh();
})();
