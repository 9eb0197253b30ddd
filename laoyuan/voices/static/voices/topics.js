// The state form shows only the fields the chosen state needs. Without this script every
// field is shown, each under a heading that says when to fill it in.
(function () {
  "use strict";
  document.querySelectorAll(".transition-form").forEach(function (form) {
    var radios = form.querySelectorAll("[data-state-choice]");
    var groups = form.querySelectorAll(".state-fields");
    function update() {
      var chosen = form.querySelector("[data-state-choice]:checked");
      groups.forEach(function (g) {
        g.hidden = !chosen || g.getAttribute("data-for") !== chosen.value;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  });
})();
