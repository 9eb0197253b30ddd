// The resolution form: only the fields of the chosen kind are shown (deciding topics needs the
// topics, party and deadline; a vote needs its matter). Without this script all are shown.
(function () {
  "use strict";
  var form = document.querySelector(".resolution-form");
  if (!form) { return; }
  var sets = form.querySelectorAll("fieldset[data-kind]");
  function show() {
    var chosen = form.querySelector("input[name='kind']:checked");
    var kind = chosen ? chosen.value : "";
    sets.forEach(function (set) { set.hidden = set.getAttribute("data-kind") !== kind; });
  }
  form.querySelectorAll("input[name='kind']").forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();
