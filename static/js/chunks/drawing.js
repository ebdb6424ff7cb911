/* bai-media drawing chunk: replay controls for animated drawings. Loaded on demand by main.js
 * only when the page contains a drawing. The animation itself is CSS inside the SVG image. */
(function (window, document) {
  'use strict';
  var Media = window.BackendAI.Media;

  function replay(img) {
    /* A fresh image element restarts the SVG's animations from the beginning. */
    var fresh = img.cloneNode(true);
    img.replaceWith(fresh);
    return fresh;
  }

  function enhance(root) {
    var imgs = (root.querySelectorAll ? root : document).querySelectorAll('img.bai-media-drawing:not([data-bai-replay])');
    for (var i = 0; i < imgs.length; i++) {
      (function (img) {
        img.setAttribute('data-bai-replay', '');
        var item = img.closest('.bai-media-item');
        if (!item || item.querySelector('.bai-media-replay')) return;
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'bai-media-button bai-media-replay';
        b.textContent = 'Replay';
        b.title = 'Play the drawing again';
        b.addEventListener('click', function () {
          var current = item.querySelector('img.bai-media-drawing');
          if (current) replay(current).setAttribute('data-bai-replay', '');
        });
        var bar = item.querySelector(':scope > .bai-media-controls');
        if (!bar) {
          bar = document.createElement('div');
          bar.className = 'bai-media-controls';
          item.insertBefore(bar, item.firstChild);
        }
        bar.appendChild(b);
      })(imgs[i]);
    }
  }

  Media.chunks.drawing = {enhance: enhance, replay: replay};
})(window, document);
