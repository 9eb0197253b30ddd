// The notice form: count the period while staff type (the "计算结束日期" button does the same
// without JavaScript). Asks /api/v1/notices/period, which counts holidays and 调休 as the server
// will when the notice is saved and published, and shows its summary and any calendar warning.
(function () {
  "use strict";
  var form = document.querySelector("[data-period-form]");
  if (!form) return;
  var preview = form.querySelector("[data-period-preview]");
  var timer = null;

  function value(name) {
    var field = form.querySelector('[name="' + name + '"]:checked') || form.querySelector('[name="' + name + '"]');
    return field ? field.value : "";
  }

  function warning(text) {
    var box = form.querySelector("[data-period-warning]");
    if (!text) { if (box) box.hidden = true; return; }
    if (!box) {
      box = document.createElement("p");
      box.className = "notice-warning";
      box.setAttribute("role", "note");
      box.setAttribute("data-period-warning", "");
      preview.insertAdjacentElement("afterend", box);
    }
    box.hidden = false;
    box.textContent = text;
  }

  function count() {
    var params = new URLSearchParams();
    var start = value("starts_on"), days = value("period_days"), end = value("ends_on");
    if (!start || (!days && !end)) return;
    params.set("starts_on", start);
    if (days) params.set("days", days);
    if (end) params.set("ends_on", end);
    params.set("working", value("working_days") === "0" ? "false" : "true");
    fetch("/api/v1/notices/period?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (result) {
        var ok = result[0], body = result[1];
        if (ok) {
          preview.textContent = body.summary;
          warning(body.warning);
        } else if (body && Array.isArray(body.detail) && body.detail.length) {
          preview.textContent = body.detail[0].msg;
          warning("");
        }
      })
      .catch(function () { /* the button still works */ });
  }

  form.addEventListener("input", function (event) {
    if (!/^(starts_on|period_days|working_days|ends_on)$/.test(event.target.name || "")) return;
    clearTimeout(timer);
    timer = setTimeout(count, 250);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "working_days") count();
  });
})();
