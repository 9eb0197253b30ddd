// The funnel page: choosing a wider place clears the narrower ones (a street chosen anew
// should not keep a compound of another street). Without JavaScript the finest place wins.
document.querySelectorAll("select[data-clears]").forEach((select) => {
  select.addEventListener("change", () => {
    for (const name of select.dataset.clears.split(" ")) {
      const narrower = select.form.elements.namedItem(name);
      if (narrower) narrower.value = "";
    }
  });
});
// A date typed in means a custom period; a preset chosen means the dates are not used.
const period = document.getElementById("id_period");
if (period) {
  period.addEventListener("change", () => {
    for (const id of ["id_from", "id_to"]) {
      const input = document.getElementById(id);
      if (input) input.value = "";
    }
  });
}
