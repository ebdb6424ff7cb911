/* bai-media plotly chunk: draws Plotly items with the vendored plotly.js bundled before this
 * file. Loaded on demand by main.js only when the page has a Plotly item. The figure is inert
 * JSON text the server cleaned; it is read only from elements the server made (bai- classes and
 * data-type, which sanitized kernel HTML can never carry). */
(function (window, document) {
  'use strict';
  var Media = window.BackendAI.Media;
  var Plotly = window.Plotly;
  var TYPE = 'application/vnd.plotly.v1+json';
  var CONFIG = {responsive: true, displaylogo: false, showLink: false, showSendToCloud: false,
                showEditInChartStudio: false, showTips: false};

  function drawOne(box) {
    var holder = box.parentElement;
    if (!holder || holder.getAttribute('data-type') !== TYPE) return;
    var source = box.querySelector(':scope > .bai-media-plotly-figure');
    var chart = box.querySelector(':scope > .bai-media-plotly-chart');
    var fallback = box.querySelector(':scope > .bai-media-plotly-static');
    if (!source || !chart) return;
    var figure;
    try { figure = JSON.parse(source.textContent); } catch (e) { return; }
    chart.hidden = false;
    Plotly.newPlot(chart, {data: figure.data || [], layout: figure.layout || {}, frames: figure.frames, config: CONFIG})
      .then(function () { if (fallback) fallback.hidden = true; },
            function (err) { chart.hidden = true; if (window.console) console.warn('bai-media: plotly', err); });
  }

  function enhance(root) {
    var boxes = (root.querySelectorAll ? root : document).querySelectorAll('.bai-media-plotly:not([data-bai-drawn])');
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].setAttribute('data-bai-drawn', '');
      drawOne(boxes[i]);
    }
  }

  /* A page whose own module loader captured plotly.js leaves no window.Plotly: keep the summaries. */
  Media.chunks.plotly = {enhance: Plotly ? enhance : function () {
    if (window.console) console.warn('bai-media: plotly.js did not load as window.Plotly');
  }};
})(window, document);
