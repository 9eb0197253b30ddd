// The attendee rows of the meeting form: "再加一行" adds an empty row (the formset's count goes
// up with it). Without this script the form still has five rows.
(function () {
  "use strict";
  var form = document.querySelector(".meeting-form");
  if (!form) { return; }
  var button = form.querySelector("[data-add-row]");
  var template = form.querySelector("template[data-empty-row]");
  var rows = form.querySelector("[data-rows]");
  var total = form.querySelector("input[name$='-TOTAL_FORMS']");
  if (!button || !template || !rows || !total) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var input = rows.querySelector("#id_attendees-" + index + "-name");
    if (input) { input.focus(); }
  });
})();
