/* The citizen report's "send code" button: asks the server to text a verification code to the
 * phone typed above, then counts down until another may be asked for. The form, its photos and
 * its pin stay as they are: the request goes beside it. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var button = document.getElementById("send-code");
  var status = document.getElementById("code-status");
  var labels = JSON.parse(document.getElementById("code-labels").textContent);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function countDown(seconds) {
    button.disabled = true;
    (function tick() {
      if (seconds <= 0) { button.disabled = false; button.textContent = labels.send; return; }
      button.textContent = labels.resend.replace("%(seconds)s", seconds);
      seconds -= 1;
      setTimeout(tick, 1000);
    })();
  }

  button.addEventListener("click", function () {
    var body = new FormData();
    body.append("phone", form.elements.phone.value.trim());
    button.disabled = true;
    fetch(form.dataset.codeUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      status.textContent = result.data.message;
      if (result.ok) {
        countDown(result.data.resend_seconds);
        form.elements.code.focus();
      } else {
        button.disabled = false;
      }
    }).catch(function () {
      status.textContent = labels.failed;
      button.disabled = false;
    });
  });
})();
