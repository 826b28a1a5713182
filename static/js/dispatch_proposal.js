/* The intake page's lead unit: once the category and the place are known, ask the dispatch catalogue
 * (GET /api/v1/dispatch/proposal/) and pre-select its proposal, unless the operator chose a unit by
 * hand; another unit than the proposal needs a reason (the server checks it and records the choice). */
(function () {
  "use strict";
  var form = document.getElementById("call-form");
  var labels = JSON.parse(document.getElementById("intake-labels").textContent);
  var lead = form.elements.lead_unit, reason = form.elements.override_reason;
  var shown = document.getElementById("dispatch-proposal");
  var proposed = "", chosenByHand = Boolean(lead.value), asked = "";

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function markReason() {
    reason.required = Boolean(lead.value) && lead.value !== proposed;
  }
  function show(proposal) {
    proposed = proposal.lead_unit ? proposal.lead_unit.code : "";
    if (!chosenByHand) { lead.value = proposed; }
    var text = proposal.lead_unit ? fmt(labels.proposal, { unit: proposal.lead_unit.name }) : labels.no_proposal;
    if (proposal.co_units.length) {
      text += " · " + fmt(labels.co_units, { units: proposal.co_units.map(function (u) { return u.name; }).join("、") });
    }
    shown.textContent = text;
    markReason();
  }
  form.addEventListener("intake:hints", function () {
    var category = form.elements.category.value, lat = form.elements.lat.value, lng = form.elements.lng.value;
    if (!(category && lat && lng)) { return; }
    var query = "?category=" + encodeURIComponent(category) + "&lat=" + lat + "&lng=" + lng;
    if (query === asked) { return; }
    asked = query;
    fetch(form.dataset.proposalUrl + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (proposal) { if (proposal && query === asked) { show(proposal); } });
  });
  lead.addEventListener("change", function () { chosenByHand = Boolean(lead.value); markReason(); });
})();
