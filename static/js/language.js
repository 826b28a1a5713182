/* The language menu in the header submits its form as soon as a language is chosen (a script file:
   the Content-Security-Policy refuses inline event handlers such as onchange="…"). */
(function () {
  "use strict";
  document.querySelectorAll("form.language select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
