//! The page's one inline script: every table of class `sortable` sorts by a column when its
//! heading is clicked (numbers as numbers, grouped digits, per cent and units read through; a
//! second click reverses) and gets a filter box above it that hides the rows not containing the
//! text typed. Nothing is fetched; without scripts the tables read as they are.

pub(super) const SCRIPT: &str = r#"<script>
(function () {
  function key(cell) {
    var t = cell.textContent.trim();
    var n = parseFloat(t.replace(/[,\s%+]|yuan|h$/g, ''));
    return isNaN(n) || !/^[-+]?[\d.,]/.test(t) ? t.toLowerCase() : n;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var body = table.tBodies[0];
    var filter = document.createElement('input');
    filter.type = 'search';
    filter.className = 'filter';
    filter.placeholder = 'Filter rows';
    filter.setAttribute('aria-label', 'Filter the rows of the table below');
    filter.addEventListener('input', function () {
      var q = filter.value.toLowerCase();
      Array.prototype.forEach.call(body.rows, function (r) {
        r.style.display = r.textContent.toLowerCase().indexOf(q) < 0 ? 'none' : '';
      });
    });
    table.parentNode.insertBefore(filter, table);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.className += ' sort';
      th.title = 'Sort by this column';
      th.addEventListener('click', function () {
        var asc = th.getAttribute('data-dir') !== 'asc';
        th.setAttribute('data-dir', asc ? 'asc' : 'desc');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[i]), y = key(b.cells[i]);
          var c = typeof x === 'number' && typeof y === 'number'
            ? x - y : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
</script>"#;
