/* "Check in on the spot": asks the phone where it is, puts the position in the form and sends it;
 * the server decides whether it lies near enough to the task's place. */
(function () {
  "use strict";
  var button = document.getElementById("check-in");
  if (!button) { return; }
  var form = button.form;
  var status = document.getElementById("check-in-status");
  var labels = JSON.parse(document.getElementById("check-in-labels").textContent);

  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = labels.noGeolocation; return; }
    button.disabled = true;
    status.textContent = labels.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name$='-latitude']").value = position.coords.latitude;
      form.querySelector("[name$='-longitude']").value = position.coords.longitude;
      form.submit();
    }, function () {
      status.textContent = labels.noGeolocation;
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
