// The report form offers only the urgencies the chosen category allows (#category-urgencies:
// {category code: [urgency, …]}; a category not listed allows every urgency). The server checks
// the same rule (incidents.services.ticket_urgency).
(function () {
  "use strict";
  var data = document.getElementById("category-urgencies");
  var category = document.querySelector("select[name=category]");
  var urgency = document.querySelector("select[name=urgency]");
  if (!data || !category || !urgency) return;
  var allowedBy = JSON.parse(data.textContent);

  function offer() {
    var allowed = allowedBy[category.value];
    Array.prototype.forEach.call(urgency.options, function (option) {
      var offered = !allowed || allowed.indexOf(option.value) !== -1;
      option.hidden = option.disabled = !offered;
    });
    if (urgency.selectedOptions.length && urgency.selectedOptions[0].disabled) {
      var first = allowed.indexOf("ordinary") !== -1 ? "ordinary" : allowed[0];
      urgency.value = first;
    }
  }

  category.addEventListener("change", offer);
  offer();
})();
