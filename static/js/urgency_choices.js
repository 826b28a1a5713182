// The report form offers only the urgencies the chosen category allows (#category-urgencies:
// {category code: [urgency, …]}; a category not listed allows every urgency). The server checks
// the same rule (incidents.services.ticket_urgency).
//
// To the server urgency is one field (one class of time limit), but to the person it is two
// questions: is it urgent (紧急), and how complex is it (简易/一般/复杂)? The select keeps the
// complexities and a checkbox beside it stands for "urgent"; checked, the select (hidden) carries
// "urgent". Without this script the select offers all four, as before.
(function () {
  "use strict";
  var data = document.getElementById("category-urgencies");
  var category = document.querySelector("select[name=category]");
  var urgency = document.querySelector("select[name=urgency]");
  var urgentOption = urgency && urgency.querySelector("option[value=urgent]");
  if (!data || !category || !urgency || !urgentOption) return;
  var allowedBy = JSON.parse(data.textContent);
  var URGENT = "urgent", DEFAULT = "ordinary";

  var box = document.createElement("label");
  box.className = "checkbox urgent-choice";
  var urgent = document.createElement("input");
  urgent.type = "checkbox";
  urgent.id = "id_urgent";
  box.appendChild(urgent);
  box.appendChild(document.createTextNode(" " + urgentOption.textContent));
  urgency.parentNode.insertBefore(box, urgency.nextSibling);
  urgentOption.hidden = urgentOption.disabled = true;  // the checkbox stands for it

  var complexity = urgency.value === URGENT ? DEFAULT : urgency.value;  // what the select shows when not urgent

  function allows(allowed, value) { return !allowed || allowed.indexOf(value) !== -1; }

  function show() {
    urgency.hidden = urgent.checked;
    if (urgent.checked) {
      urgentOption.disabled = false;  // a disabled option cannot be the value
      urgency.value = URGENT;
    } else {
      urgency.value = complexity;
      urgentOption.disabled = true;
    }
  }

  function offer() {
    var allowed = allowedBy[category.value];
    var complexities = [];
    Array.prototype.forEach.call(urgency.options, function (option) {
      if (option === urgentOption) return;
      var offered = allows(allowed, option.value);
      option.hidden = option.disabled = !offered;
      if (offered) complexities.push(option.value);
    });
    var chosen = urgency.value;  // a draft put back, a reset, or the person's choice
    if (chosen !== URGENT) complexity = chosen;
    if (complexities.indexOf(complexity) === -1) {
      complexity = complexities.indexOf(DEFAULT) !== -1 ? DEFAULT : (complexities[0] || DEFAULT);
    }
    var urgentAllowed = allows(allowed, URGENT);
    box.hidden = !urgentAllowed;
    urgent.checked = urgentAllowed && (chosen === URGENT || !complexities.length);
    urgent.disabled = urgentAllowed && !complexities.length;  // urgent is all this category allows
    show();
  }

  urgent.addEventListener("change", show);
  urgency.addEventListener("change", function () { complexity = urgency.value; });
  category.addEventListener("change", offer);
  offer();
})();
