// Batch entry of voices (批量录入): "再加一行" adds a row here instead of reloading the page.
// Without JavaScript the same button submits the form and the server adds five rows.
(function () {
  "use strict";
  var button = document.getElementById("add-row");
  var rows = document.getElementById("batch-rows");
  var count = document.getElementById("id_rows");
  var template = document.getElementById("row-template");
  if (!button || !rows || !count || !template) return;
  var max = parseInt(button.getAttribute("data-max"), 10) || 200;

  button.addEventListener("click", function (event) {
    event.preventDefault();
    var n = (parseInt(count.value, 10) || 0) + 1;
    if (n > max) {
      button.disabled = true;
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__n__/g, String(n));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    count.value = String(n);
    var text = row.querySelector("textarea");
    if (text) text.focus();
    if (n >= max) button.disabled = true;
  });

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
