/* Sort and filter the table of gemeenten; choose its columns; link table rows and map.
   No libraries; works from file://. */
(function () {
  "use strict";
  var table = document.getElementById("kerncijfers");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var zoek = document.getElementById("zoek");
  var provincie = document.getElementById("provincie");
  var teller = document.getElementById("teller");
  var kaart = document.querySelector("svg.kaart");
  var paden = {};
  if (kaart) {
    Array.prototype.forEach.call(kaart.querySelectorAll("path[data-gm]"), function (el) {
      paden[el.getAttribute("data-gm")] = el;
    });
  }

  function filter() {
    var q = zoek.value.trim().toLowerCase();
    var p = provincie.value;
    var shown = 0;
    rows.forEach(function (tr) {
      var ok = (!q || tr.getAttribute("data-zoek").indexOf(q) !== -1) &&
        (!p || tr.getAttribute("data-provincie") === p);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
      var pad = paden[tr.getAttribute("data-gm")];
      if (pad) { pad.classList.toggle("gedimd", !ok); }
    });
    teller.textContent = shown + " van " + rows.length + (rows.length === 1 ? " gemeente" : " gemeenten");
  }

  function sleutel(tr, index, numeriek) {
    var td = tr.cells[index];
    if (numeriek) {
      var v = td.getAttribute("data-v");
      return v === "" || v === null ? NaN : parseFloat(v);
    }
    return td.textContent.trim();
  }

  function sorteer(th) {
    var index = th.cellIndex;
    var numeriek = th.getAttribute("data-type") === "num";
    var oplopend = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", oplopend ? "ascending" : "descending");
    var richting = oplopend ? 1 : -1;
    rows.sort(function (a, b) {
      var x = sleutel(a, index, numeriek);
      var y = sleutel(b, index, numeriek);
      if (numeriek) {
        if (isNaN(x) && isNaN(y)) { return 0; }
        if (isNaN(x)) { return 1; }
        if (isNaN(y)) { return -1; }
        return (x - y) * richting;
      }
      return x.localeCompare(y, "nl") * richting;
    });
    rows.forEach(function (tr) { tbody.appendChild(tr); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var knop = th.querySelector("button");
    if (knop) { knop.addEventListener("click", function () { sorteer(th); }); }
  });
  /* column chooser: a checkbox per column shows or hides its header and cells */
  var kiezer = document.getElementById("kolomkiezer");
  function toonKolom(naam, zichtbaar) {
    Array.prototype.forEach.call(table.querySelectorAll('[data-kol="' + naam + '"]'), function (cel) {
      cel.classList.toggle("verborgen", !zichtbaar);
    });
  }
  if (kiezer) {
    Array.prototype.forEach.call(kiezer.querySelectorAll("input[data-kol]"), function (vak) {
      vak.addEventListener("change", function () { toonKolom(vak.getAttribute("data-kol"), vak.checked); });
    });
    document.addEventListener("click", function (e) {
      if (kiezer.open && !kiezer.contains(e.target)) { kiezer.open = false; }
    });
  }

  zoek.addEventListener("input", filter);
  provincie.addEventListener("change", filter);

  rows.forEach(function (tr) {
    var pad = paden[tr.getAttribute("data-gm")];
    if (!pad) { return; }
    tr.addEventListener("mouseenter", function () { pad.classList.add("actief"); });
    tr.addEventListener("mouseleave", function () { pad.classList.remove("actief"); });
    pad.addEventListener("mouseenter", function () { tr.classList.add("actief"); });
    pad.addEventListener("mouseleave", function () { tr.classList.remove("actief"); });
  });
  filter();
}());
