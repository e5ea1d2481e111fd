/* gdsweep report: live charts (tooltips) where JavaScript runs, and a sortable run table.
   The static SVGs already in the page stay until each live chart has rendered, and
   stay for good where the libraries are missing or fail: the page reads without them. */
(function () {
  'use strict';
  var root = document.documentElement;

  function liveCharts() {
    var figures = Array.prototype.slice.call(document.querySelectorAll('figure[data-chart]'));
    if (typeof window.vegaEmbed !== 'function' || !figures.length) {
      root.setAttribute('data-charts', 'static');
      return;
    }
    // Datasets are stored once per page (two maps share their cells); put them back into each spec.
    var store = JSON.parse(document.getElementById('chart-data').textContent);
    var jobs = figures.map(function (fig) {
      var id = fig.getAttribute('data-chart');
      var data = JSON.parse(document.getElementById(id + '-spec').textContent);
      data.spec.data.forEach(function (d) {
        // Shallow copies: vega tags each row object it ingests, so two views must not share rows.
        if (Object.prototype.hasOwnProperty.call(data.data, d.name)) {
          d.values = store[data.data[d.name]].map(function (row) { return Object.assign({}, row); });
        }
      });
      var view = fig.querySelector('.chart-view');
      var live = document.createElement('div');
      live.className = 'chart-live';
      return window
        .vegaEmbed(live, data.spec, { mode: 'vega', renderer: 'svg', actions: false, tooltip: { theme: 'light' } })
        .then(function () {
          view.replaceChildren(live);
          fig.setAttribute('data-live', 'true');
        });
    });
    Promise.all(jobs).then(
      function () { root.setAttribute('data-charts', 'live'); },
      function (err) {
        root.setAttribute('data-charts', 'failed');
        console.error('gdsweep: a chart could not be made interactive; the static chart is shown', err);
      }
    );
  }

  function sortable(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    heads.forEach(function (th, col) {
      th.querySelector('button').addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        var numeric = th.getAttribute('data-numeric') === '1';
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (tr) {
          var cell = tr.cells[col];
          var v = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent;
          if (!numeric) return v;
          var n = parseFloat(v);
          return isNaN(n) ? Infinity : n;
        };
        rows.sort(function (a, b) {
          var ka = key(a);
          var kb = key(b);
          var d = ka < kb ? -1 : ka > kb ? 1 : 0;
          if (d === 0) d = parseFloat(a.cells[0].textContent) - parseFloat(b.cells[0].textContent);
          return asc ? d : -d;
        });
        heads.forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var frag = document.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), sortable);
  liveCharts();
})();
